import ArgumentParser

/// `gridclear ledger` — Benchmark: ledger.
/// (Stub: implemented by the ledger work.)
struct BenchLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Benchmark: ledger. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear ledger' is not implemented yet") }
    }
}
