import GridClearCore


/// Reputation parameters of the committee (SPEC §7, seed 003 §5.4), in thousandths of a point.
/// Guarantees after `validate()`: 0 ≤ T_min < T_init ≤ T_max, 0 < T_up < T_down (a wrong
/// endorsement costs more than a right one earns; seed 003 asks for T_down ≫ T_up),
/// committee size ≥ 4 (one Byzantine member tolerated) and epochs of at least one block.
public struct ReputationParams: Sendable, Hashable {
    public var tInit: Int64 = 60_000
    public var tUp: Int64 = 1_000
    public var tDown: Int64 = 10_000
    public var tMax: Int64 = 100_000
    public var tMin: Int64 = 30_000
    /// Members per committee (3f + 1 is the efficient choice).
    public var committeeSize = 4
    /// Committed blocks per epoch: reputation changes and committee re-selection take
    /// effect only at epoch boundaries.
    public var epochBlocks: UInt64 = 96
    /// Range of the lottery value added to reputation when ranking candidates.
    public var lotteryRange: Int64 = 10_000

    public init() {}

    public func validate() throws {
        guard tMin >= 0, tMin < tInit, tInit <= tMax else { throw ReplicationError.invalid("reputation: need 0 ≤ T_min < T_init ≤ T_max") }
        guard tUp > 0, tDown > tUp else { throw ReplicationError.invalid("reputation: need 0 < T_up < T_down") }
        guard committeeSize >= 4 else { throw ReplicationError.invalid("reputation: a committee needs at least 4 members") }
        guard epochBlocks >= 1, lotteryRange >= 0 else { throw ReplicationError.invalid("reputation: epoch ≥ 1 block, lottery range ≥ 0") }
    }
}

/// A node that may sit on a committee.
public struct Candidate: Sendable, Hashable {
    public var nodeID: String
    public var publicKey: [UInt8]
    public init(nodeID: String, publicKey: [UInt8]) { self.nodeID = nodeID; self.publicKey = publicKey }
}

/// Reputation computed only from committed data. Within an epoch, outcomes accumulate as
/// pending deltas; `closeEpoch` applies them (clamped to [0, T_max]) and returns the changes,
/// which the caller records as `ReputationChangeEntry`s. Every replica that feeds the same
/// committed blocks gets the same scores. Deterministic: no dictionary order leaks out.
public struct ReputationBook: Sendable, Equatable {
    public let params: ReputationParams
    public private(set) var scores: [String: Int64] = [:]
    public private(set) var pending: [String: Int64] = [:]

    public init(params: ReputationParams, nodes: [String]) {
        self.params = params
        for n in nodes { scores[n] = params.tInit }
    }

    public func score(_ node: String) -> Int64 { scores[node] ?? params.tInit }

    /// Records the outcome of one committed block: `matched` endorsed the committed result
    /// (their commit signatures are in its certificate), `wrong` endorsed a different result
    /// (evidence: a signed vote for another hash at the same slot, or a recorded disagreement
    /// with a certified block).
    public mutating func record(matched: [String], wrong: [String]) {
        for n in Set(matched) { pending[n, default: 0] += params.tUp }
        for n in Set(wrong) { pending[n, default: 0] -= params.tDown }
    }

    /// The signers of a certificate, by node id (`members[i]` is replica i's node).
    public mutating func record(certificate qc: QuorumCertificate, members: [String], wrong: [String] = []) {
        record(matched: qc.votes.compactMap { Int($0.replica) < members.count ? members[Int($0.replica)] : nil }, wrong: wrong)
    }

    /// Applies the epoch's deltas; returns (node, before, after) sorted by node id.
    public mutating func closeEpoch() -> [(node: String, before: Int64, after: Int64)] {
        var out: [(node: String, before: Int64, after: Int64)] = []
        for n in pending.keys.sorted() {
            let before = score(n)
            let after = min(params.tMax, max(0, before + (pending[n] ?? 0)))
            scores[n] = after
            if after != before { out.append((n, before, after)) }
        }
        pending = [:]
        return out
    }
}

/// Pure committee selection for the next epoch: candidates above T_min that are not trading
/// parties of the block, ranked by reputation plus a lottery value every replica derives from
/// the previous block hash (seed 002); ties by lottery digest then node id. The primary
/// rotation offset is drawn by the same lottery.
public enum CommitteeSelection {
    public static let lotteryLabel = "GridClear/committee/v1/lottery"

    /// SHA-256(label ‖ 0 ‖ previous block hash ‖ node id).
    public static func lotteryDigest(previousHash: [UInt8], nodeID: String) -> [UInt8] {
        var h = Sha256()
        h.update(Array(lotteryLabel.utf8) + [0]); h.update(previousHash); h.update(Array(nodeID.utf8))
        return h.finalize()
    }

    static func value(_ d: [UInt8]) -> UInt64 { d.prefix(8).reduce(0) { $0 << 8 | UInt64($1) } }

    /// The committee of the epoch that starts after the block with hash `previousHash`.
    /// Throws when fewer than 4 candidates are eligible.
    public static func select(candidates: [Candidate], book: ReputationBook, previousHash: [UInt8],
                              excluding tradingParties: Set<String>, chain: String, epoch: UInt64) throws -> (committee: Committee, members: [Candidate]) {
        let p = book.params
        let eligible = candidates.filter { book.score($0.nodeID) > p.tMin && !tradingParties.contains($0.nodeID) }
        let ranked = eligible.map { c -> (c: Candidate, rank: Int64, d: [UInt8]) in
            let d = lotteryDigest(previousHash: previousHash, nodeID: c.nodeID)
            let lottery = p.lotteryRange == 0 ? 0 : Int64(value(d) % UInt64(p.lotteryRange + 1))
            return (c, book.score(c.nodeID) + lottery, d)
        }.sorted { a, b in
            if a.rank != b.rank { return a.rank > b.rank }
            if a.d != b.d { return a.d.lexicographicallyPrecedes(b.d) }
            return a.c.nodeID < b.c.nodeID
        }
        let chosen = Array(ranked.prefix(p.committeeSize).map(\.c))
        guard chosen.count >= 4 else {
            throw ReplicationError.invalidCommittee("only \(chosen.count) eligible candidates above T_min outside the trading parties; a committee needs 4")
        }
        let offset = value(lotteryDigest(previousHash: previousHash, nodeID: "")) % UInt64(chosen.count)
        let c = try Committee(id: CommitteeID(chain: chain, epoch: epoch), keys: chosen.map(\.publicKey), primaryOffset: offset)
        return (c, chosen)
    }
}
