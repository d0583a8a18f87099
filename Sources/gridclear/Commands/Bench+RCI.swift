import ArgumentParser

/// `gridclear rci` — Benchmark: rci.
/// (Stub: implemented by the rci work.)
struct BenchRCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rci",
        abstract: "Benchmark: rci. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear rci' is not implemented yet") }
    }
}
