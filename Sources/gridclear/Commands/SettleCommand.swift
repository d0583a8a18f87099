import ArgumentParser
import Clearing
import GridClearApp
import GridClearSystem

/// `gridclear settle <cycle>` — settles a cycle's accepted trades against metered energy
/// (SPEC §3.5, §4.4 step 5) and writes `<out>/<cycle>/settlement.csv`, `grid.csv` and
/// `reputation.json` atomically; `--reputation FILE` is the reputation state updated with the
/// changes. Incomplete data within the late window: prints `pending` and writes nothing.
struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Settle a cycle's trades against metered energy (tolerance σ, late data, reputation).",
        discussion: """
        Matched energy comes from trades.csv (--trades, or <outputs>/<cycle>/trades.csv), metered energy from the meter-data file written by 'meter poll' (sellers: export, buyers: import). With --ledger the settlement, reputation changes and meter digests are recorded first, then the files are published. Rules and file formats: docs/meter.md. With --rule priority-matrix no trades are read: each participant's net metered energy is settled by the bilateral priority/price matrix (docs/market-rules.md), under the same late-data rule. A cycle already settled in --out is left as is.

        Examples:
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle --now 20261120T1200Z
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle-pending --now 20261120T1015Z
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle-ledger --now 20261120T1200Z --ledger /tmp/gridclear-settle-ledger/Ledger
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --rule priority-matrix --matrix scripts/meter_example/price-matrix.csv --out /tmp/gridclear-settle-pm --now 20261120T1200Z
        """)

    @Argument(help: "Cycle id, e.g. 20261120T1000Z.") var cycle: String
    @Option(help: "Meter-data file (written by 'meter poll').") var meters: String
    @Option(help: "The cycle's trades.csv (default: <outputs>/<cycle>/trades.csv).") var trades: String?
    @Option(help: "Clearing output root holding <cycle>/trades.csv.") var outputs: String = "Outputs"
    @Option(help: "market.json for settlement tolerance, late cycles and grid prices (default: Inputs/market.json if present).") var market: String?
    @Option(help: "Reputation state file to read and update (created if absent).") var reputation: String?
    @Option(help: "Output root; results go to <out>/<cycle>/.") var out: String = "Settlements"
    @OptionGroup var clock: NowOption
    @OptionGroup var recording: LedgerOptions
    @Option(help: "Settlement rule: deviation (the cleared trades against meters) or priority-matrix (metered net energy by the agreed bilateral priority/price matrix; needs --matrix).") var rule: String = "deviation"
    @Option(help: "Price matrix CSV for --rule priority-matrix: seller_id,buyer_id,priority,price.") var matrix: String?

    func run() throws {
        try reportingErrors {
            let id = try commandCycle(cycle), t = try clock.time()
            var request = SettlementRequest(cycle: id, metersFile: meters, tradesFile: trades ?? "\(outputs)/\(cycle)/trades.csv",
                                            marketFile: market ?? (FileSystem.exists("Inputs/market.json") ? "Inputs/market.json" : nil),
                                            reputationFile: reputation, outputRoot: out)
            switch (rule, matrix) {
            case ("deviation", nil): break
            case ("priority-matrix", let m?): request.matrixFile = m
            case ("priority-matrix", nil): throw CLIFailure("--rule priority-matrix needs --matrix FILE", exitCode: 64)
            case ("deviation", _?): throw CLIFailure("--matrix is used only with --rule priority-matrix", exitCode: 64)
            default: throw CLIFailure("--rule must be deviation or priority-matrix (got '\(rule)')", exitCode: 64)
            }
            switch try SettlementService.settle(request, openLedger: recording.opener(now: t), now: t) {
            case .alreadySettled(let d):
                say("\(cycle) already settled in \(d); nothing to do")
            case let .pending(missing, left):
                say("pending: meter data for \(cycle) incomplete for \(missing.joined(separator: ", ")); settles normally if it arrives within \(left) more cycle(s)")
            case .settled(let s):
                if let ledger = recording.ledger, let h = s.ledgerHeight {
                    say(s.ledgerEntries > 0 ? "ledger \(ledger): appended \(s.ledgerEntries) settlement entries (block \(h))"
                                            : "ledger \(ledger): settlement of \(cycle) already recorded (block \(h)); nothing appended")
                }
                let by = Dictionary(grouping: s.rows, by: \.outcome).mapValues(\.count)
                say("\(cycle): \(s.rows.count) trades settled (matched \(by[.matched] ?? 0), actual \(by[.actual] ?? 0), incomplete \(by[.incomplete] ?? 0))" +
                    (s.complete ? "" : "; incomplete data from \(s.missing.joined(separator: ", ")) settled with the grid"))
                say("wrote \(request.directory)/settlement.csv, grid.csv and reputation.json")
            }
        }
    }
}
