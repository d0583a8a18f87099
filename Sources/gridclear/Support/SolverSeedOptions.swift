import ArgumentParser
import Clearing

/// `--solver` and `--seed` of the commands that clear: through `ClearingChoiceOptions`
/// (`clear`, `schedule`, `serve`, with `--mechanism`) and directly in `compare` (which takes
/// `--mechanisms`). One home for their defaults and help text.
struct SolverSeedOptions: ParsableArguments {
    @Option(help: "CMAP solver path: auto (= network, falling back to simplex if it fails), network (GridClear's exact integer network simplex) or simplex (GLPK simplex with sparse pricing, the cross-check).")
    var solver: String = ClearOptions().solver

    @Option(help: "Seed for any randomised step (results are reproducible from inputs and seed).")
    var seed: UInt64 = 0

    /// The clearing options with `mechanism` (nil: market.json's).
    func clearOptions(mechanism: String?) -> ClearOptions { ClearOptions(mechanism: mechanism, solver: solver, seed: seed) }
}
