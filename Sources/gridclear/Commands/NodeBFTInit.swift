import ArgumentParser
import BFTReplication
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node init`: a new BFT committee on this machine (tests, demos) — one key per
/// replica, the genesis block naming every key, and cluster.json.
struct NodeInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a BFT committee: DIR/cluster.json, DIR/genesis.block and DIR/keys/nodeI.key.",
        discussion: """
        Writes one Ed25519 key per replica (DIR/keys/nodeI.key, 0600, the `gridclear keygen`
        format, with nodeI.key.pub), the genesis block (signed by replica 1, naming every key
        as a signer) and DIR/cluster.json (chain id, epoch 0, genesis hash, replica i at
        HOST:P+i). Each replica then runs with --ledger DIR/nodeI/ledger (outside DIR/keys).

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

    @Option(help: "Chain (committee) id; default: gridclear-bft- and the first key's fingerprint.")
    var chain: String?

    @Option(help: "Genesis time (default: now).")
    var now: String?

    func run() throws {
        try reportingErrors {
            guard (1...1024).contains(replicas) else { throw CLIFailure("--replicas must be 1…1024 (4 or more to tolerate a fault)", exitCode: 64) }
            guard basePort > 0, basePort + replicas <= 65535 else { throw CLIFailure("--base-port + replicas must stay below 65536", exitCode: 64) }
            let clusterPath = FileSystem.join(dir, "cluster.json")
            guard !FileSystem.exists(clusterPath) else { throw CLIFailure("\(clusterPath) already exists; choose another --dir") }
            let t = try commandNow(now)
            let keysDir = FileSystem.join(dir, "keys")
            do { try FileSystem.makeDirectories(keysDir) } catch { throw CLIFailure("\(keysDir): \(error)") }
            let keys = (1...replicas).map { _ in NodeKey.generate() }
            for (i, k) in keys.enumerated() {
                let p = FileSystem.join(keysDir, "node\(i + 1).key")
                do { try NodeKeyFile.write(k, to: p, publicPath: p + ".pub") } catch { throw CLIFailure("\(error)") }
            }
            let chainID = chain ?? "gridclear-bft-" + NodeKey.fingerprint(publicKey: keys[0].publicKey).dropFirst(7).prefix(16)
            let genesis = try BFTCluster.genesisBlock(chain: chainID, keys: keys, createdMillis: t.millis, maxEntriesPerBlock: 64)
            let members = keys.enumerated().map { i, k in BFTCluster.Member(id: i + 1, host: host, port: basePort + i + 1, publicKey: k.publicKey) }
            let cluster = BFTCluster(chain: chainID, epoch: 0, genesisHash: LedgerHash.blockHash(genesis.header), members: members)
            do {
                try AtomicFile.write(genesis.encoded(), to: FileSystem.join(dir, "genesis.block"))
                try AtomicFile.write(cluster.json(), to: clusterPath)
            } catch { throw CLIFailure("\(dir): \(error)") }
            say("committee \(chainID): \(replicas) replicas (tolerates \((replicas - 1) / 3) faulty), \(clusterPath)")
            for m in members { say("  replica \(m.id)  \(m.address)  \(NodeKey.fingerprint(publicKey: m.publicKey))  key \(FileSystem.join(keysDir, "node\(m.id).key"))") }
        }
    }
}
