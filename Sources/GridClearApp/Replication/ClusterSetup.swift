import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node init`: the keys and `cluster.json` of a new BFT cluster.
///
/// Layout under `directory`: `cluster.json`; `keys/node<I>.key` (0600, `NodeKeyFile` format,
/// the same as `gridclear keygen --ed25519`) and `keys/node<I>.key.pub` (0644). Ledgers go to
/// `node<I>/ledger` (created by the replicas), so no secret key is inside a ledger folder.
/// `keys/operator.key` (0600) + `.pub`: the operator key the genesis pins, which alone can
/// sign a key replacement (`node replace-key`); keep it offline, away from every replica.
public enum ClusterSetup {
    public static let clusterFileName = "cluster.json"

    public static func keyPath(directory: String, id: Int) -> String {
        FileSystem.join(FileSystem.join(directory, "keys"), "node\(id).key")
    }
    public static func operatorKeyPath(directory: String) -> String {
        FileSystem.join(FileSystem.join(directory, "keys"), "operator.key")
    }
    public static func ledgerPath(directory: String, id: Int) -> String {
        FileSystem.join(FileSystem.join(directory, "node\(id)"), "ledger")
    }

    /// Creates `replicas` keys and the cluster file. Addresses: `host:basePort + I`. Refuses to
    /// overwrite an existing cluster file or key. `now` stamps the genesis block.
    public static func initialize(replicas n: Int, directory: String, basePort: Int, host: String = "127.0.0.1",
                                  now: UTCTime, params: ReputationParams? = nil, maxEntriesPerBlock: Int = 64,
                                  clearing: ClusterClearing = ClusterClearing()) throws(AppError) -> ClusterConfig {
        guard n >= 1, n <= 1024 else { throw .usage("--replicas must be 1 … 1024") }
        guard basePort >= 1, basePort + n <= 65535 else { throw .usage("--base-port must leave room for \(n) ports below 65536") }
        let clusterPath = FileSystem.join(directory, clusterFileName)
        guard !FileSystem.exists(clusterPath) else { throw .usage("\(clusterPath) already exists; choose another --dir") }
        var p = params ?? ReputationParams()
        if params == nil { p.committeeSize = n }
        try ClusterConfig.validate(p, name: "reputation parameters")
        let keys = (1...n).map { _ in NodeKey.generate() }
        for (i, k) in keys.enumerated() {
            let path = keyPath(directory: directory, id: i + 1)
            do { try NodeKeyFile.write(k, to: path, publicPath: path + ".pub") } catch { throw .key(error) }
        }
        let operatorKey = NodeKey.generate()
        let opPath = operatorKeyPath(directory: directory)
        do { try NodeKeyFile.write(operatorKey, to: opPath, publicPath: opPath + ".pub") } catch { throw .key(error) }
        let replicas = keys.enumerated().map { i, k in
            ClusterConfig.Replica(id: i + 1, host: host, port: basePort + i + 1, publicKey: k.publicKey)
        }
        return try create(replicas: replicas, signer: keys[0], now: now, params: p, maxEntriesPerBlock: maxEntriesPerBlock,
                          clearing: clearing, operatorKey: operatorKey.publicKey, writeTo: clusterPath)
    }

    /// The cluster of known replicas (keys made elsewhere); `signer` (one of them) signs the genesis block.
    public static func create(replicas: [ClusterConfig.Replica], signer: NodeKey, now: UTCTime, params: ReputationParams,
                              maxEntriesPerBlock: Int, clearing: ClusterClearing? = nil, operatorKey: [UInt8]? = nil,
                              writeTo path: String?) throws(AppError) -> ClusterConfig {
        let keys = replicas.map(\.publicKey)
        guard keys.contains(signer.publicKey) else { throw .usage("the genesis signer is not one of the replicas") }
        let chain = "gridclear-bft:" + Hex.encode(Array(Merkle.plainSHA256(keys.flatMap { $0 }).prefix(8)))
        let g = GenesisEntry(ledgerID: chain, createdMillis: now.millis, signerKeys: keys, maxEntriesPerBlock: UInt32(maxEntriesPerBlock),
                             maxBatchMillis: 0, committee: ClusterConfig.genesisCommittee(replicas, params, operatorKey: operatorKey))
        let genesis: Block
        do { genesis = try BlockBuilder.build(entries: [.genesis(g)], on: ChainState(), nowMillis: now.millis, key: signer) } catch {
            throw .failed("cannot sign the genesis block: \(error)")
        }
        let c = ClusterConfig(chain: chain, replicas: replicas, reputation: params, maxEntriesPerBlock: maxEntriesPerBlock, genesis: genesis,
                              clearing: clearing, operatorKey: operatorKey)
        if let problem = c.genesisProblem() { throw .failed("internal: genesis \(problem)") }
        if let path {
            do { try FileSystem.makeDirectories(FileSystem.parent(of: path)) } catch { throw .file("\(error)") }
            try c.write(to: path)
        }
        return c
    }
}
