import ArgumentParser
import GridClearApp
import GridClearService
import Logging

/// Shared options of the long-running commands (`schedule`, `serve`): the log format and level.
struct LogOptions: ParsableArguments {
    @Option(help: "Log format: text (time, level, message, key=value) or json (one JSON object per line: ts, level, message, metadata).")
    var logFormat: LogFormat = .text

    @Option(help: "Lowest level logged: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// A logger writing in the chosen format; `toStderr` when stdout carries a --json document.
    func logger(label: String, toStderr: Bool) -> Logger {
        let (format, level) = (logFormat, logLevel)
        return Logger(label: label) { l in
            ServiceLogHandler(label: l, format: format, level: level, destination: toStderr ? .stderr : .split)
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// Shared `--json` flag: one JSON document on standard output instead of the text report,
/// carrying the same numbers (progress and logs go to standard error).
struct JSONOutputOption: ParsableArguments {
    @Flag(name: .customLong("json"), help: "Print one JSON document on standard output instead of the text report.")
    var enabled = false
}

/// Logs a workflow's event once, at its level, with its numbers as metadata.
func log(_ e: AppEvent, to logger: Logger) {
    switch e {
    case .cycleCleared:
        // `.cycleReport` carries the same cycle with all its numbers: logged there, once.
        logger.debug("\(e.message)")
    case .cycleStarted(let c):
        logger.info("\(e.message)", metadata: ["event": "cycle_start", "cycle": "\(c)"])
    case .cycleReport(let r):
        logger.info("\(e.message)", metadata: [
            "event": "cycle_end", "cycle": "\(r.cycle)", "mechanism": "\(r.mechanism)", "bids": "\(r.bids)",
            "offers": "\(r.offers)", "trades": "\(r.trades)", "matched_wh": "\(r.matchedWh)",
            "duration_ms": "\(r.durationMillis)", "ledger_height": "\(r.height)",
            "rejected_submissions": "\(r.rejectedSubmissions)"])
    case let .submissionRejected(c, f, err):
        logger.warning("\(e.message)", metadata: ["event": "submission_rejected", "cycle": "\(c)", "file": "\(f)", "error": "\(err)"])
    case let .cycleSkipped(c, reason):
        logger.error("\(e.message)", metadata: ["event": "cycle_rejected", "cycle": "\(c)", "error": "\(reason)"])
    default:
        if e.isWarning { logger.warning("\(e.message)") } else { logger.info("\(e.message)") }
    }
}
