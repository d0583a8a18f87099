import ArgumentParser
import Clearing

/// Shared options of the commands that clear cycles on their own clock (`schedule`, `serve`):
/// which mechanism, which CMAP solver path and which seed; one home for their help text.
struct ClearingChoiceOptions: ParsableArguments {
    @Option(help: "Mechanism (default: market.json's mechanism).")
    var mechanism: String?

    @Option(help: "CMAP solver path (default: the clearing library's default).")
    var solver: String = ClearOptions().solver

    @Option(help: "Seed for any randomised step.")
    var seed: UInt64 = 0

    /// The application layer's clearing options.
    var clearOptions: ClearOptions { ClearOptions(mechanism: mechanism, solver: solver, seed: seed) }
}
