import Clearing
import GridClearCore
import LedgerLite

/// Participants' reputation from a ledger (SPEC §3.7): the fold of its reputation-change
/// entries in ledger order (each sets the participant's value to its `after`), base 60. Pure.
public enum LedgerReputation {
    public static func snapshot<S: Sequence>(of entries: S) -> ReputationSnapshot where S.Element == LedgerEntry {
        var s = ReputationSnapshot()
        for e in entries { if case .reputationChange(let r) = e { s.record(participant: r.participantID, after: r.after) } }
        return s
    }

    /// The snapshot as settlement's `ReputationBook` (whole points, standard rules).
    public static func book(_ s: ReputationSnapshot) -> Clearing.ReputationBook {
        Clearing.ReputationBook(scores: s.scores.mapValues { Int($0 / 1000) })
    }
}

extension CycleLedger {
    /// Ledgers that cannot fold their history here (replicated modes) give nil: clearing
    /// then uses the CSV `reputation` columns.
    public func reputationSnapshot(excludingCycle: String?) throws(AppError) -> ReputationSnapshot? { nil }
}

extension NodeLedger {
    /// Every entry of the ledger, in order (block 0 first).
    public func allEntries() throws(AppError) -> [LedgerEntry] { try entries(from: 0, to: store.state.nextHeight) }

    /// The entries of the blocks at heights `first ..< n`, in order.
    func entries(from first: UInt64, to n: UInt64) throws(AppError) -> [LedgerEntry] {
        var out: [LedgerEntry] = []
        var h = first
        while h < n {
            do { if let b = try store.block(at: h) { out += b.entries } } catch let e as LedgerError { throw .ledger(e) } catch { throw AppError.wrap(error, cycle: "-") }
            h += 1
        }
        return out
    }

    /// The ledger's reputation now (every reputation-change entry so far, but `excludingCycle`'s).
    public func reputationSnapshot(excludingCycle: String?) throws(AppError) -> ReputationSnapshot? {
        if let excludingCycle {
            return LedgerReputation.snapshot(of: try allEntries().filter { $0.cycleID != excludingCycle })
        }
        // Incremental: only blocks appended since the last call are read.
        var snap = reputationCache?.snapshot ?? ReputationSnapshot()
        let end = store.state.nextHeight
        for e in try entries(from: reputationCache?.nextHeight ?? 0, to: end) {
            if case .reputationChange(let r) = e { snap.record(participant: r.participantID, after: r.after) }
        }
        reputationCache = (end, snap)
        return snap
    }
}
