import ArgumentParser
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem

/// `gridclear clear <cycle-dir>` — clears one cycle folder; with `--ledger` records it (durable
/// first), then writes `<out>/<cycle>/trades.csv` and `summary.json`. Bad input: one line
/// naming file, line and column; nothing written.
struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear one cycle folder and write trades.csv and summary.json.",
        discussion: """
        The cycle folder is named by its UTC start (e.g. 20261120T1000Z) and holds offers.csv and bids.csv (docs/architecture.md, README.md), or the folders offers/ and bids/ with one file per participant (offers/<participant>.csv): each participant file is checked on its own, an invalid one is rejected (its error in <out>/<cycle>/rejected.json and, with --ledger, in the ledger) and the rest clears, with exit code 2. Check files first with 'gridclear validate'. market.json and grid.json are read from the folder's parent unless --market is given; a market.json inside the folder overrides single keys. With --ledger the cycle is recorded first and the outputs are published only once the ledger entry is durable; a cycle already recorded from other inputs is an error and nothing is written.

        Examples:
          gridclear clear Inputs/20261120T1000Z
          gridclear clear Inputs/20261120T1000Z --solver simplex --out /tmp/gc-out
          gridclear clear Inputs/20261120T1000Z --market Inputs/market.json --seed 7
        """)

    @Argument(help: "The cycle folder, e.g. Inputs/20261120T1000Z.")
    var cycleDir: String

    @OptionGroup var market: MarketFileOption

    @Option(help: "Output root; results go to <out>/<cycle>/.")
    var out: String = "Outputs"

    @OptionGroup var clearing: ClearingChoiceOptions

    @OptionGroup var recording: LedgerOptions

    @Flag(help: "Print only the output paths (no progress line on a terminal).")
    var quiet = false

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        try reportingErrors {
            let service = CycleService(monotonicNanos: { SystemClock().monotonicNanos() }, events: ProgressPrinter.events(quiet: quiet || json.enabled))
            let now = SystemClock().now()
            let outcome = try service.intakeClearAndRecord(cycleDirectory: cycleDir, marketFile: market.market,
                                                           options: clearing.clearOptions,
                                                           openLedger: recording.opener(now: now), outputRoot: out, now: now)
            let r = outcome.result
            for x in outcome.intake.rejected { printError("rejected \(x.file): \(x.error)") }
            if json.enabled {
                say(ClearReport.json(outcome, ledger: recording.ledger))
                if outcome.partial { throw ExitCode(2) }
                return
            }
            if !quiet { say(ClearReport.render(r.cleared)) }
            switch r.record {
            case .appended(let h)?: say("ledger \(recording.ledger!): appended cycle \(r.cleared.cycleID) at height \(h)")
            case .alreadyRecorded(let h)?: say("ledger \(recording.ledger!): cycle \(r.cleared.cycleID) is already recorded at height \(h); nothing appended")
            case nil: break
            }
            say("wrote \(out)/\(r.cleared.cycleID)/trades.csv, bills.csv and summary.json")
            if let p = outcome.rejectedPath {
                say("\(outcome.intake.accepted.count) participant file(s) cleared, \(outcome.intake.rejected.count) rejected: \(p)")
            }
            // Exit code 2: the cycle cleared without some participants' files (SPEC §9 partial).
            if outcome.partial { throw ExitCode(2) }
        }
    }
}

/// Human-readable summary of a cleared cycle.
enum ClearReport {
    static func render(_ c: ClearedCycle) -> String {
        let m = CycleMetrics.compute(inputs: c.inputs, result: c.result)
        let demand = c.inputs.bids.reduce(Int64(0)) { $0 + $1.quantity }
        let supply = c.inputs.offers.reduce(Int64(0)) { $0 + $1.quantity }
        func n(_ x: Double, _ d: Int) -> String { CanonicalText.number(x, decimals: d) }
        var lines: [String] = []
        lines.append("Cycle \(c.cycleID) — mechanism \(c.result.mechanism)")
        lines.append("  \(c.inputs.bids.count) bids (demand \(Units.kWhString(demand)) kWh) · \(c.inputs.offers.count) offers (supply \(Units.kWhString(supply)) kWh)")
        for r in c.result.rounds {
            lines.append("  round \(r.round) [\(r.solver)]: Z1 \(n(r.z1, 3)) ∈ [\(n(r.z1Min, 3)), \(n(r.z1Max, 3))], Z2 \(n(r.z2, 3)) ∈ [\(n(r.z2Min, 3)), \(n(r.z2Max, 3))], objective \(n(r.objective, 4)); matched \(Units.kWhString(r.matchedWh)) kWh, rejected \(Units.kWhString(r.rejectedWh)) kWh in \(r.rejectedPairs) pairs; \(n(r.solveSeconds, 3)) s")
        }
        for k in c.result.extra.keys.sorted() { lines.append("  \(k): \(c.result.extra[k]!)") }
        lines.append("  matched \(Units.kWhString(m.matchedWh)) kWh in \(m.matches) trades · from grid \(Units.kWhString(m.gridBuyWh)) kWh · to grid \(Units.kWhString(m.gridSellWh)) kWh · rejected \(Units.kWhString(m.rejectedWh)) kWh")
        lines.append("  clean share \(n(m.cleanShare * 100, 1)) % · APET \(n(m.apet, 4)) CNY/kWh · mean loss \(n(m.meanLossPct, 2)) % · paid \(Units.moneyStringCents(m.paidMoney)) CNY")
        if let b = m.meanBuyerSatisfaction, let s = m.meanSellerSatisfaction {
            lines.append("  satisfaction (normalised): buyers \(n(b, 3)), sellers \(n(s, 3)); lowest 10 % of buyers \(n(m.low10BuyerSatisfaction ?? 0, 3))")
        }
        return lines.joined(separator: "\n")
    }
}
