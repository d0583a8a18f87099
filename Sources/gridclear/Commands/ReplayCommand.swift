import ArgumentParser
import Clearing
import LedgerLite

/// `gridclear replay <ledger-dir> <cycle>` — re-clears a cycle from the inputs recorded in
/// the ledger and compares trades.csv and the canonical summary byte for byte.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-clear a recorded cycle and show the result is identical.",
        discussion: """
        Uses only what the ledger holds (raw input files, mechanism, solver, seed); the ledger
        is audited first. Exit 0 when trades.csv and summary.json are byte-identical, 1 with
        the first differing line otherwise.

        Examples:
          gridclear replay Ledger 20261120T1000Z
        """)

    @Argument(help: "The ledger directory.")
    var ledgerDir: String

    @Argument(help: "The cycle id, e.g. 20261120T1000Z.")
    var cycle: String

    @Option(help: "Trusted keys for the audit (default: the genesis keys).")
    var keys: String?

    func run() throws {
        try reportingErrors {
            var found: (ClearedCycleEntry, UInt64)?
            let result = try LedgerAuditor.audit(directory: ledgerDir, trusted: try keys.map(LedgerGlue.trustedKeys)) { block, _ in
                for e in block.entries { if case .clearedCycle(let c) = e, c.cycleID == cycle { found = (c, block.header.height) } }
            }
            if case .failure(let f) = result { throw CLIFailure("the ledger does not audit (offset \(f.offset): \(f.message)); not replaying") }
            guard let (entry, height) = found else { throw CLIFailure("cycle \(cycle) is not in the ledger \(ledgerDir)") }
            let (files, options) = LedgerGlue.recorded(entry)
            let again = try CyclePipeline.clear(files, options: options, context: ClearingContext(seed: options.seed))
            print("replay of cycle \(cycle) (block \(height), mechanism \(entry.mechanism), solver \(entry.solver), seed \(entry.seed)):")
            var same = true
            for (name, a, b) in [("trades.csv", entry.tradesCSV, again.tradesCSV), ("summary.json", entry.summaryJSON, again.canonicalSummaryJSON)] {
                if a == b {
                    print("  \(name): identical (\(a.count) bytes, sha256 \(Replay.sha256(a)))")
                } else {
                    same = false
                    print("  \(name): DIFFERENT — \(Replay.firstDifference(a, b))")
                }
            }
            if !same { throw CLIFailure("replay of cycle \(cycle) differs from the ledger") }
        }
    }
}

enum Replay {
    static func sha256(_ b: [UInt8]) -> String { Hex.encode(Merkle.plainSHA256(b)) }
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let la = a.split(separator: 10, omittingEmptySubsequences: false), lb = b.split(separator: 10, omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(decoding: la[i], as: UTF8.self) : "<missing>"
            let y = i < lb.count ? String(decoding: lb[i], as: UTF8.self) : "<missing>"
            if x != y { return "line \(i + 1): ledger '\(x)' vs replay '\(y)'" }
        }
        return "lengths differ"
    }
}
