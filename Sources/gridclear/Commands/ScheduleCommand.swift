import ArgumentParser
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem

/// `gridclear schedule` — clears every cycle folder whose gate closure has passed and that
/// the ledger does not hold yet, in cycle order, then sleeps until the next gate closure.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Clear every cycle at its gate closure, exactly once.",
        discussion: """
        A cycle folder is named by its UTC start on a 15-minute boundary (e.g. 20261120T1000Z; other folders are ignored); its gate closure is start − gate_closure_minutes (market.json, default 15). The ledger is the only record of what was cleared, so a restart after a crash clears each cycle exactly once. A cycle folder holds offers.csv and bids.csv, or the folders offers/ and bids/ with one file per participant: then an invalid participant file is rejected (listed in Outputs/<cycle>/rejected.json and in the ledger) and the rest of the market clears. A cycle with invalid inputs is reported, recorded in the ledger as rejected (naming the error) and skipped; later cycles still clear. Every cycle's start and end (mechanism, sizes, duration, ledger height) and every rejection is logged once (--log-format, --log-level; docs/operations.md). Exit codes: 0 ok, 1 failure, 2 with --once when a due cycle or a participant file was rejected, 64 usage. SIGTERM/SIGINT: the cycle in progress is finished (or, if its block is not yet written, abandoned whole) and the scheduler exits 0.

        Examples:
          gridclear schedule --ledger Ledger --once --now 2026-11-20T10:00Z
          gridclear schedule --ledger Ledger --out Outputs --once --now 20261120T0945Z
          gridclear schedule --ledger Ledger --once --now 2026-11-20T10:00Z --json --log-format json
        """)

    @OptionGroup var inputs: InputsFolderOption

    @OptionGroup var ledger: RequiredLedgerOptions

    @Option(help: "Output root for trades.csv and summary.json per cycle (default: none).")
    var out: String?

    @Flag(help: "Clear what is due now and exit (for cron).")
    var once = false

    @OptionGroup var start: NowOption

    @OptionGroup var clearing: ClearingChoiceOptions

    @Flag(help: "Cut ledger blocks by the genesis MMC/MBT (several cycles per block; outputs published once their block is committed) instead of one block per cycle.")
    var batch = false

    @OptionGroup var logging: LogOptions

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        let logger = logging.logger(label: "gridclear.schedule", toStderr: json.enabled)
        let report: @Sendable (AppEvent) -> Void = { log($0, to: logger) }
        try reportingErrors {
            let clock = try start.schedulerClock(), system = SystemClock()
            let inputs = try self.inputs.existing()
            StopSignals.install()
            let node = try ledger.open(now: clock.now(), events: report)
            var config = SchedulerConfig(inputs: inputs, outputRoot: out, options: clearing.clearOptions, once: once)
            config.batchBlocks = batch
            let scheduler = Scheduler(config: config,
                                      ledger: node, clock: clock, service: CycleService(monotonicNanos: { system.monotonicNanos() }, events: { e in
                                          // e.g. a CSV reputation the ledger's replaced (notice: below --log-level warning)
                                          if case .inputWarning = e { logger.notice("\(e.message)", metadata: ["event": "input_warning"]) }
                                      }),
                                      events: report)
            let summary = try scheduler.run()
            if json.enabled { say(ScheduleReport.json(summary, partialExit: once && summary.partial)) }
            // SPEC §9: exit 2 (partial) when something due was rejected instead of cleared.
            if once && summary.partial {
                let files = summary.rejectedSubmissions.values.reduce(0) { $0 + $1.count }
                var parts: [String] = []
                if !summary.skipped.isEmpty { parts.append("\(summary.skipped.count) due cycle(s) rejected: \(summary.skipped.keys.sorted().joined(separator: ", "))") }
                if files > 0 { parts.append("\(files) participant file(s) rejected in \(summary.rejectedSubmissions.keys.sorted().joined(separator: ", "))") }
                printError("schedule --once: \(parts.joined(separator: "; ")) (exit 2)")
                throw ExitCode(2)
            }
        }
    }
}

/// `schedule --json`: what the run did, as one JSON object.
enum ScheduleReport {
    static func json(_ s: SchedulerSummary, partialExit: Bool) -> String {
        var w = JSONWriter()
        w.add("cleared", raw: "[" + s.cleared.map { CanonicalText.jsonString($0) }.joined(separator: ", ") + "]")
        w.add("skipped", raw: "[" + s.skipped.keys.sorted().map { c in
            var o = JSONWriter(); o.add("cycle", c); o.add("error", s.skipped[c]!); return o.renderCompact()
        }.joined(separator: ", ") + "]")
        w.add("rejected_submissions", raw: "[" + s.rejectedSubmissions.keys.sorted().flatMap { c in
            s.rejectedSubmissions[c]!.map { r in
                var o = JSONWriter(); o.add("cycle", c); o.add("participant", r.participant); o.add("file", r.file); o.add("error", r.error)
                return o.renderCompact()
            }
        }.joined(separator: ", ") + "]")
        w.add("stopped", s.stopped)
        w.add("exit_code", partialExit ? 2 : 0)
        return w.render()
    }
}
