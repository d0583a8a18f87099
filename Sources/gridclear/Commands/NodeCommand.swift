import ArgumentParser

/// `gridclear node` — run or inspect a replication node. Two modes share the command:
/// `--mode bft` (GridClear's PBFT committee) and `--mode etcd` (crash-fault replication on
/// etcd, the SPEC §7 Decision).
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run or inspect a replication node (--mode bft|etcd).",
        subcommands: [NodeRunCommand.self, NodeStatusCommand.self])
}

/// The replication modes of `gridclear node`.
enum NodeMode: String, ExpressibleByArgument, CaseIterable {
    case bft, etcd
}

struct NodeRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run replica/node I: clear due cycles in replicated mode, exactly once.",
        discussion: """
        etcd mode: every node keeps its own ledger; the node holding the etcd lease clears cycles whose gate closure has passed and commits each block with one fenced etcd transaction; the others append the committed blocks. See docs/replication.md.

        Examples:
          gridclear node run --mode etcd --endpoints http://127.0.0.1:2379 --id 1 --key node1.key --ledger node1/ledger --inputs Inputs --once --now 2026-11-20T10:00Z
        """)

    @Option(help: "Replication mode: bft or etcd.")
    var mode: NodeMode

    @Option(help: "This node's id.")
    var id: String

    @Option(help: "The node's signing key (a `gridclear keygen` key file, kept outside the ledger).")
    var key: String

    @Option(help: "This node's own ledger directory (created on first use).")
    var ledger: String

    @Option(help: "The inputs folder (market.json, grid.json and one folder per cycle).")
    var inputs: String = "Inputs"

    @Option(help: "Output root for trades.csv and summary.json per cycle (default: none).")
    var out: String?

    @Flag(help: "Return when every due cycle is committed (or failed).")
    var once = false

    @Option(help: "Pretend the clock starts at this UTC time (YYYY-MM-DDTHH:MM[:SS]Z or a cycle id).")
    var now: String?

    @OptionGroup(title: "etcd mode")
    var etcd: NodeEtcdOptions

    func run() throws {
        try reportingErrors {
            switch mode {
            case .etcd: try NodeEtcdRun(command: self).run()
            case .bft: throw CLIFailure("--mode bft is not part of this build yet")
            }
        }
    }
}

struct NodeStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the leader, each node's height and the replication back end's state.",
        discussion: """
        Example:
          gridclear node status --mode etcd --endpoints http://127.0.0.1:2379 --json
        """)

    @Option(help: "Replication mode: bft or etcd.")
    var mode: NodeMode

    @Flag(help: "One JSON object.")
    var json = false

    @OptionGroup(title: "etcd mode")
    var etcd: NodeEtcdOptions

    func run() throws {
        try reportingErrors {
            switch mode {
            case .etcd: try NodeEtcdStatus.run(etcd, json: json)
            case .bft: throw CLIFailure("--mode bft is not part of this build yet")
            }
        }
    }
}
