import ArgumentParser
import Clearing

/// Shared options of the commands that clear cycles (`clear`, `schedule`, `serve`): which
/// mechanism, which CMAP solver path and which seed; one home for their help text
/// (`--solver` and `--seed` in `SolverSeedOptions`, shared with `compare`).
struct ClearingChoiceOptions: ParsableArguments {
    @Option(help: "Mechanism: cmap, kproto, cda or uniform (default: market.json's mechanism).")
    var mechanism: String?

    @OptionGroup var solverAndSeed: SolverSeedOptions

    /// The application layer's clearing options.
    var clearOptions: ClearOptions { solverAndSeed.clearOptions(mechanism: mechanism) }
}
