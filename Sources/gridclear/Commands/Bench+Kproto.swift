import ArgumentParser

/// `gridclear kproto` — Benchmark: kproto.
/// (Stub: implemented by the kproto work.)
struct BenchKprotoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kproto",
        abstract: "Benchmark: kproto. (not implemented yet)")
    func run() throws {
        try reportingErrors { throw CLIFailure("'gridclear kproto' is not implemented yet") }
    }
}
