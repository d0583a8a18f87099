import GridClearCore
import GridClearSystem
import LedgerLite

/// `cluster.json`: the BFT committee of one replicated ledger, written once by
/// `gridclear node init` and read by every replica, `node status` and `audit --cluster`.
///
///     {
///       "format": "gridclear-cluster/1",
///       "chain": "gridclear-bft:<16 hex>",
///       "replicas": [ {"id": 1, "address": "127.0.0.1:7101", "node": "node1",
///                      "public_key": "<64 hex>", "fingerprint": "SHA256:…"}, … ],
///       "reputation": {"t_init": 60000, "t_up": 1000, "t_down": 10000, "t_max": 100000,
///                      "t_min": 30000, "committee_size": 4, "epoch_blocks": 96, "lottery_range": 10000},
///       "max_entries_per_block": 64,
///       "clearing": {"mechanism": null, "solver": null, "seed": 0},
///       "operator_key": "<64 hex>",
///       "genesis": "<hex of the genesis block>"
///     }
///
/// `operator_key` (written by `node init` since key replacement exists; absent in older files)
/// is the public key whose signed requests may replace a replica's key; the genesis pins it.
/// `public_key` is always the key the genesis names (the trust anchor `audit --cluster` pins);
/// after `node replace-key`, the replica also has `"current_key"` (64 hex) and
/// `"key_replaced_at"` (the height of the block that replaced it): the key it signs with now.
///
/// Replica `id` I (1 … N) is committee member I − 1 (`ReplicaID`). The genesis block (signed
/// by replica 1's key at init) names the committee and the reputation parameters; every
/// replica starts its ledger with exactly these bytes, so all ledgers are byte-identical.
/// Guarantees: `parse(render(c)) == c`; `parse` checks ids 1 … N in order, distinct keys and
/// addresses, that the genesis block is valid, signed by a member and names exactly these
/// keys and parameters; every error names the file and the field.
public struct ClusterConfig: Sendable, Equatable {
    public static let formatName = "gridclear-cluster/1"

    public struct Replica: Sendable, Equatable {
        /// 1 … N.
        public var id: Int
        public var host: String
        public var port: Int
        /// The key the genesis names for this replica.
        public var publicKey: [UInt8]
        /// The key it signs with now (`publicKey` unless an operator replaced it).
        public var currentKey: [UInt8]
        /// Height of the block that put `currentKey` in force (nil: never replaced).
        public var keyReplacedAt: UInt64?
        public init(id: Int, host: String, port: Int, publicKey: [UInt8], currentKey: [UInt8]? = nil, keyReplacedAt: UInt64? = nil) {
            self.id = id; self.host = host; self.port = port; self.publicKey = publicKey
            self.currentKey = currentKey ?? publicKey; self.keyReplacedAt = keyReplacedAt
        }
        public var address: String { "\(host):\(port)" }
        /// The node id used for reputation: `node<I>`.
        public var nodeID: String { "node\(id)" }
        /// Its index in the committee.
        public var replicaID: ReplicaID { ReplicaID(id - 1) }
    }

    public var chain: String
    public var replicas: [Replica]
    public var reputation: ReputationParams
    public var maxEntriesPerBlock: Int
    public var genesis: Block
    /// The clearing choices every replica must share (nil: a file written before they were
    /// recorded; the command-line flags then apply as given).
    public var clearing: ClusterClearing?
    /// The operator's public key the genesis pins (nil: a cluster made before key replacement).
    public var operatorKey: [UInt8]?

    public init(chain: String, replicas: [Replica], reputation: ReputationParams, maxEntriesPerBlock: Int, genesis: Block,
                clearing: ClusterClearing? = nil, operatorKey: [UInt8]? = nil) {
        self.chain = chain; self.replicas = replicas; self.reputation = reputation
        self.maxEntriesPerBlock = maxEntriesPerBlock; self.genesis = genesis; self.clearing = clearing; self.operatorKey = operatorKey
    }

    /// The epoch-0 committee (replica I is member I − 1).
    public func committee() throws(AppError) -> Committee {
        do { return try Committee(id: CommitteeID(chain: chain, epoch: 0), keys: replicas.map(\.publicKey)) } catch {
            throw .usage("cluster: \(error)")
        }
    }
    public var publicKeys: [[UInt8]] { replicas.map(\.publicKey) }
    /// The keys the replicas sign with now (after any recorded key replacement).
    public var currentKeys: [[UInt8]] { replicas.map(\.currentKey) }
    /// The keys `verify-proof --cluster` trusts: every genesis key and every recorded current
    /// key (a proof of a block after a key replacement names a committee with the new key).
    public var trustedKeys: [[UInt8]] { publicKeys + replicas.filter { $0.currentKey != $0.publicKey }.map(\.currentKey) }
    /// The replica with node id `node` (`node<I>`).
    public func replica(node: String) -> Replica? { replicas.first { $0.nodeID == node } }
    public func replica(id: Int) -> Replica? { replicas.first { $0.id == id } }
    public var genesisHash: [UInt8] { LedgerHash.blockHash(genesis.header) }

    /// The genesis committee entry for these replicas and parameters.
    public static func genesisCommittee(_ replicas: [Replica], _ params: ReputationParams, operatorKey: [UInt8]? = nil) -> GenesisCommittee {
        GenesisCommittee(members: replicas.map { CommitteeMember(nodeID: $0.nodeID, publicKey: $0.publicKey) }, params: params,
                         operatorKey: operatorKey)
    }

    public func render() -> String {
        var w = JSONWriter()
        w.add("format", Self.formatName)
        w.add("chain", chain)
        let rs = replicas.map { r -> String in
            var o = JSONWriter()
            o.add("id", r.id); o.add("address", r.address); o.add("node", r.nodeID)
            o.add("public_key", Hex.encode(r.publicKey)); o.add("fingerprint", NodeKey.fingerprint(publicKey: r.publicKey))
            if let h = r.keyReplacedAt {
                o.add("current_key", Hex.encode(r.currentKey)); o.add("key_replaced_at", raw: String(h))
            }
            return o.renderCompact()
        }
        w.add("replicas", raw: rs.isEmpty ? "[]" : "[\n    " + rs.joined(separator: ",\n    ") + "\n  ]")
        var p = JSONWriter()
        let q = reputation
        p.add("t_init", q.tInit); p.add("t_up", q.tUp); p.add("t_down", q.tDown); p.add("t_max", q.tMax); p.add("t_min", q.tMin)
        p.add("committee_size", q.committeeSize); p.add("epoch_blocks", raw: String(q.epochBlocks)); p.add("lottery_range", q.lotteryRange)
        w.add("reputation", raw: p.renderCompact())
        w.add("max_entries_per_block", maxEntriesPerBlock)
        if let clearing { w.add("clearing", raw: clearing.render()) }
        if let operatorKey { w.add("operator_key", Hex.encode(operatorKey)) }
        w.add("genesis", Hex.encode(genesis.encoded()))
        return w.render() + "\n"
    }

    public static func load(path: String) throws(AppError) -> ClusterConfig {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, maxBytes: 16 << 20) } catch { throw .file("cluster file \(path): \(error)") }
        return try parse(bytes, name: path)
    }

    public func write(to path: String) throws(AppError) {
        do { try AtomicFile.write(render(), to: path, mode: 0o644) } catch { throw .file("cannot write \(path): \(error)") }
    }

    public static func parse(_ bytes: [UInt8], name: String) throws(AppError) -> ClusterConfig {
        func bad(_ m: String) -> AppError { .usage("\(name): \(m)") }
        let v: JSONReader.Value
        do { v = try JSONReader.parse(bytes) } catch { throw bad("not JSON (\(error))") }
        guard let f = v["format"]?.string else { throw bad("no 'format' (expected \"\(formatName)\")") }
        guard f == formatName else { throw bad("format '\(CanonicalText.echo(f))' is not supported (this gridclear reads \(formatName))") }
        guard let chain = v["chain"]?.string, !chain.isEmpty else { throw bad("no 'chain' string") }
        guard let list = v["replicas"]?.array, !list.isEmpty else { throw bad("no 'replicas' array") }
        var replicas: [Replica] = []
        for (i, r) in list.enumerated() {
            let at = "replicas[\(i)]"
            guard let id = r["id"]?.int64, id == Int64(i + 1) else { throw bad("\(at).id must be \(i + 1) (ids are 1 … N in order)") }
            guard let addr = r["address"]?.string, let colon = addr.lastIndex(of: ":"),
                  let port = Int(addr[addr.index(after: colon)...]), port > 0, port < 65536, colon != addr.startIndex else {
                throw bad("\(at).address must be HOST:PORT")
            }
            guard let pkHex = r["public_key"]?.string, let pk = Hex.decode(pkHex), pk.count == 32 else {
                throw bad("\(at).public_key must be 64 hex digits")
            }
            if let fp = r["fingerprint"]?.string, fp != NodeKey.fingerprint(publicKey: pk) {
                throw bad("\(at).fingerprint does not match public_key (the file was edited)")
            }
            var current: [UInt8]?, replacedAt: UInt64?
            if let ck = r["current_key"] {
                guard let hex = ck.string, let k = Hex.decode(hex), k.count == 32, let h = r["key_replaced_at"]?.int64, h >= 1 else {
                    throw bad("\(at).current_key must be 64 hex digits, with key_replaced_at the height (≥ 1) of the block that replaced it")
                }
                current = k; replacedAt = UInt64(h)
            }
            replicas.append(Replica(id: Int(id), host: String(addr[..<colon]), port: port, publicKey: pk, currentKey: current, keyReplacedAt: replacedAt))
        }
        guard Set(replicas.map(\.publicKey)).count == replicas.count else { throw bad("two replicas share a public key") }
        guard Set(replicas.map(\.currentKey)).count == replicas.count else { throw bad("two replicas share a current key") }
        guard Set(replicas.map(\.address)).count == replicas.count else { throw bad("two replicas share an address") }
        guard let rep = v["reputation"] else { throw bad("no 'reputation' object") }
        var p = ReputationParams()
        func num(_ k: String) throws(AppError) -> Int64 {
            guard let n = rep[k]?.int64 else { throw bad("reputation.\(k) must be an integer") }
            return n
        }
        p.tInit = try num("t_init"); p.tUp = try num("t_up"); p.tDown = try num("t_down"); p.tMax = try num("t_max"); p.tMin = try num("t_min")
        let size = try num("committee_size"), epoch = try num("epoch_blocks")
        guard size >= 1, size <= Int64(replicas.count), epoch >= 1 else {
            throw bad("reputation.committee_size must be 1 … \(replicas.count) and epoch_blocks ≥ 1")
        }
        p.committeeSize = Int(size); p.epochBlocks = UInt64(epoch); p.lotteryRange = try num("lottery_range")
        try Self.validate(p, name: name)
        guard let mmc = v["max_entries_per_block"]?.int64, mmc >= 1, mmc <= 1 << 20 else { throw bad("max_entries_per_block must be 1 … 1048576") }
        guard let gHex = v["genesis"]?.string, let gBytes = Hex.decode(gHex) else { throw bad("no 'genesis' hex string") }
        let genesis: Block
        do { genesis = try Block.decode(gBytes) } catch { throw bad("genesis is not a block (\(error))") }
        let clearing = try ClusterClearing.parse(v["clearing"], name: name)
        var operatorKey: [UInt8]?
        if let ok = v["operator_key"] {
            guard let hex = ok.string, let k = Hex.decode(hex), k.count == 32 else { throw bad("operator_key must be 64 hex digits") }
            operatorKey = k
        }
        let c = ClusterConfig(chain: chain, replicas: replicas, reputation: p, maxEntriesPerBlock: Int(mmc), genesis: genesis, clearing: clearing,
                              operatorKey: operatorKey)
        if let problem = c.genesisProblem() { throw bad("genesis: \(problem)") }
        return c
    }

    /// Reputation parameters as `ReputationParams.validate`, except that a committee smaller
    /// than 4 is allowed (tests with 1 … 3 replicas tolerate no Byzantine member).
    static func validate(_ p: ReputationParams, name: String) throws(AppError) {
        do { try Membership.validate(p) } catch { throw .usage("\(name): \(error)") }
    }

    /// Records that an operator replaced `node`'s key with `newKey` in the block at `height`
    /// (what `node replace-key` writes back into the file it was given).
    public mutating func recordKeyReplacement(node: String, newKey: [UInt8], height: UInt64) throws(AppError) {
        guard let i = replicas.firstIndex(where: { $0.nodeID == node }) else { throw .usage("cluster: no replica \(node)") }
        replicas[i].currentKey = newKey
        replicas[i].keyReplacedAt = height
    }

    /// Why the genesis block does not match this file, or nil.
    public func genesisProblem() -> String? {
        var v = ChainVerifier()
        do { try v.apply(genesis, recordOffset: 0, recordEnd: RecordFrame.headerSize + genesis.encoded().count + RecordFrame.trailerSize) } catch {
            return "\(error)"
        }
        guard case .genesis(let g) = genesis.entries[0], let c = g.committee else { return "the genesis block names no committee" }
        guard g.ledgerID == chain else { return "ledger id '\(g.ledgerID)' is not the chain '\(chain)'" }
        guard c == Self.genesisCommittee(replicas, reputation, operatorKey: operatorKey) else {
            return "its committee is not the replicas, reputation parameters and operator key of this file"
        }
        guard Set(g.signerKeys) == Set(publicKeys) else { return "its signer keys are not the replicas' keys" }
        return nil
    }
}
