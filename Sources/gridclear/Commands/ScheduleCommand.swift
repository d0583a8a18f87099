#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Clearing
import LedgerLite

/// Set from the SIGTERM/SIGINT handler; read between cycles and while sleeping.
nonisolated(unsafe) var scheduleStopSignal: sig_atomic_t = 0

/// `gridclear schedule` — clears every cycle folder whose gate closure has passed and that
/// the ledger does not hold yet, in cycle order, then sleeps until the next gate closure.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Clear every cycle at its gate closure, exactly once.",
        discussion: """
        A cycle folder is named by its UTC start (e.g. 20261120T1000Z); its gate closure is
        start − gate_closure_minutes (market.json, default 15). The ledger is the only record
        of what was cleared, so a restart after a crash clears each cycle exactly once. A
        cycle with invalid inputs is reported and skipped; later cycles still clear.
        SIGTERM/SIGINT: the cycle in progress is finished (or, if its block is not yet
        written, abandoned whole) and the scheduler exits 0.

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

    @Option(help: "Pretend the clock starts at this UTC time (YYYY-MM-DDTHH:MM[:SS]Z or a cycle id).")
    var now: String?

    @Option(help: "Node signing key (default: the key kept in the ledger directory).")
    var key: String?

    @Option(help: "Mechanism (default: market.json's mechanism).")
    var mechanism: String?

    @Option(help: "CMAP solver path (default: the clearing library's default).")
    var solver: String = ClearOptions().solver

    @Option(help: "Seed for any randomised step.")
    var seed: UInt64 = 0

    func run() throws {
        try reportingErrors {
            var base = SystemClock.wallMillis() / 1000
            if let now {
                guard let t = LedgerTime.parseSeconds(now) else { throw CLIFailure("--now '\(now)': expected YYYY-MM-DDTHH:MM[:SS]Z or a cycle id like 20261120T1000Z") }
                base = t
            }
            let startMono = SystemClock.monotonicNanos()
            func nowSeconds() -> Int64 { base + Int64((SystemClock.monotonicNanos() - startMono) / 1_000_000_000) }
            guard FileBytes.exists(inputs) else { throw CLIFailure("inputs folder \(inputs) not found") }
            signal(SIGTERM) { _ in scheduleStopSignal = 1 }
            signal(SIGINT) { _ in scheduleStopSignal = 1 }
            // A parent (e.g. Foundation's Process) may have spawned us with these blocked.
            var set = sigset_t()
            sigemptyset(&set); sigaddset(&set, SIGTERM); sigaddset(&set, SIGINT)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)

            let orderer = try LedgerGlue.openOrderer(ledgerDir: ledger, keyFile: key)
            var skipped = Set<String>()
            let options = ClearOptions(mechanism: mechanism, solver: solver, seed: seed)
            while scheduleStopSignal == 0 {
                let cycles = ScheduleScan.cycles(in: inputs)
                let plan = SchedulePlanner.plan(cycles: cycles, recorded: Set(orderer.state.cycles.keys), skipped: skipped, nowSeconds: nowSeconds())
                for c in plan.due {
                    if scheduleStopSignal != 0 { break }
                    do {
                        let files = try CycleFiles.load(cycleDirectory: inputs + "/" + c.id)
                        let cleared = try CyclePipeline.clear(files, options: options,
                                                              context: ClearingContext(seed: seed, monotonicNanos: SystemClock.monotonicNanos))
                        if let out { try cleared.write(to: out) }
                        switch try LedgerGlue.append(cleared, files: files, options: options, to: orderer) {
                        case .appended(let h): print("cleared \(c.id): \(cleared.result.trades.count) trades, ledger height \(h)")
                        case .alreadyPresent(let h): print("cycle \(c.id) already in the ledger at height \(h)")
                        }
                    } catch let e as LedgerError {
                        throw CLIFailure("ledger \(ledger): \(e)")
                    } catch {
                        printError("cycle \(c.id) skipped: \(error)")
                        skipped.insert(c.id)
                    }
                    fflush(stdout)
                }
                if plan.due.isEmpty && once {
                    print("nothing due: \(orderer.state.cycles.count) cycle(s) already in the ledger, \(max(0, cycles.count - orderer.state.cycles.count)) not yet at gate closure or skipped")
                }
                if once { break }
                // Sleep until the next gate closure, looking for new cycle folders each minute.
                let wake = min(plan.nextWakeSeconds ?? Int64.max, nowSeconds() + 60)
                if plan.due.isEmpty { print("next gate closure check at \(LedgerGlue.isoTime(wake * 1000))"); fflush(stdout) }
                while scheduleStopSignal == 0 && nowSeconds() < wake {
                    var ts = timespec(tv_sec: 0, tv_nsec: 200_000_000)
                    _ = nanosleep(&ts, nil)  // EINTR on a signal: the loop re-checks the flag
                }
            }
            if scheduleStopSignal != 0 { print("stopping on signal; every cleared cycle is in the ledger") }
        }
    }
}

/// Finds cycle folders and their gate closure lead times.
enum ScheduleScan {
    static func cycles(in inputs: String) -> [ScheduledCycle] {
        guard let d = opendir(inputs) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if SchedulePlanner.startSeconds(ofCycle: name) != nil { names.append(name) }
        }
        var market = MarketConfig()
        if let b = try? FileBytes.read(inputs + "/market.json"), let m = try? market.applying(json: b, file: "market.json") { market = m }
        return names.sorted().map { id in
            var m = market
            let p = inputs + "/" + id + "/market.json"
            if FileBytes.exists(p), let b = try? FileBytes.read(p), let mm = try? m.applying(json: b, file: p) { m = mm }
            return ScheduledCycle(id: id, startSeconds: SchedulePlanner.startSeconds(ofCycle: id)!, gateClosureMinutes: m.gateClosureMinutes)
        }
    }
}
