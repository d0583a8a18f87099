import ArgumentParser
import Clearing

/// Shared options of the commands that clear cycles (`clear`, `schedule`, `serve`): which
/// mechanism, which CMAP solver path and which seed; one home for their help text.
struct ClearingChoiceOptions: ParsableArguments {
    @Option(help: "Mechanism: cmap, kproto, cda or uniform (default: market.json's mechanism).")
    var mechanism: String?

    @Option(help: "CMAP solver path: auto (= network, falling back to simplex if it fails), network (GridClear's exact integer network simplex) or simplex (GLPK simplex with sparse pricing, the cross-check).")
    var solver: String = ClearOptions().solver

    @Option(help: "Seed for any randomised step (results are reproducible from inputs and seed).")
    var seed: UInt64 = 0

    /// The application layer's clearing options.
    var clearOptions: ClearOptions { ClearOptions(mechanism: mechanism, solver: solver, seed: seed) }
}
