import GridClearCore
import EtcdClient

/// What `gridclear node status --mode etcd` shows: read in one consistent txn plus one
/// `Maintenance.Status` per endpoint. A member that does not answer is listed as such.
public struct EtcdClusterStatus: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var id: String
        public var publicKeyHex: String
        /// Height the node's ledger holds (nil: none recorded yet).
        public var applied: UInt64?
    }
    public struct Member: Sendable, Equatable {
        public var endpoint: String
        public var reachable: Bool
        public var dbSize: Int64
        public var dbSizeInUse: Int64
        public var isLeader: Bool
        public var version: String
    }
    public var leader: String?
    public var head: UInt64?
    public var revision: Int64
    public var nodes: [Node]
    public var members: [Member]
    /// Block records still held in etcd (not yet applied by every node) and their bytes.
    public var heldBlocks: Int
    public var heldBytes: Int
    public var failedCycles: [String]

    public static func read(client: EtcdClient, layout L: EtcdLayout) throws(EtcdError) -> EtcdClusterStatus {
        let t = try client.txn(TxnRequest(compare: [], success: [
            .range(RangeRequest(key: L.election)), .range(RangeRequest(key: L.head)),
            .range(RangeRequest.prefix(L.nodesPrefix)), .range(RangeRequest.prefix(L.appliedPrefix)),
            .range(RangeRequest.prefix(L.blockPrefix)), .range(RangeRequest.prefix(L.chunkPrefix)),
            .range(RangeRequest.prefix(L.failedPrefix, keysOnly: true)),
        ]))
        var applied: [String: UInt64] = [:]
        for kv in t.kvs(3) { if let n = L.suffix(of: kv.key, after: L.appliedPrefix), let h = EtcdLayout.height(kv.value) { applied[n] = h } }
        let nodes = t.kvs(2).compactMap { kv in L.suffix(of: kv.key, after: L.nodesPrefix).map { Node(id: $0, publicKeyHex: kv.valueString, applied: applied[$0]) } }
        var members: [Member] = []
        for ep in client.endpoints {
            let one = EtcdClient(endpoints: [ep], timeoutMillis: 1_000)
            if let s = try? one.status() {
                members.append(Member(endpoint: ep.description, reachable: true, dbSize: s.dbSize, dbSizeInUse: s.dbSizeInUse,
                                      isLeader: !s.leader.isEmpty && s.leader == s.header.memberID, version: s.version))
            } else {
                members.append(Member(endpoint: ep.description, reachable: false, dbSize: 0, dbSizeInUse: 0, isLeader: false, version: ""))
            }
        }
        return EtcdClusterStatus(leader: t.kvs(0).first?.valueString, head: t.kvs(1).first.flatMap { EtcdLayout.height($0.value) },
                                 revision: t.header.revision, nodes: nodes, members: members,
                                 heldBlocks: t.kvs(4).count, heldBytes: (t.kvs(4) + t.kvs(5)).reduce(0) { $0 + $1.value.count },
                                 failedCycles: t.kvs(6).compactMap { L.suffix(of: $0.key, after: L.failedPrefix) })
    }

    /// One JSON object (keys in fixed order).
    public func json() -> String {
        func opt(_ h: UInt64?) -> JSONValue { h.map { .number(String($0)) } ?? .null }
        let v = JSONValue.object([
            ("mode", .string("etcd")),
            ("leader", leader.map { .string($0) } ?? .null),
            ("head", opt(head)),
            ("revision", .number(String(revision))),
            ("nodes", .array(nodes.map { .object([("id", .string($0.id)), ("applied", opt($0.applied)), ("key", .string($0.publicKeyHex))]) })),
            ("members", .array(members.map { .object([("endpoint", .string($0.endpoint)), ("reachable", .bool($0.reachable)),
                                                      ("leader", .bool($0.isLeader)), ("db_size", .number(String($0.dbSize))),
                                                      ("db_size_in_use", .number(String($0.dbSizeInUse)))]) })),
            ("held_blocks", .number(String(heldBlocks))),
            ("held_bytes", .number(String(heldBytes))),
            ("failed_cycles", .array(failedCycles.map { .string($0) })),
        ])
        return v.rendered()
    }

    /// Human-readable lines.
    public func text() -> String {
        var out = "leader: \(leader ?? "none")\nhead: \(head.map(String.init) ?? "none")\netcd revision: \(revision)\n"
        out += "blocks held in etcd: \(heldBlocks) (\(heldBytes) bytes)\n"
        for n in nodes { out += "node \(n.id): applied \(n.applied.map(String.init) ?? "-")\n" }
        for m in members {
            out += m.reachable ? "etcd \(m.endpoint): \(m.isLeader ? "raft leader, " : "")db \(m.dbSize) bytes (\(m.dbSizeInUse) in use), v\(m.version)\n"
                               : "etcd \(m.endpoint): unreachable\n"
        }
        if !failedCycles.isEmpty { out += "failed cycles: \(failedCycles.joined(separator: ", "))\n" }
        return out
    }
}
