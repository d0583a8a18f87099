import ArgumentParser

/// `gridclear node` — run or inspect a replication node. Two modes share the command:
/// `--mode bft` (GridClear's PBFT committee) and `--mode etcd` (crash-fault replication on
/// etcd, the SPEC §7 Decision).
struct NodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run or inspect a replication node (--mode bft|etcd).",
        subcommands: [NodeInitCommand.self, NodeRunCommand.self, NodeStatusCommand.self, NodeResultCommand.self, NodeReplaceKeyCommand.self])
}

/// The replication modes of `gridclear node`.
enum NodeMode: String, ExpressibleByArgument, CaseIterable {
    case bft, etcd

    /// `--mode` when given; else bft with `--cluster`, etcd with `--endpoints`.
    static func resolve(_ mode: NodeMode?, cluster: String?, endpoints: String?) throws -> NodeMode {
        if let mode { return mode }
        if cluster != nil && endpoints == nil { return .bft }
        if endpoints != nil && cluster == nil { return .etcd }
        throw CLIFailure("give --cluster DIR/cluster.json (BFT mode) or --endpoints URL,… (etcd mode), or --mode bft|etcd", exitCode: 64)
    }
}

struct NodeRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run replica/node I: clear due cycles in replicated mode, exactly once.",
        discussion: """
        BFT mode (the default with --cluster): replica I of the PBFT committee in cluster.json (from `gridclear node init`). The primary proposes each due cycle's inputs and result; every replica re-clears it and votes only for an identical result; a block is committed with 2f + 1 signatures and appended to every replica's ledger.

        etcd mode: every node keeps its own ledger; the node holding the etcd lease clears cycles whose gate closure has passed and commits each block with one fenced etcd transaction; the others append the committed blocks. See docs/replication.md.

        Examples:
          gridclear node run --cluster C/cluster.json --id 1 --key C/keys/node1.key --ledger C/node1/ledger --inputs Inputs
          gridclear node run --mode etcd --endpoints http://127.0.0.1:2379 --id 1 --key node1.key --ledger node1/ledger --inputs Inputs --once --now 2026-11-20T10:00Z
        """)

    @Option(help: "Replication mode: bft or etcd (default: bft with --cluster, etcd with --endpoints).")
    var mode: NodeMode?

    @Option(help: "This node's id (BFT: 1…N as in cluster.json).")
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

    @OptionGroup(title: "BFT mode")
    var bft: NodeBFTOptions

    @OptionGroup(title: "etcd mode")
    var etcd: NodeEtcdOptions

    func run() throws {
        try reportingErrors {
            switch try NodeMode.resolve(mode, cluster: bft.cluster, endpoints: etcd.endpoints) {
            case .etcd: try NodeEtcdRun(command: self).run()
            case .bft: try NodeBFTRun(command: self).run()
            }
        }
    }
}

struct NodeStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the leader, each node's height and the replication back end's state.",
        discussion: """
        BFT mode: asks every replica in cluster.json for its view, primary, ledger height and head hash (--json: an array with one object per replica; an unreachable replica has "reachable": false).

        Examples:
          gridclear node status --cluster C/cluster.json
          gridclear node status --mode etcd --endpoints http://127.0.0.1:2379 --json
        """)

    @Option(help: "Replication mode: bft or etcd (default: bft with --cluster, etcd with --endpoints).")
    var mode: NodeMode?

    @Flag(help: "JSON output.")
    var json = false

    @Option(help: "BFT mode: the committee's cluster.json.")
    var cluster: String?

    @OptionGroup(title: "etcd mode")
    var etcd: NodeEtcdOptions

    func run() throws {
        try reportingErrors {
            switch try NodeMode.resolve(mode, cluster: cluster, endpoints: etcd.endpoints) {
            case .etcd: try NodeEtcdStatus.run(etcd, json: json)
            case .bft: try NodeBFTStatus.run(clusterPath: cluster, json: json)
            }
        }
    }
}
