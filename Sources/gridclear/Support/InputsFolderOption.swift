import ArgumentParser
import GridClearSystem

/// `--inputs`: the folder the schedulers (`schedule`, `serve`) scan for cycle folders.
struct InputsFolderOption: ParsableArguments {
    @Option(help: "The inputs folder (market.json, grid.json and one folder per cycle).")
    var inputs: String = "Inputs"

    /// The folder, once it is known to exist.
    func existing() throws -> String {
        guard FileSystem.isDirectory(inputs) else { throw CLIFailure("inputs folder \(inputs) not found") }
        return inputs
    }
}
