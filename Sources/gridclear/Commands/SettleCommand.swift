import ArgumentParser

/// `gridclear settle` — Settle a cycle's trades against metered energy.
/// (Stub: implemented by the meter work.)
struct SettleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "settle",
        abstract: "Settle a cycle's trades against metered energy. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear settle' is not implemented yet") }
    }
}
