import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// Participants' reputation from a ledger (SPEC §3.7): the fold of its reputation-change
/// entries in ledger order (each sets the participant's value to its `after`), base 60. Pure.
public enum LedgerReputation {
    public static func snapshot<S: Sequence>(of entries: S) -> ReputationSnapshot where S.Element == LedgerEntry {
        folding(entries, into: ReputationSnapshot())
    }

    /// `s` after the reputation changes among `entries`, in order.
    public static func folding<S: Sequence>(_ entries: S, into s: ReputationSnapshot) -> ReputationSnapshot where S.Element == LedgerEntry {
        var s = s
        for e in entries { if case .reputationChange(let r) = e { s.record(participant: r.participantID, after: r.after) } }
        return s
    }

    /// The reputation of the ledger file at `path` up to `state` (its first `state.nextHeight`
    /// blocks), continuing `from` (a fold of an earlier prefix). Reads only bytes below
    /// `state.endOffset`, so it may run beside a writer appending to the same file.
    public static func fold(ledgerFile path: String, through state: ChainState,
                            from: (nextHeight: UInt64, snapshot: ReputationSnapshot)) throws(AppError) -> (nextHeight: UInt64, snapshot: ReputationSnapshot) {
        guard from.nextHeight < state.nextHeight else { return from }
        let bytes: [UInt8]
        do { bytes = Array(try FileSystem.read(path, maxBytes: Int.max).prefix(state.endOffset)) } catch { throw AppError.wrap(error, cycle: "-") }
        let records = RecordScanner.scan(bytes).records
        var s = from.snapshot
        var h = Int(from.nextHeight)
        while h < Int(state.nextHeight), h < records.count {
            do { s = folding(try Block.decode(records[h].payload).entries, into: s) } catch {
                throw .ledgerFault(LedgerFault(offset: records[h].offset, height: UInt64(h), "undecodable block: \(error)"))
            }
            h += 1
        }
        return (UInt64(h), s)
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
