import ArgumentParser

/// `gridclear schedule` — Clear every cycle at its gate closure, exactly once.
/// (Stub: implemented by the ledger work.)
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Clear every cycle at its gate closure, exactly once. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear schedule' is not implemented yet") }
    }
}
