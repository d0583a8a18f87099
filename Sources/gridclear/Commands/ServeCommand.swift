import ArgumentParser
import Clearing
import GridClearApp
import GridClearCore
import GridClearService
import GridClearSystem

/// `gridclear serve` — the scheduler as a service: clears every cycle at its gate closure
/// (as `schedule`) and serves `/metrics`, `/health` and the results page over HTTP.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the scheduler as a service with /metrics, /health and a results page.",
        discussion: """
        Clears every cycle folder at its gate closure exactly once, as 'gridclear schedule' does (per-participant intake included), and serves over HTTP: / (the results page: day-long plots of clearing price, matched energy, grid import/export and clean share, and the last cycles, read from the published outputs), /health (JSON; 503 once stopping) and /metrics (Prometheus text format: cycles cleared and rejected, rejected participant files, the cycle duration histogram, ledger height, last success time). Binds 127.0.0.1 by default; port 0 picks a free port, and the bound address is logged ("listening on http://…"). Every cycle's start and end and every rejection is logged once. SIGTERM/SIGINT: the cycle in progress finishes, the server closes, exit 0. Under systemd (Type=notify) it reports READY=1 once listening. Exit codes: 0 stopped on signal, 1 failure, 64 usage. Operating notes, a systemd unit and a cron example: docs/operations.md.

        Examples:
          gridclear serve --ledger Ledger --out Outputs
          gridclear serve --ledger Ledger --out Outputs --listen 127.0.0.1:0 --now 2026-11-20T10:00Z --log-format json
        """)

    @OptionGroup var inputs: InputsFolderOption

    @OptionGroup var ledger: RequiredLedgerOptions

    @Option(help: "Output root for each cycle's trades.csv, summary.json and rejected.json; the results page reads it.")
    var out: String = "Outputs"

    @Option(help: "Address to listen on, HOST:PORT (port 0: any free port).")
    var listen: String = "127.0.0.1:9464"

    @OptionGroup var start: NowOption

    @Option(help: "Longest wait, in seconds, before looking for new cycle folders again.")
    var rescan: Int64 = 60

    @OptionGroup var clearing: ClearingChoiceOptions

    @OptionGroup var logging: LogOptions

    func run() throws {
        let logger = logging.logger(label: "gridclear.serve", toStderr: false)
        try reportingErrors {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]), (0...65535).contains(port) else {
                throw CLIFailure("--listen '\(listen)': expected HOST:PORT, e.g. 127.0.0.1:9464 (port 0: any free port)", exitCode: 64)
            }
            let host = String(listen[..<colon].filter { $0 != "[" && $0 != "]" })
            guard rescan >= 1 else { throw CLIFailure("--rescan must be at least 1 second", exitCode: 64) }
            let clock = try start.schedulerClock()
            let inputs = try self.inputs.existing()
            StopSignals.install()
            let report: @Sendable (AppEvent) -> Void = { log($0, to: logger) }
            let node = try ledger.open(now: clock.now(), events: report)
            let height = node.store.state.lastHeight
            let metrics = ServiceMetrics(ledgerHeight: height)
            let state = ServiceState(ledgerHeight: height, startedAt: SystemClock().now())
            let outRoot = out
            let server: ServiceHTTPServer
            do {
                server = try ServiceHTTPServer(host: host, port: port) { _, path in
                    ServiceRoutes.route(path: path, state: state, metrics: metrics, outputRoot: outRoot, now: { SystemClock().now() })
                }
            } catch {
                throw CLIFailure("cannot listen on \(listen): \(error)")
            }
            defer { server.shutdown() }
            logger.info("listening on http://\(server.boundAddress)", metadata: ["event": "listening", "address": "\(server.boundAddress)"])
            ServiceNotify.send("READY=1\nSTATUS=listening on \(server.boundAddress)")
            let events: AppEvents = { e in
                let wall = SystemClock().now()
                metrics.record(e, wallClock: wall)
                state.record(e, wallClock: wall)
                log(e, to: logger)
            }
            let scheduler = Scheduler(config: SchedulerConfig(inputs: inputs, outputRoot: out,
                                                              options: clearing.clearOptions,
                                                              once: false, rescanSeconds: rescan),
                                      ledger: node, clock: clock, service: CycleService(monotonicNanos: { SystemClock().monotonicNanos() }),
                                      events: events)
            _ = try scheduler.run()
            ServiceNotify.send("STOPPING=1")
            state.schedulerStopped()
            logger.info("server closed", metadata: ["event": "stopped"])
        }
    }
}
