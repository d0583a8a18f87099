import Crypto
import GridClearCore
import Privacy

/// One winner the private settlement found at fault (deviation beyond σ) and what tracing
/// gave: `identity` is the registered identity when t trustees answered, nil otherwise.
public struct TraceOutcome: Sendable, Equatable {
    /// Hex SHA-256 of the certificate's tracing tag (the tag itself is an ElGamal ciphertext).
    public var tagDigest: String
    public var identity: String?
    public var reason: String
}

/// Tracing of non-delivering winners after private settlement (seed 001, issue 14 item 1):
/// the matching service hands the operator the tracing tag of every certificate whose
/// holder is at fault on a record settled beyond σ (`faultTag`); the operator orders the
/// registration authority to trace it (`traceOrder`, naming the trustees to ask); the
/// authority asks the trustees for decryption shares, verifies each, and with t of them
/// recovers the registered identity (`traceResult`), with fewer it answers nil. Trustees see
/// only the tags they are asked about. The same messages run on the in-process bus and over
/// the process transports (`PrivateProcessRun`).
enum PrivateTracing {
    /// The tags to trace, each once, in the order the matching service sent them.
    static func orders(_ op: OperatorRole) -> [(tag: [UInt8], reason: String)] {
        var seen = Set<[UInt8]>()
        return op.faultTags.filter { seen.insert($0.tag).inserted }
    }

    /// How many fault tags the matching service sends for these settlement decisions.
    static func expectedFaultTags(_ outcomes: [Int: PrivateSettlementOutcome]) -> Int {
        outcomes.values.filter { !$0.withinTolerance }.reduce(0) { $0 + ($1.sellerAtFault ? 1 : 0) + ($1.buyerAtFault ? 1 : 0) }
    }

    static func outcome(_ tag: [UInt8], _ reason: String, _ op: OperatorRole) -> TraceOutcome {
        TraceOutcome(tagDigest: Hex.encode(Array(SHA256.hash(data: tag))), identity: op.traceResults[tag] ?? nil, reason: reason)
    }

    /// Traces every at-fault pseudonym on the in-process bus, asking the first `answering`
    /// trustees (all of them when nil).
    static func inProcess(_ outcome: PrivateCycleOutcome, answering: Int?) -> [TraceOutcome] {
        let op = outcome.operatorRole, trustees = outcome.trusteeRoles.map(\.address)
        let asked = Array(trustees.prefix(answering ?? trustees.count))
        return orders(op).map { f in
            outcome.bus.post([MarketEnvelope(to: outcome.authority.address, .traceOrder(tag: f.tag, trustees: asked))], from: op)
            outcome.bus.run()
            return Self.outcome(f.tag, f.reason, op)
        }
    }

    /// `traced.csv`: the traced winners only (no identity is written for a failed trace).
    static func csv(_ traced: [TraceOutcome]) -> String {
        var s = "tag_sha256,identity,reason\n"
        for t in traced { if let who = t.identity { s += "\(t.tagDigest),\(CanonicalText.csvField(who)),\(CanonicalText.csvField(t.reason))\n" } }
        return s
    }
}
