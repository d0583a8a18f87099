import ArgumentParser
import BFTReplication
import GridClearApp
import GridClearSystem

/// Options of `gridclear node run --mode bft` (the clearing options --mechanism, --solver and
/// --seed are shared with the etcd mode).
struct NodeBFTOptions: ParsableArguments {
    @Option(help: "The committee's cluster.json (from `gridclear node init`).")
    var cluster: String?

    @Option(help: "This replica's durable state file (view, signing guard); default: state.pbft beside the ledger directory.")
    var state: String?

    @Option(name: .customLong("view-timeout-ms"), help: "Base view-change timeout in ms.")
    var viewTimeoutMillis: Int64 = 2_000

    @Option(help: .hidden)
    var byzantine: String?

    func loadCluster() throws -> (ClusterConfig, String) {
        guard let path = cluster else { throw CLIFailure("--mode bft needs --cluster DIR/cluster.json", exitCode: 64) }
        return (try NodeBFTSupport.loadCluster(path), path)
    }
}

enum NodeBFTSupport {
    static func loadCluster(_ path: String) throws -> ClusterConfig {
        do { return try ClusterConfig.load(path: path) } catch { throw CLIFailure("\(error)") }
    }
}
