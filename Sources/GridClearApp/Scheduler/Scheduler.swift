import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// The scheduler's view of time, injected: the real clock and signals in the command line,
/// a simulated clock in tests and replicas' simulations.
public struct SchedulerClock: Sendable {
    public var now: @Sendable () -> UTCTime
    /// Blocks until `deadline`, or returns early once a stop is requested.
    public var sleep: @Sendable (_ deadline: UTCTime) -> Void
    public var stopRequested: @Sendable () -> Bool

    public init(now: @escaping @Sendable () -> UTCTime, sleep: @escaping @Sendable (UTCTime) -> Void,
                stopRequested: @escaping @Sendable () -> Bool) {
        self.now = now; self.sleep = sleep; self.stopRequested = stopRequested
    }
}

/// What the scheduler is asked to do.
public struct SchedulerConfig: Sendable {
    public var inputs: String
    /// Output root for each cycle's published files (nil: none).
    public var outputRoot: String?
    public var options: ClearOptions
    /// Clear what is due, then return (cron).
    public var once: Bool
    /// Longest sleep before looking for new cycle folders again.
    public var rescanSeconds: Int64
    /// Cut blocks by the genesis MMC/MBT (`BlockBatcher`) instead of one block per cycle;
    /// needs the embedded `NodeLedger`.
    public var batchBlocks = false

    public init(inputs: String, outputRoot: String?, options: ClearOptions, once: Bool, rescanSeconds: Int64 = 60) {
        self.inputs = inputs; self.outputRoot = outputRoot; self.options = options; self.once = once; self.rescanSeconds = rescanSeconds
    }
}

/// What a scheduler run did.
public struct SchedulerSummary: Sendable, Equatable {
    /// Cycles cleared and recorded by this run, in order.
    public var cleared: [String] = []
    /// Cycles skipped by this run (invalid inputs or clearing failed), with the reason.
    public var skipped: [String: String] = [:]
    /// Participant files rejected at intake, per cycle cleared by this run (the rest cleared).
    public var rejectedSubmissions: [String: [RejectedSubmission]] = [:]
    /// True when the run ended on a stop request.
    public var stopped = false
    /// True when something due was skipped or a submission rejected (exit code 2).
    public var partial: Bool { !skipped.isEmpty || !rejectedSubmissions.isEmpty }
}

/// `gridclear schedule`: clears every cycle folder whose gate closure has passed and that
/// the ledger does not hold yet, in cycle order, then sleeps until the next gate closure.
///
/// Guarantees: each cycle is recorded at most once (the ledger decides what is done, so a
/// restart after a crash resumes exactly where the ledger ends); a stop request is honoured
/// between cycles, never inside a ledger append; a cycle with invalid inputs is reported
/// (`AppEvent.cycleSkipped`), recorded in the ledger as rejected (`RejectedCycleEntry`, naming
/// the error, so it is not retried by later runs) and skipped while later cycles still clear;
/// a ledger failure or a failed publication ends the run with the error.
public struct Scheduler {
    public let config: SchedulerConfig
    public let ledger: CycleLedger
    public let clock: SchedulerClock
    public let service: CycleService
    let events: AppEvents
    let batcher: BlockBatcher?

    public init(config: SchedulerConfig, ledger: CycleLedger, clock: SchedulerClock, service: CycleService,
                events: @escaping AppEvents = { _ in }) {
        self.config = config; self.ledger = ledger; self.clock = clock; self.service = service; self.events = events
        batcher = config.batchBlocks ? (ledger as? NodeLedger).map { BlockBatcher(ledger: $0, outputRoot: config.outputRoot) } : nil
    }

    /// Runs until stopped (or, with `once`, until what is due now is done).
    public func run() throws(AppError) -> SchedulerSummary {
        var summary = SchedulerSummary()
        var repaired = false
        while !clock.stopRequested() {
            let cycles = try CycleFolderScanner.scan(inputs: config.inputs)
            if !repaired { try republishMissingOutputs(cycles); repaired = true }
            let plan = SchedulePlanner.plan(cycles: cycles, recorded: ledger.recordedCycles.union(batcher?.pendingCycles ?? []),
                                            skipped: Set(summary.skipped.keys).union(ledger.rejectedCycles), now: clock.now())
            for c in plan.due {
                if clock.stopRequested() { break }
                try clearOne(c, into: &summary)
            }
            if let b = batcher { try committed(config.once ? b.flush(now: clock.now()) : b.tick(now: clock.now()), into: &summary) }
            if config.once {
                if plan.due.isEmpty {
                    let recorded = ledger.recordedCycles.count
                    events(.nothingDue(recorded: recorded, waiting: max(0, cycles.count - recorded)))
                }
                break
            }
            let now = clock.now()
            var wake = min(plan.nextWake ?? .init(millis: .max), now.adding(seconds: config.rescanSeconds))
            if let d = batcher?.deadline { wake = min(wake, d) }  // MBT
            if plan.due.isEmpty { events(.sleeping(until: wake.rfc3339)) }
            clock.sleep(wake)
        }
        if let b = batcher { try committed(b.flush(now: clock.now()), into: &summary) }  // at exit
        if clock.stopRequested() {
            summary.stopped = true
            events(.stopping)
        }
        return summary
    }

    /// Recorded cycles whose outputs are missing (a crash between the ledger append and the
    /// publication) are published again from their ledger entries.
    func republishMissingOutputs(_ cycles: [ScheduledCycle]) throws(AppError) {
        guard let root = config.outputRoot else { return }
        for c in cycles where ledger.recordedHeight(ofCycle: c.id) != nil && !OutputPublisher.isPublished(cycle: c.id, root: root) {
            guard let e = try ledger.recordedEntry(ofCycle: c.id) else { continue }
            try OutputPublisher.publish(recorded: e, root: root)
            events(.outputsRepublished(cycle: c.id))
        }
    }

    /// Clears and records one due cycle; input and clearing failures skip it.
    func clearOne(_ c: ScheduledCycle, into summary: inout SchedulerSummary) throws(AppError) {
        let outcome: IntakeOutcome
        let ledger = self.ledger
        events(.cycleStarted(cycle: c.id))
        let started = service.monotonicNanos()
        do {
            if let b = batcher {
                // Block cutting (`--batch`): submitted now, committed and published by a cut.
                let intake = try SubmissionIntake.gather(cycleDirectory: FileSystem.join(config.inputs, c.id), reputationFromLedger: true)
                for r in intake.rejected { events(.submissionRejected(cycle: c.id, file: r.file, error: r.error)) }
                let (cleared, f) = try service.clear(intake.files, reputationJSON: try CycleService.ledgerReputationJSON(ofCycle: intake.files.cycleID, in: ledger),
                                                     options: config.options)
                return try committed(b.record(cleared, files: f, options: config.options, intake: intake, now: clock.now()), into: &summary)
            }
            outcome = try service.intakeClearAndRecord(cycleDirectory: FileSystem.join(config.inputs, c.id), options: config.options,
                                                       openLedger: { ledger }, outputRoot: config.outputRoot, now: clock.now())
        } catch {
            switch error {
            case .invalidInputs, .clearingFailed:
                // The cycle's own fault: recorded as rejected, never retried.
                summary.skipped[c.id] = error.description
                let h = try ledger.commit([.rejectedCycle(RejectedCycleEntry(cycleID: c.id, reason: error.description))], now: clock.now())
                if let b = batcher { try committed(b.publishCommitted(now: clock.now()), into: &summary) }  // the commit flushed the pending block
                events(.cycleSkipped(cycle: c.id, reason: error.description + (h.map { " (recorded as rejected at height \($0))" } ?? "")))
                return
            case .usage, .failed:
                // Not the cycle's fault (options, environment): skipped in this run only.
                summary.skipped[c.id] = error.description
                events(.cycleSkipped(cycle: c.id, reason: error.description))
                return
            default: throw error
            }
        }
        let result = outcome.result
        for r in outcome.intake.rejected { events(.submissionRejected(cycle: c.id, file: r.file, error: r.error)) }
        if outcome.partial { summary.rejectedSubmissions[c.id] = outcome.intake.rejected }
        switch result.record {
        case .appended(let h)?:
            summary.cleared.append(c.id)
            events(.cycleCleared(cycle: c.id, trades: result.cleared.result.trades.count, height: h))
            let inputs = result.cleared.inputs
            events(.cycleReport(CycleRunReport(cycle: c.id, mechanism: result.cleared.result.mechanism, bids: inputs.bids.count,
                                               offers: inputs.offers.count, trades: result.cleared.result.trades.count,
                                               matchedWh: CycleMetrics.compute(inputs: inputs, result: result.cleared.result).matchedWh,
                                               durationMillis: Int64((service.monotonicNanos() &- started) / 1_000_000),
                                               height: h, rejectedSubmissions: outcome.intake.rejected.count)))
        case .alreadyRecorded(let h)?:
            events(.cycleAlreadyRecorded(cycle: c.id, height: h))
        case nil:
            break
        }
    }

    /// Reports cycles a block cut committed (their outputs are published by then).
    func committed(_ cycles: [BlockBatcher.Committed], into summary: inout SchedulerSummary) {
        for c in cycles {
            summary.cleared.append(c.cycle)
            if !c.rejected.isEmpty { summary.rejectedSubmissions[c.cycle] = c.rejected }
            events(.cycleCleared(cycle: c.cycle, trades: c.trades, height: c.height))
            events(.cycleReport(c.report))
        }
    }
}
