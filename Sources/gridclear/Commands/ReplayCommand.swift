import ArgumentParser

/// `gridclear replay` — Re-clear a recorded cycle and show the result is identical.
/// (Stub: implemented by the ledger work.)
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-clear a recorded cycle and show the result is identical. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear replay' is not implemented yet") }
    }
}
