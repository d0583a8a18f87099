import ArgumentParser

/// `gridclear proof` — Export an inclusion proof for one trade.
/// (Stub: implemented by the ledger work.)
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Export an inclusion proof for one trade. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear proof' is not implemented yet") }
    }
}
