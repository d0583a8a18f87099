import ArgumentParser

/// `gridclear meter` — Benchmark: meter.
/// (Stub: implemented by the meter work.)
struct BenchMeterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meter",
        abstract: "Benchmark: meter. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear meter' is not implemented yet") }
    }
}
