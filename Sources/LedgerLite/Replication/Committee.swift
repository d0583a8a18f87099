import GridClearCore

/// Index of a replica in its committee (0 ..< n). Position in `Committee.keys`.
public typealias ReplicaID = UInt16

/// Which committee a message, vote or certificate belongs to. Every signature's domain
/// includes it, so a vote for one chain or epoch can never be replayed in another (SPEC §7:
/// shard committees side by side under a global committee, re-formed each epoch).
public struct CommitteeID: Sendable, Hashable, CustomStringConvertible {
    /// The ledger (or shard) this committee orders, e.g. the genesis `ledgerID`.
    public var chain: String
    /// The committee epoch: membership is fixed within one epoch.
    public var epoch: UInt64
    public init(chain: String, epoch: UInt64) { self.chain = chain; self.epoch = epoch }
    public var description: String { "\(chain)#\(epoch)" }
}

/// The membership of one PBFT committee: n replicas with Ed25519 public keys, tolerating
/// f = ⌊(n − 1) / 3⌋ Byzantine members. Guarantees: any two quorums of `quorum` replicas
/// intersect in at least f + 1 replicas, hence in at least one honest replica.
public struct Committee: Sendable, Hashable {
    public var id: CommitteeID
    /// Public keys by replica index (32 bytes each, distinct).
    public var keys: [[UInt8]]
    /// Rotation offset of the primary: primary(v) = (offset + v) mod n. Derived by the
    /// reputation lottery (seed 002) or 0.
    public var primaryOffset: UInt64

    public init(id: CommitteeID, keys: [[UInt8]], primaryOffset: UInt64 = 0) throws {
        guard !keys.isEmpty, keys.count <= Int(UInt16.max) else { throw ReplicationError.invalidCommittee("a committee needs 1 … 65535 members") }
        guard keys.allSatisfy({ $0.count == 32 }) else { throw ReplicationError.invalidCommittee("every public key must be 32 bytes") }
        guard Set(keys).count == keys.count else { throw ReplicationError.invalidCommittee("duplicate public key") }
        self.id = id; self.keys = keys; self.primaryOffset = primaryOffset
    }

    public var n: Int { keys.count }
    /// Largest number of Byzantine members tolerated.
    public var f: Int { (n - 1) / 3 }
    /// Votes needed for a certificate: ⌈(n + f + 1) / 2⌉, which is 2f + 1 when n = 3f + 1.
    public var quorum: Int { (n + f + 2) / 2 }
    /// Replies a client needs before it accepts a result (seed 001): f + 1.
    public var replyQuorum: Int { f + 1 }

    public func primary(ofView view: UInt64) -> ReplicaID {
        ReplicaID(truncatingIfNeeded: (primaryOffset &+ view) % UInt64(n))
    }
    public func key(of r: ReplicaID) -> [UInt8]? { Int(r) < n ? keys[Int(r)] : nil }
    public func index(ofKey k: [UInt8]) -> ReplicaID? { keys.firstIndex(of: k).map { ReplicaID($0) } }
    public var members: [ReplicaID] { (0..<n).map { ReplicaID($0) } }
}

/// Verifies signatures. Production uses `Ed25519Scheme`; deterministic simulations may
/// inject a cheaper scheme with the same contract (a valid signature can only be produced
/// by the holder of the signer).
public protocol SignatureScheme: Sendable {
    func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool
}

/// Signs with one replica's secret key. `sign` must be deterministic for a given message
/// only in the sense that any signature it returns verifies; equivocation is prevented by
/// `SigningGuard`, not by the signer.
public protocol MessageSigner: Sendable {
    var publicKey: [UInt8] { get }
    func sign(_ message: [UInt8]) throws -> [UInt8]
}

/// Ed25519 (swift-crypto `Curve25519.Signing`).
public struct Ed25519Scheme: SignatureScheme {
    public init() {}
    public func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        signature.count == 64 && NodeKey.verify(signature: signature, message: message, publicKey: publicKey)
    }
}

extension NodeKey: MessageSigner {}
