import GridClearCore

/// What the chain rules (`ChainVerifier`) need of a block: header, format, signature, the
/// entries' leaf hashes and what each entry means to the chain — without the entries as values.
/// From a `Block` (`Block.facts`), or straight from a stored payload (`decode`), which checks
/// every byte exactly as `Block.decode` does (the same readers: `Block.walk`, `StoredCycle`,
/// `LedgerEntry.decodeStored`) but makes no strings of a version-3 cleared cycle's fields:
/// what a plain audit reads.
struct BlockFacts: Sendable {
    /// An entry as the chain rules see it.
    enum Entry: Sendable {
        case genesis(GenesisEntry)
        case clearedCycle(String)
        case settlement(String)
        case rejectedCycle(String)
        case membership(MembershipEntry)
        case other(LedgerEntry.Tag)

        var tag: LedgerEntry.Tag {
            switch self {
            case .genesis: return .genesis
            case .clearedCycle: return .clearedCycle
            case .settlement: return .settlement
            case .rejectedCycle: return .rejectedCycle
            case .membership: return .membership
            case .other(let t): return t
            }
        }
    }

    var header: BlockHeader
    var format: LedgerFormat
    var signature: [UInt8]
    var leafHashes: [Merkle.Hash]
    var entries: [Entry]
    /// The builder's seal (`Block.Seal`), for blocks built in this process.
    var seal: Block.Seal?

    var hash: [UInt8] { LedgerHash.blockHash(header, format: format) }

    /// The facts of a stored payload of `format`; throws what `Block.decode` throws.
    static func decode(_ payload: [UInt8], format: LedgerFormat) throws -> BlockFacts {
        var entries: [Entry] = [], leaves: [Merkle.Hash] = []
        let (header, sig) = try Block.walk(payload) { bytes in
            if format == .v3, bytes.first == LedgerEntry.Tag.clearedCycle.rawValue {
                var r = ByteReader(bytes)
                _ = try r.u8()
                let c = try StoredCycle.walk(&r)
                entries.append(.clearedCycle(c.cycleID)); leaves.append(Merkle.leafHash(c.commitment.encoded()))
            } else {
                let (e, leaf) = try LedgerEntry.decodeStored(bytes, format: format)
                entries.append(e.fact); leaves.append(leaf)
            }
        }
        return BlockFacts(header: header, format: format, signature: sig, leafHashes: leaves, entries: entries, seal: nil)
    }
}

extension LedgerEntry {
    var fact: BlockFacts.Entry {
        switch self {
        case .genesis(let g): return .genesis(g)
        case .clearedCycle(let c): return .clearedCycle(c.cycleID)
        case .settlement(let s): return .settlement(s.cycleID)
        case .rejectedCycle(let r): return .rejectedCycle(r.cycleID)
        case .membership(let m): return .membership(m)
        default: return .other(tag)
        }
    }
}

extension Block {
    var facts: BlockFacts {
        BlockFacts(header: header, format: format, signature: signature, leafHashes: leafHashes, entries: entries.map(\.fact), seal: seal)
    }
}
