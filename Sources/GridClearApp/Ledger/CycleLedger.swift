import Clearing
import GridClearCore
import LedgerLite

/// Opens the ledger a workflow records into, called only once there is something to record
/// (so invalid inputs or a pending settlement never create or touch a ledger). Errors other
/// than `AppError` are wrapped.
public typealias LedgerOpener = () throws -> CycleLedger

/// The ledger a cycle is recorded into: the embedded `NodeLedger`, or a replica's
/// replicated ledger. `commit` returns only once the entries are durable (embedded) or
/// committed by the quorum (replicated).
public protocol CycleLedger: AnyObject {
    /// The height of the block recording `cycle`, or nil.
    func recordedHeight(ofCycle cycle: String) -> UInt64?
    /// The recorded entry of `cycle`, or nil.
    func recordedEntry(ofCycle cycle: String) throws(AppError) -> ClearedCycleEntry?
    /// Commits `entries` as one batch; returns the height of the last block written.
    func commit(_ entries: [LedgerEntry], now: UTCTime) throws(AppError) -> UInt64?
    /// Every cycle recorded so far.
    var recordedCycles: Set<String> { get }
    /// The height of the first block holding settlement entries of `cycle`, or nil.
    func settlementHeight(ofCycle cycle: String) -> UInt64?
    /// Every cycle recorded as rejected (`RejectedCycleEntry`) so far.
    var rejectedCycles: Set<String> { get }
    /// Participants' reputation from the ledger's reputation-change entries (SPEC §3.7), or
    /// nil when this ledger does not provide it (then the CSV `reputation` columns are used).
    /// `excludingCycle`: leave out that cycle's own changes (re-publishing a settled cycle).
    func reputationSnapshot(excludingCycle: String?) throws(AppError) -> ReputationSnapshot?
}

extension CycleLedger {
    /// Ledgers that record no rejections report none.
    public var rejectedCycles: Set<String> { [] }
}
