/// Where the etcd mode keeps its state in etcd, under one prefix (default `gridclear/`), so
/// that several ledgers can share one etcd cluster. Pure.
///
/// | key | value | written by |
/// | --- | --- | --- |
/// | `election` | leader node id, attached to its lease | the campaign txn |
/// | `head` | height of the newest committed block, 20 digits | the commit txn |
/// | `block/<h, 20 digits>` | `BlockRecord` (inline payload, or chunk index) | the commit txn |
/// | `chunk/<h>/<election rev>/<i, 6 digits>` | one ≤ 1 MiB piece of a large payload | the leader, before its commit txn |
/// | `nodes/<id>` | the node's Ed25519 public key, hex | each node, on first start |
/// | `applied/<id>` | height the node's ledger holds, 20 digits | each node, after each append |
/// | `failed/<cycle>` | why the leader could not clear that cycle | the leader |
///
/// Heights are zero-padded so that key order is height order (range reads return blocks in
/// order, and `[block/0, block/h)` is exactly the blocks below h).
public struct EtcdLayout: Sendable, Equatable {
    public let prefix: String
    public init(prefix: String = "gridclear/") {
        self.prefix = prefix.hasSuffix("/") || prefix.isEmpty ? prefix : prefix + "/"
    }

    public static func pad(_ h: UInt64, width: Int = 20) -> String {
        let s = String(h)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }

    public var election: [UInt8] { Array((prefix + "election").utf8) }
    public var head: [UInt8] { Array((prefix + "head").utf8) }
    public var blockPrefix: [UInt8] { Array((prefix + "block/").utf8) }
    public func block(_ h: UInt64) -> [UInt8] { Array((prefix + "block/" + EtcdLayout.pad(h)).utf8) }
    public var chunkPrefix: [UInt8] { Array((prefix + "chunk/").utf8) }
    public func chunkPrefix(_ h: UInt64, electionRevision: Int64) -> [UInt8] {
        Array((prefix + "chunk/" + EtcdLayout.pad(h) + "/" + String(electionRevision) + "/").utf8)
    }
    public func chunk(_ h: UInt64, electionRevision: Int64, index: Int) -> [UInt8] {
        chunkPrefix(h, electionRevision: electionRevision) + Array(EtcdLayout.pad(UInt64(index), width: 6).utf8)
    }
    /// The first chunk key of height `h` (everything below it belongs to lower heights).
    public func chunkFloor(_ h: UInt64) -> [UInt8] { Array((prefix + "chunk/" + EtcdLayout.pad(h)).utf8) }
    public var nodesPrefix: [UInt8] { Array((prefix + "nodes/").utf8) }
    public func node(_ id: String) -> [UInt8] { Array((prefix + "nodes/" + id).utf8) }
    public var appliedPrefix: [UInt8] { Array((prefix + "applied/").utf8) }
    public func applied(_ id: String) -> [UInt8] { Array((prefix + "applied/" + id).utf8) }
    public var failedPrefix: [UInt8] { Array((prefix + "failed/").utf8) }
    public func failed(_ cycle: String) -> [UInt8] { Array((prefix + "failed/" + cycle).utf8) }

    /// The id or cycle after a prefix (`nodes/3` → `3`).
    public func suffix(of key: [UInt8], after p: [UInt8]) -> String? {
        guard key.count >= p.count, Array(key[0..<p.count]) == p else { return nil }
        return String(decoding: key[p.count...], as: UTF8.self)
    }

    /// A height written as `pad(h)`.
    public static func height(_ bytes: [UInt8]) -> UInt64? { UInt64(String(decoding: bytes, as: UTF8.self)) }
}
