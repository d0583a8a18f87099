import GridClearCore
import ArgumentParser
import Clearing

/// `gridclear clear <cycle-dir>` — clears one cycle folder and writes
/// `<out>/<cycle>/trades.csv` and `summary.json`; with `--ledger` also appends the
/// cycle to the ledger. Bad input: one line naming file, line and column; nothing written.
struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear one cycle folder and write trades.csv and summary.json.",
        discussion: """
        The cycle folder is named by its UTC start (e.g. 20261120T1000Z) and holds offers.csv
        and bids.csv (SPEC §2). market.json and grid.json are read from the folder's parent
        unless --market is given; a market.json inside the folder overrides single keys.

        Examples:
          gridclear clear Inputs/20261120T1000Z
          gridclear clear Inputs/20261120T1000Z --solver simplex --out /tmp/gc-out
          gridclear clear Inputs/20261120T1000Z --market Inputs/market.json --seed 7
        """)

    @Argument(help: "The cycle folder, e.g. Inputs/20261120T1000Z.")
    var cycleDir: String

    @Option(help: "Market-wide market.json (default: the cycle folder's parent's market.json).")
    var market: String?

    @Option(help: "Mechanism: cmap, kproto, cda or uniform (default: market.json's mechanism).")
    var mechanism: String?

    @Option(help: "Output root; results go to <out>/<cycle>/.")
    var out: String = "Outputs"

    @Option(help: "CMAP solver path: auto (= network, falling back to simplex if it fails), network (GridClear's exact integer network simplex) or simplex (GLPK simplex with sparse pricing, the cross-check).")
    var solver: String = "auto"

    @Option(help: "Seed for any randomised step (results are reproducible from inputs and seed).")
    var seed: UInt64 = 0

    @Option(help: "Append the cleared cycle to the ledger in this directory (created on first use).")
    var ledger: String?

    @Option(help: "Node signing key for the ledger (default: the key kept in the ledger directory).")
    var key: String?

    @Flag(help: "Print only the output paths (no progress line on a terminal).")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let files = try CycleFiles.load(cycleDirectory: cycleDir, marketFile: market)
            let options = ClearOptions(mechanism: mechanism, solver: solver, seed: seed)
            let cleared = try CyclePipeline.clear(files, options: options,
                                                  context: ClearingContext(seed: seed, monotonicNanos: SystemClock.monotonicNanos,
                                                                           events: ProgressPrinter.events(quiet: quiet)))
            try cleared.write(to: out)
            if !quiet { print(ClearReport.render(cleared)) }
            print("wrote \(out)/\(cleared.cycleID)/trades.csv and summary.json")
            if let ledger {
                switch try LedgerGlue.appendCycle(cleared, files: files, options: options, ledgerDir: ledger, keyFile: key) {
                case .appended(let h): print("ledger \(ledger): appended cycle \(cleared.cycleID) at height \(h)")
                case .alreadyPresent(let h): print("ledger \(ledger): cycle \(cleared.cycleID) is already recorded at height \(h); nothing appended")
                }
            }
        }
    }
}

/// Human-readable summary of a cleared cycle.
enum ClearReport {
    static func render(_ c: ClearedCycle) -> String {
        let m = CycleMetrics.compute(inputs: c.inputs, result: c.result)
        let demand = c.inputs.bids.reduce(Int64(0)) { $0 + $1.quantity }
        let supply = c.inputs.offers.reduce(Int64(0)) { $0 + $1.quantity }
        var lines: [String] = []
        lines.append("Cycle \(c.cycleID) — mechanism \(c.result.mechanism)")
        lines.append("  \(c.inputs.bids.count) bids (demand \(Units.kWhString(demand)) kWh) · \(c.inputs.offers.count) offers (supply \(Units.kWhString(supply)) kWh)")
        for r in c.result.rounds {
            lines.append("  round \(r.round) [\(r.solver)]: Z1 \(CanonicalText.number(r.z1, decimals: 3)) ∈ [\(CanonicalText.number(r.z1Min, decimals: 3)), \(CanonicalText.number(r.z1Max, decimals: 3))], Z2 \(CanonicalText.number(r.z2, decimals: 3)) ∈ [\(CanonicalText.number(r.z2Min, decimals: 3)), \(CanonicalText.number(r.z2Max, decimals: 3))], objective \(CanonicalText.number(r.objective, decimals: 4)); matched \(Units.kWhString(r.matchedWh)) kWh, rejected \(Units.kWhString(r.rejectedWh)) kWh in \(r.rejectedPairs) pairs; \(CanonicalText.number(r.solveSeconds, decimals: 3)) s")
        }
        for k in c.result.extra.keys.sorted() { lines.append("  \(k): \(c.result.extra[k]!)") }
        lines.append("  matched \(Units.kWhString(m.matchedWh)) kWh in \(m.matches) trades · from grid \(Units.kWhString(m.gridBuyWh)) kWh · to grid \(Units.kWhString(m.gridSellWh)) kWh · rejected \(Units.kWhString(m.rejectedWh)) kWh")
        lines.append("  clean share \(CanonicalText.number(m.cleanShare * 100, decimals: 1)) % · APET \(CanonicalText.number(m.apet, decimals: 4)) CNY/kWh · mean loss \(CanonicalText.number(m.meanLossPct, decimals: 2)) % · paid \(Units.moneyStringCents(m.paidMoney)) CNY")
        if let b = m.meanBuyerSatisfaction, let s = m.meanSellerSatisfaction {
            lines.append("  satisfaction (normalised): buyers \(CanonicalText.number(b, decimals: 3)), sellers \(CanonicalText.number(s, decimals: 3)); lowest 10 % of buyers \(CanonicalText.number(m.low10BuyerSatisfaction ?? 0, decimals: 3))")
        }
        return lines.joined(separator: "\n")
    }
}
