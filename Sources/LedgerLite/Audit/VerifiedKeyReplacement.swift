import GridClearCore
import GridClearSystem

/// An operator's key replacement whose Ed25519 signature verified against the operator key a
/// ledger's genesis pins, for that ledger's chain (`Membership.verifyKeyReplacement`, the only
/// way to make one). The verification depends on nothing that changes with the ledger's height,
/// so it holds for every later membership of the same ledger: a replica verifies a request once
/// and keeps the result with it (`Replica.verifiedReplacements`); whether the request still
/// applies (nonce unused, old key current) is checked again at each height
/// (`Membership.keyReplacementEntries(_:)`).
public struct VerifiedKeyReplacement: Sendable, Hashable {
    public let request: KeyReplacement
    /// The chain and operator key it was verified for.
    let chain: String
    let operatorKey: [UInt8]

    #if DEBUG
    /// Test hook (DEBUG builds): while a test binds a counter, every operator-signature
    /// verification (`Membership.verifyKeyReplacement`) on that task adds one to it.
    @TaskLocal public static var verifications: Counter?

    /// A thread-safe count (`verifications`).
    public final class Counter: Sendable {
        let value = Locked(0)
        public init() {}
        public var count: Int { value.withValue { $0 } }
        func add() { value.withValue { $0 += 1 } }
    }
    #endif
}
