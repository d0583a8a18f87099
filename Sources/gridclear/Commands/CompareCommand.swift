import ArgumentParser

/// `gridclear compare` — Run every mechanism on one cycle and compare the metrics.
/// (Stub: implemented by the mechanisms work.)
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run every mechanism on one cycle and compare the metrics. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear compare' is not implemented yet") }
    }
}
