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
        A cycle folder is named by its UTC start on a 15-minute boundary (e.g. 20261120T1000Z; other folders are ignored); its gate closure is start − gate_closure_minutes (market.json, default 15). The ledger is the only record of what was cleared, so a restart after a crash clears each cycle exactly once. A cycle with invalid inputs is reported, recorded in the ledger as rejected (naming the error) and skipped; later cycles still clear. Exit codes: 0 ok, 1 failure, 2 with --once when a due cycle was rejected. SIGTERM/SIGINT: the cycle in progress is finished (or, if its block is not yet written, abandoned whole) and the scheduler exits 0.

        Examples:
          gridclear schedule --ledger Ledger --once --now 2026-11-20T10:00Z
          gridclear schedule --ledger Ledger --out Outputs --once --now 20261120T0945Z
        """)

    @Option(help: "The inputs folder (market.json, grid.json and one folder per cycle).")
    var inputs: String = "Inputs"

    @Option(help: "The ledger directory (created on first use).")
    var ledger: String

    @Option(help: "Output root for trades.csv and summary.json per cycle (default: none).")
    var out: String?

    @Flag(help: "Clear what is due now and exit (for cron).")
    var once = false

    @Option(help: "Pretend the clock starts at this UTC time (YYYY-MM-DDTHH:MM[:SS]Z, RFC 3339 or a cycle id).")
    var now: String?

    @Option(help: "Node key file (made by 'gridclear keygen --ed25519'; default: the key kept in the ledger directory).")
    var key: String?

    @Option(help: "Mechanism (default: market.json's mechanism).")
    var mechanism: String?

    @Option(help: "CMAP solver path (default: the clearing library's default).")
    var solver: String = ClearOptions().solver

    @Option(help: "Seed for any randomised step.")
    var seed: UInt64 = 0

    @Flag(help: "Cut ledger blocks by the genesis MMC/MBT (several cycles per block; outputs published once their block is committed) instead of one block per cycle.")
    var batch = false

    func run() throws {
        try reportingErrors {
            let start = try commandNow(now), system = SystemClock(), startMono = system.monotonicNanos()
            let clockNow: @Sendable () -> UTCTime = { start.adding(millis: Int64((system.monotonicNanos() - startMono) / 1_000_000)) }
            guard FileSystem.isDirectory(inputs) else { throw CLIFailure("inputs folder \(inputs) not found") }
            StopSignals.install()
            let clock = SchedulerClock(now: clockNow, sleep: { deadline in
                while !StopSignals.requested, clockNow() < deadline {
                    system.sleep(nanos: UInt64(min(200, max(1, deadline.millis - clockNow().millis))) * 1_000_000)
                }
            }, stopRequested: { StopSignals.requested })
            let node = try NodeLedger(directory: ledger, keyFile: key, now: clockNow(), events: report)
            var config = SchedulerConfig(inputs: inputs, outputRoot: out, options: ClearOptions(mechanism: mechanism, solver: solver, seed: seed), once: once)
            config.batchBlocks = batch
            let scheduler = Scheduler(config: config,
                                      ledger: node, clock: clock, service: CycleService(monotonicNanos: { system.monotonicNanos() }, events: ProgressPrinter.events(quiet: true)),
                                      events: report)
            let summary = try scheduler.run()
            // SPEC §9: exit 2 (partial) when something due was rejected instead of cleared.
            if once && !summary.skipped.isEmpty {
                printError("schedule --once: \(summary.skipped.count) due cycle(s) rejected: \(summary.skipped.keys.sorted().joined(separator: ", ")) (exit 2)")
                throw ExitCode(2)
            }
        }
    }
}
