/// The right edge of an RFC 6962 tree (a compact range [0, size)): one hash per perfect
/// subtree, largest first. Appending a leaf and computing the root take O(log n), so the
/// cumulative tree over the whole ledger never needs all leaves in memory.
/// Guarantees: `root` equals `Merkle.root(allLeavesAppendedSoFar)`.
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64 = 0
    /// (subtree leaf count, hash), strictly decreasing counts, each a power of two.
    private var nodes: [(count: UInt64, hash: Merkle.Hash)] = []

    public init() {}

    public mutating func append(leafHash: Merkle.Hash) {
        var node = (count: UInt64(1), hash: leafHash)
        while let last = nodes.last, last.count == node.count {
            nodes.removeLast()
            node = (last.count * 2, Merkle.nodeHash(last.hash, node.hash))
        }
        nodes.append(node)
        size += 1
    }

    public var root: Merkle.Hash {
        guard var r = nodes.last?.hash else { return Merkle.emptyRoot }
        for n in nodes.dropLast().reversed() { r = Merkle.nodeHash(n.hash, r) }
        return r
    }

    public static func == (a: MerkleFrontier, b: MerkleFrontier) -> Bool {
        a.size == b.size && a.nodes.map(\.hash) == b.nodes.map(\.hash)
    }
}
