import ArgumentParser

/// `gridclear verify-proof` — Verify an inclusion proof without the ledger.
/// (Stub: implemented by the ledger work.)
struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Verify an inclusion proof without the ledger. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear verify-proof' is not implemented yet") }
    }
}
