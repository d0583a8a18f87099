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

    /// A fold of a ledger file's prefix: its first `nextHeight` blocks, which end at byte `endOffset`.
    public typealias Fold = (nextHeight: UInt64, endOffset: Int, snapshot: ReputationSnapshot)

    /// The reputation of the ledger file at `path` up to `state` (its first `state.nextHeight`
    /// blocks), continuing `from`: reads only the bytes between `from.endOffset` and
    /// `state.endOffset`, so each block is read once and it may run beside a writer appending
    /// to the same file.
    public static func fold(ledgerFile path: String, through state: ChainState, from: Fold) throws(AppError) -> Fold {
        guard from.nextHeight < state.nextHeight, from.endOffset <= state.endOffset else { return from }
        var bytes = [UInt8](repeating: 0, count: state.endOffset - from.endOffset)
        do {
            let f = try SequentialFile(path: path)
            try f.seek(to: from.endOffset)
            guard try f.read(into: &bytes, from: 0, to: bytes.count) == bytes.count else {
                throw AppError.failed("\(path) is shorter than its chain state (\(state.endOffset) bytes)")
            }
        } catch let e as AppError { throw e } catch { throw AppError.wrap(error, cycle: "-") }
        let records = RecordScanner.scan(bytes).records
        var s = from.snapshot
        var h = from.nextHeight
        for r in records where h < state.nextHeight {
            do { s = folding(try Block.decode(r.payload, format: r.format).entries, into: s) } catch {
                throw .ledgerFault(LedgerFault(offset: from.endOffset + r.offset, height: h, "undecodable block: \(error)"))
            }
            h += 1
        }
        guard h == state.nextHeight else { throw AppError.failed("\(path): \(h) blocks readable, the chain state has \(state.nextHeight)") }
        return (h, state.endOffset, s)
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
