import ArgumentParser

/// `gridclear node` — Run a replication node.
/// (Stub: implemented by the replication work.)
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run a replication node. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear node' is not implemented yet") }
    }
}
