import ArgumentParser
import BFTReplication
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// `gridclear node replace-key`: replace a lost or compromised replica key in the running BFT
/// committee with the operator key the genesis pins (docs/replication.md).
struct NodeReplaceKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replace-key",
        abstract: "Replace replica I's key in the running BFT committee (signed with the operator key).",
        discussion: """
        Signs a key replacement with the operator key (DIR/keys/operator.key from `node init`; the genesis pins its public key) over the chain, the node, its current key, the new key and a fresh nonce, and hands it to every replica. The committee orders it like any request: the block that applies it records the roster change and a committee epoch with that key replaced, certified by the committee in force; from the next block the new key signs and the old one is refused. Accepted on f + 1 matching signed replies; prints the height. Then cluster.json is updated (current_key, key_replaced_at) — copy it to every machine — and the replica is restarted with the new key: node run --key NEW.key. It catches up by state transfer.

        Examples:
          gridclear keygen --ed25519 --out C/keys/node3-new
          gridclear node replace-key --cluster C/cluster.json --node 3 --new-key C/keys/node3-new.ed25519.pub
        """)

    @Option(help: "The committee's cluster.json (updated with the new key once accepted).")
    var cluster: String

    @Option(help: "The replica (1 … N) whose key is replaced.")
    var node: Int

    @Option(name: .customLong("new-key"), help: "The new key's .pub file (or its key file: only the public key is read).")
    var newKey: String?

    @Option(name: .customLong("new-public-key"), help: "The new public key, 64 hex digits (instead of --new-key).")
    var newPublicKey: String?

    @Option(name: .customLong("operator-key"), help: "The operator's key file (default: keys/operator.key beside cluster.json).")
    var operatorKey: String?

    @Option(help: "Keep asking for up to this many seconds.")
    var wait: Int64 = 30

    @Flag(help: "JSON output.")
    var json = false

    func run() throws {
        try reportingErrors {
            let pub = try newPublic()
            var c = try NodeBFTSupport.loadCluster(cluster)
            let opPath = operatorKey ?? ClusterSetup.operatorKeyPath(directory: FileSystem.parent(of: cluster))
            let op: NodeKey
            do { op = try NodeKeyFile.load(path: opPath) } catch { throw CLIFailure("\(error)") }
            var nonce = [UInt8](repeating: 0, count: KeyReplacement.nonceBytes)
            var rng = SystemRandomNumberGenerator()
            for i in nonce.indices { nonce[i] = rng.next() }
            let (outcome, notes): (OperatorKeyReplacement.Outcome?, [String])
            do {
                let k = try OperatorKeyReplacement.request(cluster: c, replica: node, newKey: pub, operatorKey: op, nonce: nonce)
                (outcome, notes) = try OperatorKeyReplacement.submit(k, cluster: c, waitMillis: wait * 1000)
            } catch { throw CLIFailure("\(error)") }
            guard let o = outcome else {
                for n in notes { printError(n) }
                throw CLIFailure("replica \(node)'s key replacement: fewer than \((c.replicas.count - 1) / 3 + 1) matching signed replies within \(wait) s")
            }
            do {
                try c.recordKeyReplacement(node: o.request.nodeID, newKey: pub, height: o.height)
                try c.write(to: cluster)
            } catch { throw CLIFailure("\(error)") }
            if json {
                var w = JSONWriter()
                w.add("node", node); w.add("node_id", o.request.nodeID)
                w.add("old_key", Hex.encode(o.request.oldKey)); w.add("new_key", Hex.encode(pub))
                w.add("height", Int64(o.height)); w.add("in_force_from", Int64(o.height + 1)); w.add("epoch", Int64(o.epoch))
                w.add("block", Hex.encode(o.blockHash))
                w.add("replies", raw: "[" + o.replies.map(String.init).joined(separator: ",") + "]")
                say(w.renderCompact())
            } else {
                say("replica \(node) (\(o.request.nodeID)): key \(NodeKey.fingerprint(publicKey: o.request.oldKey)) replaced by \(NodeKey.fingerprint(publicKey: pub)) at height \(o.height) (epoch \(o.epoch), in force from block \(o.height + 1)); signed replies from replicas \(o.replies.map(String.init).joined(separator: ", "))")
                say("\(cluster) updated; restart replica \(node) with its new key (node run --key …) and copy cluster.json to every machine")
            }
        }
    }

    func newPublic() throws -> [UInt8] {
        switch (newKey, newPublicKey) {
        case (let path?, nil):
            do {
                let keys = try TrustedKeyFile.load(path: path).keys
                guard keys.count == 1, let k = keys.first else { throw CLIFailure("\(path): expected exactly one public key", exitCode: 64) }
                return k
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("\(error)") }
        case (nil, let hex?):
            guard let k = Hex.decode(hex), k.count == 32 else { throw CLIFailure("--new-public-key must be 64 hex digits", exitCode: 64) }
            return k
        default:
            throw CLIFailure("give exactly one of --new-key FILE.pub and --new-public-key HEX", exitCode: 64)
        }
    }
}
