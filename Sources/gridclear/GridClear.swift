import ArgumentParser

/// `gridclear`: the thin command-line front end. Every subcommand lives in its
/// own file under `Commands/`; library modules never print, this target does.
@main
struct GridClear: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridclear",
        abstract: "Market clearing engine for local electricity markets.",
        discussion: """
        Clears bid and offer files per 15-minute cycle, writes results to a
        hash-chained ledger, audits it, and runs the privacy-preserving and
        metering parts of a local market. See README.md and SPEC.md.
        """,
        version: "0.1.0",
        subcommands: [
            ClearCommand.self, CompareCommand.self, ScheduleCommand.self,
            AuditCommand.self, ProofCommand.self, VerifyProofCommand.self, ReplayCommand.self,
            RCICommand.self, MeterCommand.self, SettleCommand.self, NodeCommand.self,
            KeygenCommand.self, BenchCommand.self,
            PrivateCommand.self,
        ]
    )
}
