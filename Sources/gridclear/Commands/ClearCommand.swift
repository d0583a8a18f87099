import ArgumentParser

/// `gridclear clear` — Clear one cycle folder and write trades.csv and summary.json.
/// (Stub: implemented by the clearing work.)
struct ClearCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clear",
        abstract: "Clear one cycle folder and write trades.csv and summary.json. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear clear' is not implemented yet") }
    }
}
