import GridClearApp
import GridClearCore
import LedgerLite

/// `gridclear node replace-key`: an operator replaces one replica's key in the running
/// committee (docs/replication.md, "Replacing a replica's key"). The request is signed with the
/// operator key the genesis pins, names the chain, the node, its current (old) and its new key
/// and a fresh nonce (single use), and is handed to every replica; it is accepted once f + 1
/// replicas sent matching signed replies naming the block that applied it. The new key signs
/// from the next block on. The nonce is injected (the CLI draws it from the system's randomness).
public enum OperatorKeyReplacement {
    public struct Outcome: Sendable {
        /// The request as signed.
        public var request: KeyReplacement
        /// Height of the block that applied it; the new committee is in force from `height + 1`.
        public var height: UInt64
        public var blockHash: [UInt8]
        /// The committee epoch it started.
        public var epoch: UInt64
        /// Replicas (1 … N) whose signed replies matched.
        public var replies: [Int]
    }

    /// The signed request to replace replica `id`'s current key (as `cluster` records it) by `newKey`.
    public static func request(cluster: ClusterConfig, replica id: Int, newKey: [UInt8], operatorKey: NodeKey,
                               nonce: [UInt8]) throws(BFTError) -> KeyReplacement {
        guard let r = cluster.replica(id: id) else { throw .cluster("no replica \(id) (ids 1…\(cluster.replicas.count))") }
        guard let pinned = cluster.operatorKey else {
            throw .cluster("this cluster's genesis pins no operator key (made by an older 'node init'): its keys cannot be replaced in place")
        }
        guard pinned == operatorKey.publicKey else {
            throw .cluster("the operator key file holds \(NodeKey.fingerprint(publicKey: operatorKey.publicKey)), the genesis pins \(NodeKey.fingerprint(publicKey: pinned))")
        }
        guard newKey.count == 32, !cluster.currentKeys.contains(newKey), !cluster.publicKeys.contains(newKey) else {
            throw .cluster("the new key must be 32 bytes and not a key any replica has had")
        }
        guard nonce.count == KeyReplacement.nonceBytes else { throw .cluster("the nonce must be \(KeyReplacement.nonceBytes) bytes") }
        let k = KeyReplacement(nodeID: r.nodeID, oldKey: r.currentKey, newKey: newKey, nonce: nonce)
        do { return try k.signed(chain: cluster.chain, operatorKey: operatorKey) } catch { throw .cluster("cannot sign: \(error)") }
    }

    /// Submits `k` until f + 1 matching signed replies (or `waitMillis`). nil and the replicas'
    /// notes (refusals say why) when not accepted.
    public static func submit(_ k: KeyReplacement, cluster: ClusterConfig, waitMillis: Int64) throws(BFTError) -> (Outcome?, [String]) {
        let client: BFTClient
        do { client = try BFTClient(cluster: cluster) } catch { throw .cluster("\(error)") }
        defer { client.shutdown() }
        let (accepted, notes) = client.replaceKey(k, waitMillis: waitMillis)
        guard let a = accepted else { return (nil, notes) }
        let epoch = a.block.entries.lazy.compactMap { e -> UInt64? in if case .committeeEpoch(let c) = e { return c.epoch }; return nil }.first ?? 0
        return (Outcome(request: k, height: a.height, blockHash: LedgerHash.blockHash(a.block.header), epoch: epoch,
                        replies: a.signers.map { Int($0) + 1 }), notes)
    }
}
