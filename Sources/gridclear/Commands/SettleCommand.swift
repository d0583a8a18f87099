import GridClearCore
import ArgumentParser
import Clearing
import MeterIngest
import GridClearSystem
#if canImport(Glibc)
import Glibc
#endif

/// `gridclear settle <cycle>` — settles a cycle's accepted trades against metered energy
/// (SPEC §3.5, §4.4 step 5) and writes `<out>/<cycle>/settlement.csv`, `grid.csv` and
/// `reputation.json` atomically; `--reputation FILE` is the reputation state updated with the
/// changes. Incomplete data within the late window: prints `pending` and writes nothing.
struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Settle a cycle's trades against metered energy (tolerance σ, late data, reputation).",
        discussion: """
        Matched energy comes from trades.csv (--trades, or <outputs>/<cycle>/trades.csv), metered
        energy from the meter-data file written by 'meter poll' (sellers: export, buyers: import).
        Rules and file formats: docs/meter.md. A cycle already settled in --out is left as is.

        Examples:
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle --now 20261120T1200Z
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle-pending --now 20261120T1015Z
          gridclear settle 20261120T1000Z --meters scripts/meter_example/meter-data.log --trades scripts/meter_example/trades.csv --out /tmp/gridclear-settle-ledger --now 20261120T1200Z --ledger /tmp/gridclear-settle-ledger/Ledger
        """)

    @Argument(help: "Cycle id, e.g. 20261120T1000Z.") var cycle: String
    @Option(help: "Meter-data file (written by 'meter poll').") var meters: String
    @Option(help: "The cycle's trades.csv (default: <outputs>/<cycle>/trades.csv).") var trades: String?
    @Option(help: "Clearing output root holding <cycle>/trades.csv.") var outputs: String = "Outputs"
    @Option(help: "market.json for settlement tolerance, late cycles and grid prices (default: Inputs/market.json if present).") var market: String?
    @Option(help: "Reputation state file to read and update (created if absent).") var reputation: String?
    @Option(help: "Output root; results go to <out>/<cycle>/.") var out: String = "Settlements"
    @Option(help: "Current time as a cycle id or RFC 3339 UTC (default: the system clock).") var now: String?
    @Option(help: "Also append the settlement, reputation changes and meter digests to this ledger.") var ledger: String?
    @Option(help: "Node signing key for the ledger (default: the key kept in the ledger directory).") var key: String?

    func run() throws {
        try reportingErrors {
            guard let start = CycleID(cycle)?.startMillis else { throw CLIFailure("cycle '\(cycle)' is not a cycle id like 20261120T1000Z") }
            let dir = out + "/" + cycle
            if FileSystem.exists(dir + "/settlement.csv") { print("\(cycle) already settled in \(dir); nothing to do"); return }
            var marketConfig = MarketConfig()
            let marketPath = market ?? (FileSystem.exists("Inputs/market.json") ? "Inputs/market.json" : nil)
            if let marketPath { marketConfig = try marketConfig.applying(json: try FileSystem.read(marketPath), file: marketPath) }
            let tradesPath = trades ?? "\(outputs)/\(cycle)/trades.csv"
            guard FileSystem.exists(tradesPath) else { throw CLIFailure("\(tradesPath): no trades for cycle \(cycle) (clear it first or pass --trades)") }
            let tradeRows = try SettlementFiles.parseTrades(try FileSystem.read(tradesPath), file: tradesPath)
            let data: MeterDataFile.Contents
            do { data = try MeterDataFile.load(meters) } catch { throw CLIFailure("\(error)") }
            let nowMillis = try parseNow()
            let cycleEnd = start + CycleID.lengthMillis
            guard nowMillis >= cycleEnd else { throw CLIFailure("cycle \(cycle) has not ended yet (ends \(UTCTime(millis: cycleEnd).rfc3339))") }
            let elapsed = Int((nowMillis - cycleEnd) / CycleID.lengthMillis)

            let energy = MeteredEnergyAggregator.perParticipant(data.records, cycleStart: start)
            var parties: [MeteredParty] = []
            for e in energy {
                parties.append(MeteredParty(participant: e.participantID, role: e.channel == .exportEnergy ? .seller : .buyer,
                                            wh: e.isComplete ? e.wh : nil))
            }
            let rule = DeviationSettlement(config: marketConfig.settlement, gridBuyPrice: marketConfig.gridBuyPrice, gridSellPrice: marketConfig.gridSellPrice)
            switch rule.settle(trades: tradeRows, metered: parties, cyclesElapsed: elapsed) {
            case let .pending(missing, left):
                print("pending: meter data for \(cycle) incomplete for \(missing.joined(separator: ", ")); settles normally if it arrives within \(left) more cycle(s)")
            case let .settled(rows, grid, events, complete, missing):
                var book = ReputationBook()
                if let reputation, FileSystem.exists(reputation) { book = try ReputationBook(canonicalJSON: try FileSystem.read(reputation), file: reputation) }
                let changes = book.apply(events)
                try FileSystem.makeDirectories(dir)
                try AtomicFile.write(SettlementFiles.gridCSV(grid), to: dir + "/grid.csv")
                try AtomicFile.write(SettlementFiles.reputationJSON(cycle: cycle, changes: changes, complete: complete, missing: missing), to: dir + "/reputation.json")
                if let ledger {
                    let entries = LedgerGlue.settlementEntries(cycle: cycle, rows: rows, grid: grid, changes: changes,
                                                               meterRecords: data.records, cycleStartMillis: start)
                    let h = try LedgerGlue.appendEntries(entries, ledgerDir: ledger, keyFile: key)
                    print("ledger \(ledger): appended \(entries.count) settlement entries" + (h.map { " (block \($0))" } ?? ""))
                }
                // settlement.csv last: its presence marks the cycle as settled.
                try AtomicFile.write(SettlementFiles.settlementCSV(rows), to: dir + "/settlement.csv")
                if let reputation { try AtomicFile.write(book.canonicalJSON(), to: reputation) }
                let byOutcome = Dictionary(grouping: rows, by: \.outcome).mapValues(\.count)
                print("\(cycle): \(rows.count) trades settled (matched \(byOutcome[.matched] ?? 0), actual \(byOutcome[.actual] ?? 0), incomplete \(byOutcome[.incomplete] ?? 0))" +
                      (complete ? "" : "; incomplete data from \(missing.joined(separator: ", ")) settled with the grid"))
                print("wrote \(dir)/settlement.csv, grid.csv and reputation.json")
            }
        }
    }

    private func parseNow() throws -> Int64 {
        guard let now else { return SystemMeterClock().utcMillis() }
        if let t = CycleID(now)?.startMillis { return t }
        // RFC 3339 UTC: YYYY-MM-DDTHH:MM:SSZ (fraction ignored).
        let c = Array(now.utf8)
        guard c.count >= 20, c.last == UInt8(ascii: "Z"), let day = CycleID(String(decoding: c[0..<4] + c[5..<7] + c[8..<10], as: UTF8.self) + "T0000Z")?.startMillis,
              let h = Int64(String(decoding: c[11..<13], as: UTF8.self)), let m = Int64(String(decoding: c[14..<16], as: UTF8.self)),
              let s = Int64(String(decoding: c[17..<19], as: UTF8.self)), h < 24, m < 60, s < 61 else {
            throw CLIFailure("--now '\(now)' must be a cycle id (20261120T1200Z) or RFC 3339 UTC (2026-11-20T12:00:00Z)")
        }
        return day + (h * 3600 + m * 60 + s) * 1000
    }
}
