import ArgumentParser

/// `gridclear`: the thin command-line front end. Every subcommand lives in its own file under
/// `Commands/` and is options → one call into GridClearApp (or a library) → printing; library
/// modules never print, this target does. Benchmarks are the separate `gridclear-bench`.
@main
struct GridClear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridclear",
        abstract: "Market clearing engine for local electricity markets.",
        discussion: "Clears bid and offer files per 15-minute cycle, records the results in a hash-chained ledger, audits it, and runs the privacy-preserving and metering parts of a local market. Start with README.md; docs/architecture.md maps the modules, docs/ledger-format.md the ledger. Exit codes: 0 ok, 1 failure, 2 partial (something due was skipped or a participant file rejected; the rest was done), 64 usage. Operating it as a service: docs/operations.md.",
        version: "0.1.0",
        subcommands: [
            ClearCommand.self, ValidateCommand.self, CompareCommand.self, ScheduleCommand.self, ServeCommand.self, 
            AuditCommand.self, ProofCommand.self, VerifyProofCommand.self, ReplayCommand.self,
            RCICommand.self, MeterCommand.self, SettleCommand.self, NodeCommand.self,
            KeygenCommand.self, PrivateCommand.self, BillsCommand.self, ForecastCommand.self,
        ]
    )
}
