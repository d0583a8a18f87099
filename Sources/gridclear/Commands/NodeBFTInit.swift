import ArgumentParser
import BFTReplication
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node init`: a new BFT committee on this machine (tests, demos) — one key per
/// replica, the genesis block naming every key, and cluster.json.
struct NodeInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a BFT committee: DIR/cluster.json and DIR/keys/nodeI.key.",
        discussion: """
        Writes one Ed25519 key per replica (DIR/keys/nodeI.key, 0600, the `gridclear keygen` format, with nodeI.key.pub), the operator key DIR/keys/operator.key (0600; the genesis pins it; it alone signs `node replace-key`) and DIR/cluster.json (chain id, replica i at HOST:P+i with its public key, reputation parameters, the clearing choices --mechanism/--solver/--seed every replica must share, and the genesis block signed by replica 1 that names the committee). `node run` clears with the recorded choices; a flag that disagrees with them is refused. Each replica then runs with --ledger DIR/nodeI/ledger.

        Example:
          gridclear node init --replicas 4 --dir C --base-port 7100
        """)

    @Option(help: "Number of replicas (4 tolerates 1 faulty, 7 tolerates 2: n = 3f + 1).")
    var replicas: Int

    @Option(help: "Directory to create the committee in.")
    var dir: String

    @Option(name: .customLong("base-port"), help: "Replica i listens on base-port + i.")
    var basePort: Int = 7100

    @Option(help: "Host the replicas listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Genesis time (default: now).")
    var now: String?

    @OptionGroup var clearing: OptionalClearingChoiceOptions

    @Option(name: .customLong("committee-size"), help: "Members of each epoch's committee, chosen by reputation and lottery (default: every replica).")
    var committeeSize: Int?

    @Option(name: .customLong("epoch-blocks"), help: "Blocks per committee epoch: the committee is re-selected at every multiple (default 96).")
    var epochBlocks: UInt64?

    func run() throws {
        try reportingErrors {
            let t = try commandNow(now)
            let choice = ClusterClearing(mechanism: clearing.mechanism, solver: clearing.solver, seed: clearing.seed ?? 0)
            do { _ = try CyclePipeline.mechanism(named: clearing.mechanism ?? "cmap", solver: choice.options.solver) } catch {
                throw CLIFailure("\(error)", exitCode: 64)
            }
            var params = ReputationParams()
            params.committeeSize = committeeSize ?? replicas
            if let epochBlocks { params.epochBlocks = epochBlocks }
            guard params.committeeSize >= 1, params.committeeSize <= replicas else {
                throw CLIFailure("--committee-size must be 1 … \(replicas) (the replicas)", exitCode: 64)
            }
            let cluster = try ClusterSetup.initialize(replicas: replicas, directory: dir, basePort: basePort, host: host, now: t,
                                                      params: params, clearing: choice)
            say("committee \(cluster.chain): \(replicas) replicas (tolerates \((replicas - 1) / 3) faulty), \(FileSystem.join(dir, ClusterSetup.clusterFileName))")
            if let op = cluster.operatorKey {
                say("  operator key \(NodeKey.fingerprint(publicKey: op))  \(ClusterSetup.operatorKeyPath(directory: dir)) (signs key replacements: keep it offline)")
            }
            for m in cluster.replicas {
                say("  replica \(m.id)  \(m.address)  \(NodeKey.fingerprint(publicKey: m.publicKey))  key \(ClusterSetup.keyPath(directory: dir, id: m.id))  ledger \(ClusterSetup.ledgerPath(directory: dir, id: m.id))")
            }
        }
    }
}
