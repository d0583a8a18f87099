import GridClearCore
import LedgerLite

/// The static description of one BFT committee (`cluster.json`): its chain id and epoch (the
/// signing domain of every message), the replicas (id 1…N, loopback or LAN address, Ed25519
/// public key) and the hash of the genesis block every replica starts from. Several
/// committees (shards, SPEC §7) are several cluster files with distinct chains; nothing here
/// is global.
///
///     { "format": "gridclear-cluster", "version": 1, "chain": "...", "epoch": 0,
///       "genesis": "<64 hex>", "replicas": [ {"id": 1, "address": "127.0.0.1:7101",
///       "public_key": "<64 hex>"}, ... ] }
public struct BFTCluster: Sendable, Equatable {
    public struct Member: Sendable, Equatable {
        /// 1…N on the command line; replica index = id − 1.
        public var id: Int
        public var host: String
        public var port: Int
        public var publicKey: [UInt8]
        public init(id: Int, host: String, port: Int, publicKey: [UInt8]) { self.id = id; self.host = host; self.port = port; self.publicKey = publicKey }
        public var address: String { "\(host):\(port)" }
    }

    public var chain: String
    public var epoch: UInt64
    public var genesisHash: [UInt8]
    public var members: [Member]

    public init(chain: String, epoch: UInt64, genesisHash: [UInt8], members: [Member]) {
        self.chain = chain; self.epoch = epoch; self.genesisHash = genesisHash; self.members = members
    }

    public var committeeID: CommitteeID { CommitteeID(chain: chain, epoch: epoch) }
    public func committee() throws -> Committee { try Committee(id: committeeID, keys: members.map(\.publicKey)) }
    public func member(id: Int) -> Member? { members.first { $0.id == id } }
    public func member(replica r: ReplicaID) -> Member? { member(id: Int(r) + 1) }

    public func json() -> String {
        var o = JSONWriter()
        o.add("format", "gridclear-cluster"); o.add("version", 1)
        o.add("chain", chain); o.add("epoch", Int64(epoch)); o.add("genesis", Hex.encode(genesisHash))
        let ms = members.map { m -> String in
            var x = JSONWriter()
            x.add("id", m.id); x.add("address", m.address); x.add("public_key", Hex.encode(m.publicKey))
            return "    " + x.renderCompact()
        }
        o.add("replicas", raw: "[\n" + ms.joined(separator: ",\n") + "\n  ]")
        return o.render() + "\n"
    }

    /// Parses `cluster.json`; errors name the file and the field.
    public static func parse(_ bytes: [UInt8], file: String) throws -> BFTCluster {
        func bad(_ m: String) -> BFTError { .cluster("\(file): \(m)") }
        let v: JSONReader.Value
        do { v = try JSONReader.parse(bytes) } catch { throw bad("not JSON (\(error))") }
        guard v["format"]?.string == "gridclear-cluster", v["version"]?.int64 == 1 else { throw bad("not a gridclear-cluster version 1 file") }
        guard let chain = v["chain"]?.string, !chain.isEmpty, chain.utf8.count <= 128 else { throw bad("'chain' must be a non-empty string") }
        guard let epoch = v["epoch"]?.uint64 else { throw bad("'epoch' must be a non-negative integer") }
        guard let g = v["genesis"]?.string.flatMap(Hex.decode), g.count == 32 else { throw bad("'genesis' must be 64 hex digits") }
        guard let rs = v["replicas"]?.array, (1...1024).contains(rs.count) else { throw bad("'replicas' must list 1…1024 replicas") }
        var members: [Member] = []
        for (i, r) in rs.enumerated() {
            guard let id = r["id"]?.int64, id == Int64(i + 1) else { throw bad("replica \(i + 1): 'id' must be \(i + 1) (ids are 1…N in order)") }
            guard let a = r["address"]?.string, let (h, p) = parseAddress(a) else { throw bad("replica \(id): 'address' must be HOST:PORT") }
            guard let k = r["public_key"]?.string.flatMap(Hex.decode), k.count == 32 else { throw bad("replica \(id): 'public_key' must be 64 hex digits") }
            members.append(Member(id: Int(id), host: h, port: p, publicKey: k))
        }
        let c = BFTCluster(chain: chain, epoch: epoch, genesisHash: g, members: members)
        do { _ = try c.committee() } catch { throw bad("\(error)") }
        return c
    }

    public static func parseAddress(_ a: String) -> (String, Int)? {
        guard let colon = a.lastIndex(of: ":") else { return nil }
        let h = String(a[..<colon]), ps = a[a.index(after: colon)...]
        guard !h.isEmpty, let p = Int(ps), (1...65535).contains(p) else { return nil }
        return (h, p)
    }

    /// The genesis block of a new committee: one `GenesisEntry` naming every replica key as a
    /// signer, signed by replica 1 (`node init` holds every key once, then writes it beside
    /// cluster.json as `genesis.block`; its hash goes into cluster.json).
    public static func genesisBlock(chain: String, keys: [NodeKey], createdMillis: Int64, maxEntriesPerBlock: UInt32) throws -> Block {
        let g = GenesisEntry(ledgerID: chain, createdMillis: createdMillis, signerKeys: keys.map(\.publicKey),
                             maxEntriesPerBlock: maxEntriesPerBlock, maxBatchMillis: 0)
        return try BlockBuilder.build(entries: [.genesis(g)], on: ChainState(), nowMillis: createdMillis, key: keys[0])
    }
}

/// Errors of the BFT node (configuration, ledger divergence, transport setup); each says what
/// to do.
public enum BFTError: Error, Sendable, CustomStringConvertible {
    case cluster(String)
    case state(String)
    case ledger(String)
    case transport(String)

    public var description: String {
        switch self {
        case .cluster(let m): return "cluster: \(m)"
        case .state(let m): return "replica state: \(m)"
        case .ledger(let m): return "ledger: \(m)"
        case .transport(let m): return "transport: \(m)"
        }
    }
}
