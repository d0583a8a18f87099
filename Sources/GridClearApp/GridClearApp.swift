import GridClearCore
/// GridClearApp: the application layer between the five SPEC modules and every front end
/// (the `gridclear` command line today, the replication nodes next).
///
/// It holds the workflows, each as a small API that returns values and never prints:
/// - `CycleService`: clear a cycle, and clear-and-record it (inputs → clearing → durable
///   ledger entry → outputs published atomically; SPEC §6 "Outputs and ledger agree").
/// - `ReplayService`: re-clear a recorded cycle from the ledger and compare byte for byte.
/// - `SettlementService`: meters → deviation settlement → reputation → ledger.
/// - `Scheduler` (+ the pure `SchedulePlanner`): every cycle at its gate closure, exactly once.
/// - `SubmissionIntake` (+ `CycleService.intakeClearAndRecord`): one file per participant,
///   each validated alone; rejected files in `rejected.json` and the ledger, the rest clears.
/// - `ProofService`: find a trade in a ledger and export its inclusion proof.
/// - `NodeKeyFile` / `TrustedKeyFile`: the one key-file format of GridClear.
/// - `NodeLedger`: a ledger directory opened for writing with its node key.
///
/// Time is injected (`now:` arguments, `SchedulerClock`), progress goes to an injected
/// `AppEvents` callback, errors are typed (`AppError`, each saying what to do).
public enum GridClearAppModule {}

/// Progress and notices of a workflow, reported through the caller's callback (the command
/// line prints them; a replica logs them).
public enum AppEvent: Sendable, Equatable {
    /// Opening the ledger cut a torn tail left by a crash (the cut bytes are kept).
    case ledgerRepaired(path: String, cutOffset: Int, cutBytes: Int, keptIn: String)
    /// A new ledger got a fresh node key.
    case nodeKeyCreated(path: String, fingerprint: String)
    /// The scheduler cleared and recorded a cycle.
    case cycleCleared(cycle: String, trades: Int, height: UInt64)
    /// The cycle was already in the ledger (same inputs); nothing appended.
    case cycleAlreadyRecorded(cycle: String, height: UInt64)
    /// A recorded cycle's missing outputs were published again from its ledger entry.
    case outputsRepublished(cycle: String)
    /// The scheduler skipped a cycle (invalid inputs or clearing failed); later cycles go on.
    case cycleSkipped(cycle: String, reason: String)
    /// The scheduler starts clearing a due cycle.
    case cycleStarted(cycle: String)
    /// The scheduler finished a cycle it cleared and recorded (once per cycle, with its numbers).
    case cycleReport(CycleRunReport)
    /// A participant file was rejected at intake; the rest of the cycle cleared.
    case submissionRejected(cycle: String, file: String, error: String)
    /// `--once` found nothing due.
    case nothingDue(recorded: Int, waiting: Int)
    /// The scheduler sleeps until this time (or until new cycle folders appear).
    case sleeping(until: String)
    /// A stop was requested; every cleared cycle is in the ledger.
    case stopping

    /// One line for people.
    public var message: String {
        switch self {
        case let .ledgerRepaired(p, off, n, kept): return "warning: \(p): cut a torn tail of \(n) bytes at offset \(off) (kept in \(kept))"
        case let .nodeKeyCreated(p, fp): return "created node key \(p) (\(fp)); publish \(p).pub or its fingerprint: auditors pin it with --keys"
        case let .cycleCleared(c, n, h): return "cleared \(c): \(n) trades, ledger height \(h)"
        case let .cycleAlreadyRecorded(c, h): return "cycle \(c) already in the ledger at height \(h)"
        case let .outputsRepublished(c): return "cycle \(c): outputs published again from the ledger (a run stopped between the ledger and the outputs)"
        case let .cycleSkipped(c, r): return "cycle \(c) skipped: \(r)"
        case let .cycleStarted(c): return "cycle \(c): gate closed, clearing"
        case let .cycleReport(r): return r.message
        case let .submissionRejected(c, f, e): return "cycle \(c): rejected \(f): \(e)"
        case let .nothingDue(rec, wait): return "nothing due: \(rec) cycle(s) already in the ledger, \(wait) not yet at gate closure or skipped"
        case let .sleeping(t): return "next gate closure check at \(t)"
        case .stopping: return "stopping on signal; every cleared cycle is in the ledger"
        }
    }

    /// Warnings and skips go to standard error; progress to standard output.
    public var isWarning: Bool {
        switch self {
        case .ledgerRepaired, .cycleSkipped, .submissionRejected: return true
        default: return false
        }
    }
}

/// The callback a workflow reports `AppEvent`s to.
public typealias AppEvents = (AppEvent) -> Void

/// One cleared cycle's numbers, reported once when the scheduler has recorded it.
public struct CycleRunReport: Sendable, Equatable {
    public var cycle: String
    public var mechanism: String
    public var bids: Int
    public var offers: Int
    public var trades: Int
    public var matchedWh: Int64
    /// Intake, clearing, ledger append and outputs, monotonic milliseconds.
    public var durationMillis: Int64
    public var height: UInt64
    public var rejectedSubmissions: Int

    public init(cycle: String, mechanism: String, bids: Int, offers: Int, trades: Int, matchedWh: Int64, durationMillis: Int64,
                height: UInt64, rejectedSubmissions: Int) {
        self.cycle = cycle; self.mechanism = mechanism; self.bids = bids; self.offers = offers; self.trades = trades
        self.matchedWh = matchedWh; self.durationMillis = durationMillis; self.height = height; self.rejectedSubmissions = rejectedSubmissions
    }

    public var message: String {
        "cleared \(cycle): \(trades) trades, ledger height \(height) (mechanism \(mechanism), \(bids) bids, \(offers) offers, matched \(Units.kWhString(matchedWh)) kWh, \(durationMillis) ms\(rejectedSubmissions > 0 ? ", \(rejectedSubmissions) submission(s) rejected" : ""))"
    }
}
