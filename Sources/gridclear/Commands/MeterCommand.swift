import ArgumentParser

/// `gridclear meter` — Read, poll and ingest serial meters.
/// (Stub: implemented by the meter work.)
struct MeterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meter",
        abstract: "Read, poll and ingest serial meters. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear meter' is not implemented yet") }
    }
}
