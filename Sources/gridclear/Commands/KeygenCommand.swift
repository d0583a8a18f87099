import ArgumentParser

/// `gridclear keygen` — Generate keys (Paillier, Ed25519, blind RSA).
/// (Stub: implemented by the privacy work.)
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate keys (Paillier, Ed25519, blind RSA). (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear keygen' is not implemented yet") }
    }
}
