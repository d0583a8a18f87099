import ArgumentParser
import Clearing
import GridClearSystem

/// `gridclear compare <cycle-dir>` — runs every mechanism on the same parsed inputs and
/// writes `<out>/<cycle>/compare.md` (SPEC §3.8 metrics side by side) and `compare.svg`.
/// Both files are written atomically; on any error nothing is written.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run every mechanism on one cycle and compare the metrics.",
        discussion: """
        Parses the cycle once (offers.csv, bids.csv, market.json, grid.json as for 'gridclear clear'), clears it with each mechanism, and writes <out>/<cycle>/compare.md and <out>/<cycle>/compare.svg. A mechanism that fails is named on stderr and in compare.md's notes; the others are still compared (exit code 1 when any failed).

        Examples:
          gridclear compare Inputs/20261120T1000Z --solver simplex --out /tmp/gridclear-compare
          gridclear compare Inputs/20261120T1000Z --mechanisms kproto,cda,uniform --out /tmp/gridclear-compare
        """)

    @Argument(help: "The cycle folder, e.g. Inputs/20261120T1000Z.")
    var cycleDir: String

    @OptionGroup var market: MarketFileOption

    @Option(help: "Output root; results go to <out>/<cycle>/.")
    var out: String = "Outputs"

    @Option(help: "Comma-separated mechanisms to compare (default: all, i.e. cmap,kproto,cda,uniform).")
    var mechanisms: String?

    @OptionGroup var solverAndSeed: SolverSeedOptions

    func run() throws {
        try reportingErrors {
            let names = mechanisms.map { $0.split(separator: ",").map { String($0) } } ?? CyclePipeline.mechanismNames
            guard !names.isEmpty else { throw CLIFailure("--mechanisms: give at least one mechanism") }
            for n in names where !CyclePipeline.mechanismNames.contains(n) {
                throw CLIFailure("--mechanisms: unknown mechanism '\(n)'; expected some of \(CyclePipeline.mechanismNames.joined(separator: ", "))", exitCode: 64)
            }
            let files = try CycleFiles.load(cycleDirectory: cycleDir, marketFile: market.market)
            let inputs = try CyclePipeline.parse(files)
            var cmp = MechanismComparison(inputs: inputs)
            let clock = SystemClock()
            for name in names {
                let t0 = clock.monotonicNanos()
                do {
                    let options = solverAndSeed.clearOptions(mechanism: name)
                    let c = try CyclePipeline.clear(inputs: inputs, options: options,
                                                    context: ClearingContext(seed: options.seed, monotonicNanos: { clock.monotonicNanos() },
                                                                             events: ProgressPrinter.events(quiet: false)))
                    cmp.add(c.result, seconds: clock.secondsSince(t0))
                    printError("compare: \(name) done")
                } catch let error as UsageError {
                    throw CLIFailure("\(error)")
                } catch {
                    cmp.addFailure(mechanism: name, reason: "\(error)")
                    printError("compare: \(name) failed: \(error)")
                }
            }
            guard !cmp.entries.isEmpty else {
                throw CLIFailure("compare: every mechanism failed (\(cmp.failures.map(\.mechanism).joined(separator: ", "))); nothing written")
            }
            let dir = FileSystem.join(out, inputs.cycleID)
            try FileSystem.makeDirectories(dir)
            let md = cmp.markdown()
            try GridClearSystem.AtomicFile.write(cmp.svg(), to: dir + "/compare.svg")
            try GridClearSystem.AtomicFile.write(md, to: dir + "/compare.md")
            say(md)
            say("wrote \(dir)/compare.md and compare.svg")
            if !cmp.failures.isEmpty {
                throw CLIFailure("compare: \(cmp.failures.map(\.mechanism).joined(separator: ", ")) failed; the other mechanisms are compared in \(dir)/compare.md")
            }
        }
    }
}
