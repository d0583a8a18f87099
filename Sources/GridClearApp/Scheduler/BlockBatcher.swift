import Clearing
import GridClearCore
import LedgerLite

/// Records cleared cycles through the orderer's block cutting (SPEC §6: the genesis MMC and
/// MBT) instead of one flushed block per cycle, and publishes a cycle's outputs only once the
/// block holding it is committed (outputs never before the ledger).
///
/// A block is cut when MMC entries are pending (`record`), when MBT has passed since the first
/// pending entry (`tick`, with the injected clock) or on `flush` (exit, stop, `--once`). Pending
/// cycles are not durable: a crash loses them and the next run clears them again (the ledger
/// is still the only record of what is done), and nothing of them was published. A cycle
/// gathered from per-participant files gets its `rejected.json` with its other outputs, after
/// its block (holding its `RejectedSubmissionEntry`s) is committed, as the unbatched path does.
public final class BlockBatcher {
    public let ledger: NodeLedger
    public let outputRoot: String?
    /// A submitted cycle waiting for its block.
    private struct Pending {
        var cleared: ClearedCycle
        var submitted: Int64
        /// The intake it was gathered by (nil: cleared from files directly).
        var intake: IntakeResult?
    }
    private var waiting: [Pending] = []
    private var firstPendingMillis: Int64?

    public init(ledger: NodeLedger, outputRoot: String?) { self.ledger = ledger; self.outputRoot = outputRoot }

    /// A cycle committed by a cut, with its block height, once its outputs are published;
    /// `report` as the scheduler logs it (duration: from submit to commit); `rejected`: the
    /// participant files its intake left out (listed in its `rejected.json` and the block).
    public struct Committed: Sendable, Equatable {
        public var cycle: String
        public var height: UInt64
        public var trades: Int
        public var report: CycleRunReport
        public var rejected: [RejectedSubmission] = []
    }

    /// Cycles submitted but not yet in a committed block.
    public var pendingCycles: Set<String> { Set(waiting.map(\.cleared.cycleID)) }

    /// When MBT forces the pending block at the latest (nil: nothing pending).
    public var deadline: UTCTime? {
        firstPendingMillis.map { UTCTime(millis: $0 + Int64(ledger.store.state.genesis?.maxBatchMillis ?? 0)) }
    }

    /// Submits a cleared cycle's entry, with one `RejectedSubmissionEntry` per file `intake`
    /// rejected in the same block; returns the cycles committed by this submit.
    public func record(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions, intake: IntakeResult? = nil,
                       now: UTCTime) throws(AppError) -> [Committed] {
        let entry: ClearedCycleEntry
        do { entry = try CycleRecord.entry(cleared, files: files, options: options) } catch {
            throw .clearingFailed(cycle: cleared.cycleID, message: "\(error)")
        }
        if waiting.isEmpty { firstPendingMillis = now.millis }
        waiting.append(Pending(cleared: cleared, submitted: now.millis, intake: intake))
        let extraEntries = intake?.ledgerEntries ?? []
        do { _ = try ledger.orderer.submit([.clearedCycle(entry)] + extraEntries, nowMillis: now.millis) } catch { throw Self.wrap(error) }
        let done = try publishCommitted(now: now)
        // A cut before this entry (MMC) leaves it alone in a new pending block started now.
        if !done.isEmpty && !waiting.isEmpty { firstPendingMillis = now.millis }
        return done
    }

    /// Cuts the pending block if MBT has passed.
    public func tick(now: UTCTime) throws(AppError) -> [Committed] {
        do { _ = try ledger.orderer.tick(nowMillis: now.millis) } catch { throw Self.wrap(error) }
        return try publishCommitted(now: now)
    }

    /// Cuts everything pending now.
    public func flush(now: UTCTime) throws(AppError) -> [Committed] {
        do { _ = try ledger.orderer.flush(nowMillis: now.millis) } catch { throw Self.wrap(error) }
        return try publishCommitted(now: now)
    }

    /// Publishes every waiting cycle the ledger now holds (also after another commit, e.g. a
    /// rejected-cycle entry, flushed the pending block): its outputs, then its `rejected.json`.
    public func publishCommitted(now: UTCTime) throws(AppError) -> [Committed] {
        var done: [Committed] = [], rest: [Pending] = []
        for w in waiting {
            guard let h = ledger.recordedHeight(ofCycle: w.cleared.cycleID) else { rest.append(w); continue }
            if let root = outputRoot {
                do throws(AppError) {
                    try OutputPublisher.publish(w.cleared, root: root)
                    if let intake = w.intake { try SubmissionIntake.publishRejected(intake, root: root) }
                } catch {
                    if case .publishFailed(let c, _, let m) = error { throw .publishFailed(cycle: c, height: h, message: m) }
                    throw error
                }
            }
            let c = w.cleared, inputs = c.inputs
            let report = CycleRunReport(cycle: c.cycleID, mechanism: c.result.mechanism, bids: inputs.bids.count, offers: inputs.offers.count,
                                        trades: c.result.trades.count, matchedWh: CycleMetrics.compute(inputs: inputs, result: c.result).matchedWh,
                                        durationMillis: now.millis - w.submitted, height: h, rejectedSubmissions: w.intake?.rejected.count ?? 0)
            done.append(Committed(cycle: c.cycleID, height: h, trades: c.result.trades.count, report: report, rejected: w.intake?.rejected ?? []))
        }
        waiting = rest
        if waiting.isEmpty { firstPendingMillis = nil }
        return done
    }

    static func wrap(_ error: any Error) -> AppError {
        if let e = error as? LedgerError { return .ledger(e) }
        return AppError.wrap(error, cycle: "-")
    }
}
