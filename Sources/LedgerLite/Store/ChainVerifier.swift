import GridClearCore

/// A problem found in a ledger: where (absolute byte offset in `blocks.gcl`, and the block
/// height when known) and what. This is what `audit` prints for the first bad record.
public struct LedgerFault: Error, CustomStringConvertible, Sendable, Equatable {
    public var offset: Int
    public var height: UInt64?
    public var message: String
    public init(offset: Int, height: UInt64?, _ message: String) { self.offset = offset; self.height = height; self.message = message }
    public var description: String {
        "offset \(offset)\(height.map { " (block \($0))" } ?? ""): \(message)"
    }
}

/// Everything known about a chain after applying its blocks in order.
public struct ChainState: Sendable {
    public var lastHeight: UInt64?
    public var lastHash: [UInt8] = Array(repeating: 0, count: 32)
    public var firstTimeMillis: Int64?
    public var lastTimeMillis: Int64 = Int64.min
    public var frontier = MerkleFrontier()
    public var genesis: GenesisEntry?
    /// The format of every block (the genesis block's; nil before it).
    public var format: LedgerFormat?
    /// Cycle id → height of the block that records it.
    public var cycles: [String: UInt64] = [:]
    /// Cycle id → height of the first block holding a settlement entry of that cycle (what a
    /// settlement re-run checks, so a cycle's settlement is recorded once).
    public var settledCycles: [String: UInt64] = [:]
    /// Cycle id → height of the first block recording the cycle as rejected.
    public var rejectedCycles: [String: UInt64] = [:]
    /// Keys named by roster changes (tag 7) of a replicated ledger: they may propose (sign)
    /// blocks besides the genesis signers. Which committee must certify a block is checked by
    /// `Membership` (certificates), not here.
    public var rosterKeys: Set<[UInt8]> = []
    public var blockCount = 0
    public var entryCount = 0
    /// Byte offset just past the last applied block.
    public var endOffset = 0
    public init() {}
    public var nextHeight: UInt64 { lastHeight.map { $0 + 1 } ?? 0 }

    /// Test builds: checks that the fields agree with each other (swift-collections'
    /// `_checkInvariants` style); release builds compile this to nothing.
    @inline(__always)
    public func _checkInvariants() {
        #if DEBUG
        precondition(UInt64(blockCount) == nextHeight, "chain state: \(blockCount) blocks but next height \(nextHeight)")
        precondition((genesis != nil) == (blockCount > 0), "chain state: genesis present iff a block was applied")
        precondition((format != nil) == (blockCount > 0), "chain state: format known iff a block was applied")
        precondition(lastHeight != nil || lastHash == Array(repeating: 0, count: 32), "chain state: an empty chain has the zero head hash")
        precondition(lastHash.count == 32, "chain state: head hash is \(lastHash.count) bytes")
        precondition(frontier.size == UInt64(entryCount), "chain state: tree size \(frontier.size) != \(entryCount) entries")
        precondition((endOffset == 0) == (blockCount == 0), "chain state: end offset \(endOffset) with \(blockCount) blocks")
        precondition(blockCount == 0 || (firstTimeMillis ?? .max) <= lastTimeMillis, "chain state: block times go backwards")
        precondition(cycles.values.allSatisfy { $0 <= (lastHeight ?? 0) && $0 > 0 }, "chain state: a cycle recorded above the head")
        precondition(settledCycles.values.allSatisfy { $0 <= (lastHeight ?? 0) && $0 > 0 }, "chain state: a settlement recorded above the head")
        #endif
    }
}

/// Field offsets inside a block payload, for precise fault reports.
enum BlockField {
    static let height = 2, previousHash = 10, time = 42, entryCount = 50, entriesRoot = 54,
               treeSize = 86, treeRoot = 94, signer = 126, entries = 158
}

/// Applies blocks one at a time and checks every rule of SPEC §6: heights, the hash chain,
/// times, Merkle roots (block and cumulative), signatures against the trusted keys (the
/// genesis block's keys unless `trusted` is given), one format for the whole chain, and that no
/// cycle is recorded twice. Pure: no I/O. Guarantees: `state` only changes when a block passes
/// every check.
///
/// Each entry is hashed once: the leaves are the ones the block carries from its stored bytes
/// (`Block.leafHashes`, set by `Block.decode` and `BlockBuilder` and dropped by any change of
/// the block). A block `BlockBuilder` signed in this process (`Block.seal`, likewise dropped by
/// any change) on exactly the current tree is not recomputed: its roots were derived from the
/// carried leaves and that tree, and its signature was made over exactly this header's hash by
/// the key it names (the header's height, previous hash, time, signer, size and the chain rules
/// are still checked). Debug builds recompute everything and verify every signature anyway.
public struct ChainVerifier: Sendable {
    public private(set) var state = ChainState()
    public let trusted: TrustedKeys?

    public init(trusted: TrustedKeys? = nil) { self.trusted = trusted }

    /// Checks `block` (found at record `offset`, `payloadOffset` bytes into which its payload
    /// starts) and, if valid, extends the state.
    @discardableResult
    public mutating func apply(_ block: Block, recordOffset offset: Int, recordEnd: Int) throws -> Applied {
        #if DEBUG
        precondition(block.leafHashes == block.entries.map { $0.leafHash(format: block.format) }, "block \(block.header.height): carried leaf hashes differ from the entries'")
        #endif
        return try apply(block.facts, recordOffset: offset, recordEnd: recordEnd)
    }

    /// `apply` on what the rules need of a block (`BlockFacts`: from a `Block`, or read from
    /// a stored payload without making its entries into values).
    @discardableResult
    mutating func apply(_ block: BlockFacts, recordOffset offset: Int, recordEnd: Int) throws -> Applied {
        let p = offset + RecordFrame.headerSize
        let h = block.header
        func fault(_ field: Int, _ m: String) -> LedgerFault { LedgerFault(offset: p + field, height: h.height, m) }
        guard h.height == state.nextHeight else {
            throw fault(BlockField.height, "height \(h.height), expected \(state.nextHeight)")
        }
        guard h.previousHash == state.lastHash else {
            throw fault(BlockField.previousHash, "previous-block hash does not match block \(state.lastHeight.map(String.init) ?? "-")")
        }
        guard h.timeMillis >= state.lastTimeMillis else {
            throw fault(BlockField.time, "time \(h.timeMillis) ms is before the previous block's \(state.lastTimeMillis) ms")
        }
        guard h.entryCount > 0 else { throw fault(BlockField.entryCount, "block has no entries") }
        if let f = state.format, f != block.format {
            throw LedgerFault(offset: offset + 4, height: h.height, "a record of \(block.format) in a ledger of \(f)")
        }
        var genesis = state.genesis
        if h.height == 0 {
            guard block.entries.count == 1, case .genesis(let g) = block.entries[0] else {
                throw fault(BlockField.entries, "the genesis block must hold exactly one genesis entry")
            }
            guard !g.signerKeys.isEmpty else { throw fault(BlockField.entries, "the genesis entry names no signer keys") }
            genesis = g
        } else if block.entries.contains(where: { $0.tag == .genesis }) {
            throw fault(BlockField.entries, "a genesis entry outside block 0")
        }
        let leaves = block.leafHashes
        // A block this process built on exactly this tree: its roots were derived from these
        // leaves and this tree by the builder (`Block.Seal`); anything else is recomputed.
        #if DEBUG
        let sealed: Block.Seal? = nil
        #else
        let sealed = block.seal.flatMap { $0.base == state.frontier ? $0 : nil }
        #endif
        var frontier: MerkleFrontier
        if let sealed {
            frontier = sealed.tree
        } else {
            guard Merkle.root(leaves) == h.entriesRoot else {
                throw fault(BlockField.entriesRoot, "Merkle root of the block's entries does not match")
            }
            frontier = state.frontier
            for l in leaves { frontier.append(leafHash: l) }
        }
        guard h.treeSize == frontier.size else {
            throw fault(BlockField.treeSize, "cumulative tree size \(h.treeSize), expected \(frontier.size)")
        }
        if sealed == nil { guard frontier.root == h.treeRoot else { throw fault(BlockField.treeRoot, "cumulative tree root does not match") } }
        let keys = trusted?.keys ?? Set(genesis?.signerKeys ?? []).union(genesis?.committee == nil ? [] : state.rosterKeys)
        guard keys.contains(h.signer) else {
            throw fault(BlockField.signer, "signer \(Hex.encode(h.signer).prefix(16))… is not a trusted key")
        }
        let hash = block.hash
        let sigAt = recordEnd - RecordFrame.trailerSize - 64 - p
        if sealed == nil {
            guard NodeKey.verify(signature: block.signature, message: LedgerHash.signingMessage(blockHash: hash, format: block.format), publicKey: h.signer) else {
                throw fault(sigAt, "Ed25519 signature does not verify")
            }
        }
        // Check everything before changing anything; then change the state in place (no copy
        // of the cycle maps per block: appends stay O(block), not O(ledger)).
        var inBlock: Set<String> = []
        for e in block.entries {
            if case .clearedCycle(let id) = e {
                if let prior = state.cycles[id] ?? (inBlock.contains(id) ? h.height : nil) {
                    throw fault(BlockField.entries, "cycle \(id) is recorded again (first at block \(prior))")
                }
                inBlock.insert(id)
            }
        }
        var applied = Applied(lastHeight: state.lastHeight, lastHash: state.lastHash, firstTimeMillis: state.firstTimeMillis,
                              lastTimeMillis: state.lastTimeMillis, frontier: state.frontier, genesis: state.genesis,
                              endOffset: state.endOffset, entries: block.entries.count, rosterKeys: state.rosterKeys, format: state.format)
        for e in block.entries {
            if case .clearedCycle(let id) = e {
                state.cycles[id] = h.height
                applied.cycles.append(id)
            } else if case .settlement(let id) = e, state.settledCycles[id] == nil {
                state.settledCycles[id] = h.height
                applied.settled.append(id)
            } else if case .rejectedCycle(let id) = e, state.rejectedCycles[id] == nil {
                state.rejectedCycles[id] = h.height
                applied.rejected.append(id)
            }
        }
        state.lastHeight = h.height
        state.lastHash = hash
        if state.firstTimeMillis == nil { state.firstTimeMillis = h.timeMillis }
        state.lastTimeMillis = h.timeMillis
        state.frontier = frontier
        state.genesis = genesis
        state.format = block.format
        state.blockCount += 1
        state.entryCount += block.entries.count
        state.endOffset = recordEnd
        for case .membership(let m) in block.entries { state.rosterKeys.formUnion(m.roster.map(\.publicKey)) }  // BFT roster (tag 7)
        state._checkInvariants()
        return applied
    }

    /// What one `apply` changed, so that the block can be taken back out (`revert`) without
    /// keeping a copy of the whole state (the store verifies a batch, then writes it).
    public struct Applied: Sendable {
        var lastHeight: UInt64?
        var lastHash: [UInt8]
        var firstTimeMillis: Int64?
        var lastTimeMillis: Int64
        var frontier: MerkleFrontier
        var genesis: GenesisEntry?
        var endOffset: Int
        var entries: Int
        var rosterKeys: Set<[UInt8]>
        var format: LedgerFormat?
        var cycles: [String] = [], settled: [String] = [], rejected: [String] = []
    }

    /// Undoes the last `apply` (pass the `Applied`s of several in reverse order).
    public mutating func revert(_ a: Applied) {
        for c in a.cycles { state.cycles[c] = nil }
        for c in a.settled { state.settledCycles[c] = nil }
        for c in a.rejected { state.rejectedCycles[c] = nil }
        state.lastHeight = a.lastHeight; state.lastHash = a.lastHash
        state.firstTimeMillis = a.firstTimeMillis; state.lastTimeMillis = a.lastTimeMillis
        state.frontier = a.frontier; state.genesis = a.genesis; state.endOffset = a.endOffset
        state.rosterKeys = a.rosterKeys; state.format = a.format
        state.blockCount -= 1; state.entryCount -= a.entries
        state._checkInvariants()
    }
}
