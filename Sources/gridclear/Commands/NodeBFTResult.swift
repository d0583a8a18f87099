import ArgumentParser
import BFTReplication
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node result`: a participant's or operator's view of one cycle, accepted only
/// when f + 1 replicas sent matching signed replies (seed 001); `--submit` first asks the
/// committee to clear the cycle now.
struct NodeResultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "Read (or --submit) a cycle's result from a BFT committee; accepted on f + 1 matching signed replies.",
        discussion: """
        Asks every replica in cluster.json where the cycle is committed. Each answer is a
        reply signed by that replica's key over (committee, cycle, height, block hash) and the
        block; the result is accepted once f + 1 distinct replicas agree (at least one of them
        is honest). Prints the height, block hash and signers; --out writes trades.csv and
        summary.json from the accepted block.

        Examples:
          gridclear node result --cluster C/cluster.json --cycle 20261120T1000Z
          gridclear node result --cluster C/cluster.json --cycle 20261120T1000Z --submit --wait 30 --out Out
        """)

    @Option(help: "The committee's cluster.json.")
    var cluster: String

    @Option(help: "The cycle id.")
    var cycle: String

    @Flag(help: "Ask the replicas to clear the cycle now (it must be in their inputs folder).")
    var submit = false

    @Option(help: "Keep asking for up to this many seconds.")
    var wait: Int64 = 0

    @Option(help: "Write the accepted cycle's trades.csv and summary.json under this folder.")
    var out: String?

    @Flag(help: "JSON output.")
    var json = false

    func run() throws {
        try reportingErrors {
            let id = try commandCycle(cycle).description
            let c = try NodeBFTSupport.loadCluster(cluster)
            let client: BFTClient
            do { client = try BFTClient(cluster: c) } catch { throw CLIFailure("\(error)") }
            defer { client.shutdown() }
            let (accepted, notes) = client.result(cycle: id, submit: submit, waitMillis: wait * 1000)
            guard let a = accepted else {
                for n in notes { printError(n) }
                throw CLIFailure("cycle \(id): fewer than \((c.replicas.count - 1) / 3 + 1) matching signed replies\(wait > 0 ? " within \(wait) s" : "")")
            }
            let hash = Hex.encode(LedgerHash.blockHash(a.block.header))
            var status = "committed", trades = 0
            for e in a.block.entries {
                switch e {
                case .clearedCycle(let cc) where cc.cycleID == id:
                    trades = cc.trades.rows.count
                    if let out {
                        do { try OutputPublisher.publish(recorded: cc, root: out) } catch { throw CLIFailure("\(error)") }
                    }
                case .rejectedCycle(let r) where r.cycleID == id: status = "rejected: \(r.reason)"
                default: break
                }
            }
            if json {
                var o = JSONWriter()
                o.add("cycle", id); o.add("height", Int64(a.height)); o.add("block", hash)
                o.add("status", status); o.add("trades", trades)
                o.add("signers", raw: "[" + a.signers.map { String(Int($0) + 1) }.joined(separator: ",") + "]")
                say(o.renderCompact())
            } else {
                say("cycle \(id): \(status) at height \(a.height), block \(hash), \(trades) trades; signed replies from replicas \(a.signers.map { String(Int($0) + 1) }.joined(separator: ", "))")
            }
        }
    }
}
