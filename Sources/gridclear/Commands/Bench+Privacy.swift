import ArgumentParser

/// `gridclear privacy` — Benchmark: privacy.
/// (Stub: implemented by the privacy work.)
struct BenchPrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Benchmark: privacy. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear privacy' is not implemented yet") }
    }
}
