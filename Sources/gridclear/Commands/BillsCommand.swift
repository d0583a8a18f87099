import ArgumentParser
import GridClearApp
import GridClearCore
import GridClearSystem

/// `gridclear bills --ledger L --from CYCLE --to CYCLE [--out FILE] [--keys FILE]` — sums the
/// bills of a period from the ledger (trades and settlement entries) and prints `bills.csv`.
struct BillsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bills",
        abstract: "Sum participants' bills over a period of cycles from the ledger.",
        discussion: """
        One row per participant: energy bought and sold locally and from/to the grid, the money of each, fees, the settlement adjustment (for settled cycles: what settlement moved minus what clearing moved), reputation points lost to penalties, and the net amount (positive: the participant receives). Built from the ledger alone after an audit; docs/market-rules.md states the rules.

        Examples:
          gridclear bills --ledger Ledger --from 20261120T1000Z --to 20261120T1145Z
          gridclear bills --ledger Ledger --from 20261120T0000Z --to 20261120T2345Z --out bills-day.csv
        """)

    @Option(help: "The ledger directory.")
    var ledger: String

    @Option(help: "First cycle of the period, e.g. 20261120T1000Z.")
    var from: String

    @Option(help: "Last cycle of the period (inclusive).")
    var to: String

    @Option(help: "Write the CSV here (atomically) instead of standard output.")
    var out: String?

    @OptionGroup var keys: TrustedKeysOption

    func run() throws {
        try reportingErrors {
            let f = try commandCycle(from, option: "--from"), t = try commandCycle(to, option: "--to")
            let trusted = try keys.load()
            let p = try BillService.period(ledgerDirectory: ledger, from: f, to: t, trusted: trusted)
            let csv = p.book.csv()
            if let out {
                try AtomicFile.write(csv, to: out)
                say("bills for \(f) … \(t): \(p.book.bills.count) participants, \(p.clearedCycles.count) cleared cycles (\(p.settledCycles.count) settled) → \(out)")
            } else {
                StandardStreams.writeOutput(String(decoding: csv, as: UTF8.self))
            }
        }
    }
}
