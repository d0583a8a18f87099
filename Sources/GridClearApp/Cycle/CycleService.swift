import Clearing
import GridClearCore
import LedgerLite

/// What became of a cycle in the ledger.
public enum RecordOutcome: Sendable, Equatable {
    /// The cycle was appended in the block at this height.
    case appended(height: UInt64)
    /// The ledger already held the cycle, from the same inputs; nothing was appended.
    case alreadyRecorded(height: UInt64)

    public var height: UInt64 {
        switch self { case .appended(let h), .alreadyRecorded(let h): return h }
    }
}

/// The result of `CycleService.clearAndRecord`.
public struct ClearAndRecordResult: Sendable {
    public var cleared: ClearedCycle
    /// nil when no ledger was given.
    public var record: RecordOutcome?
    /// Output files written, in order (empty when no output root was given).
    public var published: [String]
}

/// Clearing a cycle, and clearing-and-recording it: the workflow every front end and every
/// replica runs for one cycle.
///
/// Order (SPEC §6, "Outputs and ledger agree"): parse (once), open the ledger, clear with its
/// reputation (pure; without a ledger, with the CSV columns) → if the ledger
/// already holds the cycle, its recorded inputs must equal these (else
/// `AppError.recordedWithDifferentInputs`, nothing written; equal: its recorded outputs are
/// what gets published) → append the entry, durable on return → only then publish the
/// outputs, atomically. A crash at any point leaves either
/// no entry and no outputs, or the entry (outputs are published again by the next run), never
/// outputs without an entry. Bad inputs: `AppError.invalidInputs`, nothing written anywhere.
public struct CycleService: Sendable {
    /// Monotonic clock for solve times in the human summary (never affects the decision).
    public var monotonicNanos: @Sendable () -> UInt64
    /// Progress and solver-fallback notices while a mechanism works (never affect the decision).
    public var events: @Sendable (ClearingEvent) -> Void

    public init(monotonicNanos: @escaping @Sendable () -> UInt64 = { 0 },
                events: @escaping @Sendable (ClearingEvent) -> Void = { _ in }) {
        self.monotonicNanos = monotonicNanos
        self.events = events
    }

    /// Reads a cycle folder (and the market-wide files beside it, or `marketFile`).
    public func load(cycleDirectory: String, marketFile: String? = nil) throws(AppError) -> CycleFiles {
        do { return try CycleFiles.load(cycleDirectory: cycleDirectory, marketFile: marketFile) } catch {
            throw Self.clearingError(error, cycle: cycleDirectory)
        }
    }

    /// Parses and clears `files`. Pure apart from the solve-time clock.
    public func clear(_ files: CycleFiles, options: ClearOptions) throws(AppError) -> ClearedCycle {
        do {
            return try CyclePipeline.clear(files, options: options,
                                           context: ClearingContext(seed: options.seed, monotonicNanos: monotonicNanos, events: events))
        } catch { throw Self.clearingError(error, cycle: files.cycleID) }
    }

    /// Clears `files`, records the cycle in `ledger` (when given) and then publishes its
    /// outputs under `outputRoot` (when given). See the type's comment for the order.
    public func clearAndRecord(_ files: CycleFiles, options: ClearOptions, ledger: CycleLedger?,
                               outputRoot: String?, now: UTCTime) throws(AppError) -> ClearAndRecordResult {
        let opener: LedgerOpener? = ledger.map { l in { l } }
        return try clearAndRecord(files, options: options, openLedger: opener, outputRoot: outputRoot, now: now)
    }

    /// As above, with the ledger opened only once the cycle has cleared (so invalid inputs
    /// never create or touch a ledger), e.g. `{ try NodeLedger(directory: …) }`.
    /// `extraEntries` (e.g. rejected participant submissions) are committed in the same batch
    /// as the cycle's entry, and only when that entry is appended now.
    public func clearAndRecord(_ files: CycleFiles, options: ClearOptions, openLedger: LedgerOpener?,
                               outputRoot: String?, now: UTCTime, extraEntries: [LedgerEntry] = []) throws(AppError) -> ClearAndRecordResult {
        var files = files, ledger: CycleLedger?, cleared: ClearedCycle
        if let openLedger {
            // Invalid inputs never touch the ledger: parse first (the reputation columns
            // optional), then clear with the ledger's reputation (SPEC §3.7) — the recorded one
            // when the cycle is already there.
            let parsed = try parseAwaitingReputation(files)
            let l = try Self.open(openLedger)
            (cleared, files) = try clear(parsed, files: files, reputationJSON: try Self.ledgerReputationJSON(ofCycle: files.cycleID, in: l),
                                         options: options)
            ledger = l
        } else {
            cleared = try clear(files, options: options)
        }
        var record: RecordOutcome?, recorded: ClearedCycleEntry?
        if let ledger {
            (record, recorded) = try self.recordReturningPrior(cleared, files: files, options: options, in: ledger,
                                                               now: now, extraEntries: extraEntries)
        }
        var published: [String] = []
        if let outputRoot {
            do throws(AppError) {
                // A cycle the ledger already held is published from its entry: the ledger is the truth.
                if let recorded {
                    published = try OutputPublisher.publish(recorded: recorded, root: outputRoot)
                } else {
                    published = try OutputPublisher.publish(cleared, root: outputRoot)
                }
            } catch {
                if case .publishFailed(let c, _, let m) = error { throw .publishFailed(cycle: c, height: record?.height, message: m) }
                throw error
            }
        }
        return ClearAndRecordResult(cleared: cleared, record: record, published: published)
    }

    /// Records an already cleared cycle: appends its entry (durable on return), or confirms
    /// that the ledger holds it from the same inputs.
    public func record(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions, in ledger: CycleLedger,
                       now: UTCTime) throws(AppError) -> RecordOutcome {
        try recordReturningPrior(cleared, files: files, options: options, in: ledger, now: now).0
    }

    /// `record`, also returning the entry the ledger already held (nil when appended now).
    func recordReturningPrior(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions, in ledger: CycleLedger,
                              now: UTCTime, extraEntries: [LedgerEntry] = []) throws(AppError) -> (RecordOutcome, ClearedCycleEntry?) {
        let id = cleared.cycleID
        if let h = ledger.recordedHeight(ofCycle: id) {
            let prior = try ledger.recordedEntry(ofCycle: id)
            if let prior, let d = CycleRecord.firstDifference(recorded: prior, files: files) {
                throw .recordedWithDifferentInputs(cycle: id, height: h, difference: d)
            }
            return (.alreadyRecorded(height: h), prior)
        }
        let entry: ClearedCycleEntry
        do { entry = try CycleRecord.entry(cleared, files: files, options: options) } catch { throw .clearingFailed(cycle: id, message: "\(error)") }
        _ = try ledger.commit([.clearedCycle(entry)] + extraEntries, now: now)
        guard let h = ledger.recordedHeight(ofCycle: id) else { throw .notCommitted(cycle: id) }
        return (.appended(height: h), nil)
    }

    /// Parses and validates `files` for clearing with a reputation known only later (a
    /// ledger's, once it is open): the CSV `reputation` columns are optional.
    public func parseAwaitingReputation(_ files: CycleFiles) throws(AppError) -> ParsedCycle {
        do { return try CycleParser.parseAwaitingReputation(files) } catch { throw Self.clearingError(error, cycle: files.cycleID) }
    }

    /// Clears a cycle with a ledger's reputation — the one way every ledger-backed path
    /// (embedded ledger, BFT and etcd replicas, the scheduler and service) clears:
    /// `reputationJSON` is the ledger's `ReputationSnapshot` file (nil: the ledger provides
    /// none, and the CSV columns are used). Returns the cleared cycle and `files` with
    /// `reputationJSON` set, as the ledger records them and `replay` re-clears them.
    public func clear(_ parsed: ParsedCycle, files: CycleFiles, reputationJSON: [UInt8]?,
                      options: ClearOptions) throws(AppError) -> (cleared: ClearedCycle, files: CycleFiles) {
        var f = files
        f.reputationJSON = reputationJSON
        do {
            let inputs = try parsed.reputed(byFile: reputationJSON, file: f.reputationName)
            let cleared = try CyclePipeline.clear(inputs: inputs, options: options,
                                                  context: ClearingContext(seed: options.seed, monotonicNanos: monotonicNanos, events: events))
            return (cleared, f)
        } catch { throw Self.clearingError(error, cycle: files.cycleID) }
    }

    /// `clear(_:files:reputationJSON:options:)` from the files (parsed once).
    public func clear(_ files: CycleFiles, reputationJSON: [UInt8]?, options: ClearOptions) throws(AppError) -> (cleared: ClearedCycle, files: CycleFiles) {
        try clear(try parseAwaitingReputation(files), files: files, reputationJSON: reputationJSON, options: options)
    }

    /// The ledger's reputation for `cycle` as a `reputation.json` file: the recorded input of
    /// a cycle the ledger already holds (none for a cycle recorded before reputation came from
    /// the ledger), else the fold of the ledger's reputation-change entries so far; nil for a
    /// ledger that provides no reputation.
    public static func ledgerReputationJSON(ofCycle cycle: String, in ledger: CycleLedger) throws(AppError) -> [UInt8]? {
        if ledger.recordedHeight(ofCycle: cycle) != nil {
            return try ledger.recordedEntry(ofCycle: cycle)?.inputs.first { $0.name == "reputation.json" }?.bytes
        }
        return try ledger.reputationSnapshot(excludingCycle: nil)?.canonicalJSON()
    }

    /// Calls an opener, keeping its error typed.
    static func open(_ opener: LedgerOpener) throws(AppError) -> CycleLedger {
        do { return try opener() } catch { throw AppError.wrap(error, cycle: "-") }
    }

    /// Maps a clearing-library error: bad inputs, a wrong choice, or an internal failure.
    static func clearingError(_ error: any Error, cycle: String) -> AppError {
        switch error {
        case let e as InputError: return .invalidInputs(cycle: cycle, message: e.description)
        case let e as UsageError: return .usage(e.description)
        case let e as ClearingInvariantError: return .clearingFailed(cycle: cycle, message: e.description)
        default: return AppError.wrap(error, cycle: cycle)
        }
    }
}
