/// Builds and signs the next block on top of a chain state, in the current format. Pure apart
/// from the signature (Ed25519 signing in swift-crypto is randomised-hedged on some platforms;
/// verification is what matters and is deterministic). Time never goes backwards: the block
/// time is `max(nowMillis, previous block time)`. Each entry is encoded once and its leaf is
/// hashed from those bytes; the block carries both (`Block.sealed`), so the store writes the
/// payload as built and its chain check reuses the leaves and trusts its own signature.
public enum BlockBuilder {
    public static func build(entries: [LedgerEntry], on state: ChainState, nowMillis: Int64, key: NodeKey) throws -> Block {
        precondition(!entries.isEmpty, "a block needs at least one entry")
        let bytes = entries.map { $0.encoded(format: .current) }
        var leaves: [Merkle.Hash] = []
        leaves.reserveCapacity(entries.count)
        for (e, b) in zip(entries, bytes) { leaves.append(e.leafHash(stored: b, format: .current)) }
        var frontier = state.frontier
        for l in leaves { frontier.append(leafHash: l) }
        let header = BlockHeader(height: state.nextHeight, previousHash: state.lastHash,
                                 timeMillis: max(nowMillis, state.lastTimeMillis),
                                 entryCount: UInt32(entries.count), entriesRoot: Merkle.root(leaves),
                                 treeSize: frontier.size, treeRoot: frontier.root, signer: key.publicKey)
        let sig = try key.sign(LedgerHash.signingMessage(blockHash: LedgerHash.blockHash(header)))
        return Block.sealed(header: header, entries: entries, entryBytes: bytes, leaves: leaves, signature: sig, base: state.frontier, tree: frontier)
    }
}

/// Block cutting (seed 003 §2.4): a block closes when it holds `maxEntries` entries (MMC)
/// or `maxBatchMillis` (MBT) have passed since its first pending entry. A submitted batch is
/// never split across blocks (a cleared cycle lands whole or not at all); a batch larger
/// than MMC gets a block of its own. Pure: time is passed in.
public struct BlockCutter: Sendable {
    public var maxEntries: Int
    public var maxBatchMillis: Int64
    public private(set) var pending: [LedgerEntry] = []
    public private(set) var firstPendingMillis: Int64?

    public init(maxEntries: Int, maxBatchMillis: Int64) {
        self.maxEntries = max(1, maxEntries); self.maxBatchMillis = max(0, maxBatchMillis)
    }

    /// Adds a batch; returns the blocks (entry lists) that are now complete.
    public mutating func submit(_ batch: [LedgerEntry], nowMillis: Int64) -> [[LedgerEntry]] {
        var out: [[LedgerEntry]] = []
        if !pending.isEmpty && pending.count + batch.count > maxEntries { out.append(take()) }
        if pending.isEmpty { firstPendingMillis = nowMillis }
        pending += batch
        if pending.count >= maxEntries { out.append(take()) }
        out += tick(nowMillis: nowMillis)
        return out
    }

    /// The pending block if MBT has passed.
    public mutating func tick(nowMillis: Int64) -> [[LedgerEntry]] {
        guard let f = firstPendingMillis, !pending.isEmpty, nowMillis - f >= maxBatchMillis else { return [] }
        return [take()]
    }

    /// Everything pending, now (shutdown, one-shot commands).
    public mutating func flush() -> [[LedgerEntry]] { pending.isEmpty ? [] : [take()] }

    /// When the pending block must be cut at the latest.
    public var deadlineMillis: Int64? { firstPendingMillis.map { $0 + maxBatchMillis } }

    private mutating func take() -> [LedgerEntry] {
        defer { pending = []; firstPendingMillis = nil }
        return pending
    }
}
