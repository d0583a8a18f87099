import ArgumentParser

/// `gridclear rci` — Run or join the RCI distributed clearing.
/// (Stub: implemented by the rci work.)
struct RCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rci",
        abstract: "Run or join the RCI distributed clearing. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear rci' is not implemented yet") }
    }
}
