import ArgumentParser

/// `gridclear-bench <area>` — the benchmarks, outside the product binary. Each area lives in
/// its own file (`Bench+Area.swift`) and prints what it measured and the ratio against its
/// peer measured in the same run; `Benchmarks/*.sh` add the external peers.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gridclear-bench",
        abstract: "Run GridClear's benchmarks (each prints measurements and ratios against its peer).",
        discussion: "Build with 'swift build -c release --product gridclear-bench'; 'make bench' runs every script in Benchmarks/ with it.",
        subcommands: [BenchClearingCommand.self, BenchKprotoCommand.self, BenchPrivacyCommand.self,
                      BenchRCICommand.self, BenchRCIProofsCommand.self, BenchLedgerCommand.self, BenchMeterCommand.self,
                      BenchReplicationCommand.self])
}
