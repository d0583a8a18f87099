import ArgumentParser
import GridClearApp
import GridClearCore

/// `gridclear replay <ledger-dir> <cycle>` — re-clears a cycle from the inputs recorded in
/// the ledger and compares trades.csv and the canonical summary byte for byte.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-clear a recorded cycle and show the result is identical.",
        discussion: """
        Uses only what the ledger holds (raw input files, mechanism, solver, seed); the ledger is audited first. Exit 0 when trades.csv and summary.json are byte-identical, 1 with the first differing line otherwise.

        Examples:
          gridclear replay Ledger 20261120T1000Z
          gridclear replay Ledger 20261120T1000Z --json
        """)

    @Argument(help: "The ledger directory.")
    var ledgerDir: String

    @Argument(help: "The cycle id, e.g. 20261120T1000Z.")
    var cycle: String

    @OptionGroup var keys: TrustedKeysOption

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        try reportingErrors {
            let id = try commandCycle(cycle)
            let trusted = try keys.load()
            try ReplicaAudit.require(directory: ledgerDir, trusted: trusted)  // a replica's ledger: its certificates too
            let r = try ReplayService.replay(ledgerDirectory: ledgerDir, cycle: id.description, trusted: trusted)
            let e = r.entry
            try json.finishCheck(document: {
                var w = JSONWriter()
                w.add("cycle", e.cycleID); w.add("block", raw: r.height.map { String($0) } ?? "null")
                w.add("mechanism", e.mechanism); w.add("solver", e.solver); w.add("seed", raw: String(e.seed)); w.add("identical", r.identical)
                w.add("files", raw: "[" + r.comparisons.map { c in
                    var o = JSONWriter()
                    o.add("name", c.name); o.add("identical", c.identical); o.add("bytes", c.recorded.count); o.add("sha256", c.sha256)
                    o.add("first_difference", raw: c.firstDifference.map(CanonicalText.jsonString) ?? "null")
                    return o.renderCompact()
                }.joined(separator: ", ") + "]")
                return w.render()
            }, text: {
                ["replay of cycle \(e.cycleID) (block \(r.height.map(String.init) ?? "-"), mechanism \(e.mechanism), solver \(e.solver), seed \(e.seed)):"]
                    + r.comparisons.map { c in
                        c.identical ? "  \(c.name): identical (\(c.recorded.count) bytes, sha256 \(c.sha256))" : "  \(c.name): DIFFERENT — \(c.firstDifference ?? "")"
                    }
            }, problems: r.identical ? [] : ["replay of cycle \(e.cycleID) differs from the ledger"])
        }
    }
}
