import ArgumentParser

/// `gridclear audit` — Audit a ledger directory offline.
/// (Stub: implemented by the ledger work.)
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Audit a ledger directory offline. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear audit' is not implemented yet") }
    }
}
