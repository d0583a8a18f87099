import ArgumentParser

/// `gridclear bench <area>` — benchmarks. Each area lives in its own file
/// (`Bench+Area.swift`) and prints what it measured and the ratio against its
/// peer measured in the same run.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Run benchmarks (each prints measurements and ratios against its peer).",
        subcommands: [BenchClearingCommand.self, BenchKprotoCommand.self, BenchPrivacyCommand.self,
                      BenchRCICommand.self, BenchLedgerCommand.self, BenchMeterCommand.self])
}
