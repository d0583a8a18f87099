import GridClearCore

/// Orders entries into blocks and commits them. The embedded single-node orderer is the
/// default; a replicated orderer (SPEC §7) implements the same protocol by proposing batches
/// to its committee and committing the blocks the committee certifies, through the same
/// `LedgerStore.append`. Guarantees of every orderer: a submitted batch is committed whole
/// in one block or not at all; `submit`/`tick`/`flush` return only committed (durable) blocks.
public protocol Orderer: AnyObject {
    var state: ChainState { get }
    /// Entries accepted but not yet in a committed block.
    var pending: [LedgerEntry] { get }
    func submit(_ batch: [LedgerEntry], nowMillis: Int64) throws -> [BlockHeader]
    func tick(nowMillis: Int64) throws -> [BlockHeader]
    func flush(nowMillis: Int64) throws -> [BlockHeader]
}

extension Orderer {
    /// The height of the block recording `cycleID`, or nil (pending entries count as absent:
    /// they are not durable yet).
    public func recordedHeight(ofCycle cycleID: String) -> UInt64? { state.cycles[cycleID] }
    /// True when the cycle is committed or waiting in the pending block.
    public func holds(cycle cycleID: String) -> Bool {
        state.cycles[cycleID] != nil || pending.contains { if case .clearedCycle(let c) = $0 { return c.cycleID == cycleID }; return false }
    }
}

/// Block-cutting settings (MMC, MBT).
public struct CuttingConfig: Sendable, Equatable {
    public var maxEntriesPerBlock: Int
    public var maxBatchMillis: Int64
    public init(maxEntriesPerBlock: Int = 16, maxBatchMillis: Int64 = 2_000) {
        self.maxEntriesPerBlock = maxEntriesPerBlock; self.maxBatchMillis = maxBatchMillis
    }
}

/// The embedded single-node orderer: cuts blocks locally, signs them with the node key and
/// appends them to the store. Creates the genesis block (recording the node key and the
/// cutting settings) when the ledger is empty.
public final class EmbeddedOrderer: Orderer {
    public let store: LedgerStore
    let key: NodeKey
    var cutter: BlockCutter

    /// Opens the orderer over `store`. Empty ledger: writes the genesis block at `nowMillis`
    /// with `ledgerID`. Non-empty: the node key must be one of the genesis signers, and the
    /// cutting settings default to the genesis ones unless `cutting` is given.
    public init(store: LedgerStore, key: NodeKey, nowMillis: Int64, ledgerID: String, cutting: CuttingConfig? = nil) throws {
        self.store = store; self.key = key
        if let g = store.state.genesis {
            guard g.signerKeys.contains(key.publicKey) else {
                throw LedgerError.notASigner(key: key.publicKey, signers: g.signerKeys)
            }
            let c = cutting ?? CuttingConfig(maxEntriesPerBlock: Int(g.maxEntriesPerBlock), maxBatchMillis: Int64(g.maxBatchMillis))
            cutter = BlockCutter(maxEntries: c.maxEntriesPerBlock, maxBatchMillis: c.maxBatchMillis)
        } else {
            let c = cutting ?? CuttingConfig()
            cutter = BlockCutter(maxEntries: c.maxEntriesPerBlock, maxBatchMillis: c.maxBatchMillis)
            let g = GenesisEntry(ledgerID: ledgerID, createdMillis: nowMillis, signerKeys: [key.publicKey],
                                 maxEntriesPerBlock: UInt32(c.maxEntriesPerBlock), maxBatchMillis: UInt64(c.maxBatchMillis))
            try store.append([try BlockBuilder.build(entries: [.genesis(g)], on: store.state, nowMillis: nowMillis, key: key)])
        }
    }

    public var state: ChainState { store.state }
    public var pending: [LedgerEntry] { cutter.pending }

    public func submit(_ batch: [LedgerEntry], nowMillis: Int64) throws -> [BlockHeader] {
        try commit(cutter.submit(batch, nowMillis: nowMillis), nowMillis)
    }
    public func tick(nowMillis: Int64) throws -> [BlockHeader] { try commit(cutter.tick(nowMillis: nowMillis), nowMillis) }
    public func flush(nowMillis: Int64) throws -> [BlockHeader] { try commit(cutter.flush(), nowMillis) }

    /// Signs the cut blocks and appends them with a single fsync.
    private func commit(_ lists: [[LedgerEntry]], _ now: Int64) throws -> [BlockHeader] {
        guard !lists.isEmpty else { return [] }
        let blocks = try build(lists, now)
        try store.append(blocks)  // re-verifies every chain rule before writing
        return blocks.map(\.header)
    }

    /// Signs the blocks in order. Its own function so that the working copy of the chain
    /// state is gone before `append` updates the store's state in place.
    private func build(_ lists: [[LedgerEntry]], _ now: Int64) throws -> [Block] {
        var blocks: [Block] = []
        var st = store.state
        for l in lists {
            let b = try BlockBuilder.build(entries: l, on: st, nowMillis: now, key: key)
            blocks.append(b)
            if blocks.count < lists.count {
                st.lastHeight = b.header.height
                st.lastHash = b.hash
                st.lastTimeMillis = b.header.timeMillis
                for leaf in b.leafHashes { st.frontier.append(leafHash: leaf) }
            }
        }
        return blocks
    }
}
