import ArgumentParser

/// `gridclear clearing` — Benchmark: clearing.
/// (Stub: implemented by the clearing work.)
struct BenchClearingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearing",
        abstract: "Benchmark: clearing. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear clearing' is not implemented yet") }
    }
}
