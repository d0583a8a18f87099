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
/// for every pseudonym at fault on a settled match record, the matching service hands the
/// tracing tag of the admitted certificate to the registration authority, which asks the
/// trustees for decryption shares; with t verified shares it recovers the registered
/// identity, with fewer it learns nothing. Trustees see only the tags they are asked about.
enum PrivateTracing {
    /// The pseudonyms at fault, each once, in record order, with the reason.
    static func atFault(_ matches: [ConfirmedMatch], _ settlements: [Int: PrivateSettlementOutcome]) -> [(pseudonym: [UInt8], reason: String)] {
        var seen = Set<[UInt8]>(), out: [(pseudonym: [UInt8], reason: String)] = []
        for m in matches {
            guard let o = settlements[m.record.id], !o.withinTolerance else { continue }
            for (side, key, fault) in [("seller", m.record.sellerPseudonym, o.sellerAtFault), ("buyer", m.record.buyerPseudonym, o.buyerAtFault)]
            where fault && seen.insert(key).inserted {
                out.append((key, "\(side) deviated \(o.deviationBP) bp beyond tolerance on match record \(m.record.id)"))
            }
        }
        return out
    }

    /// Traces every at-fault pseudonym on the in-process bus, asking the first `answering`
    /// trustees (all of them when nil).
    static func inProcess(_ outcome: PrivateCycleOutcome, answering: Int?) throws -> [TraceOutcome] {
        let ra = outcome.authority, trustees = outcome.trusteeRoles.map(\.address)
        let asked = Array(trustees.prefix(answering ?? trustees.count))
        return try atFault(outcome.matching.matches, outcome.matching.settlements).map { f in
            guard let tag = outcome.matching.tracingTag(pseudonym: f.pseudonym) else {
                throw PrivateMarketError.incomplete("no admitted certificate for a pseudonym at fault")
            }
            outcome.bus.post(ra.requestTrace(tag: tag, trustees: asked), from: ra)
            outcome.bus.run()
            let who = ra.traced[tag]
            if who == nil {
                ra.transcript.learn("could not trace a pseudonym: \(asked.count) of the \(ra.tracing.threshold) shares needed")
            }
            return TraceOutcome(tagDigest: Hex.encode(Array(SHA256.hash(data: tag))), identity: who, reason: f.reason)
        }
    }

    /// `traced.csv`: the traced winners only (no identity is written for a failed trace).
    static func csv(_ traced: [TraceOutcome]) -> String {
        var s = "tag_sha256,identity,reason\n"
        for t in traced { if let who = t.identity { s += "\(t.tagDigest),\(CanonicalText.csvField(who)),\(CanonicalText.csvField(t.reason))\n" } }
        return s
    }
}
