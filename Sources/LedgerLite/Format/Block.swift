import GridClearCore

/// The header of a block. Its canonical encoding is what the block hash covers and what the
/// node signs (through the hash). Guarantees: fixed size (`encodedSize` bytes), fixed order.
public struct BlockHeader: Sendable, Hashable {
    public static let currentVersion: UInt16 = 1
    public static let encodedSize = 2 + 8 + 32 + 8 + 4 + 32 + 8 + 32 + 32

    public var version: UInt16 = BlockHeader.currentVersion
    public var height: UInt64
    /// Hash of the previous block (32 zero bytes for the genesis block).
    public var previousHash: [UInt8]
    /// Time the block was cut, ms since the Unix epoch (UTC), supplied by the caller.
    public var timeMillis: Int64
    public var entryCount: UInt32
    /// RFC 6962 Merkle root over this block's entry leaves.
    public var entriesRoot: [UInt8]
    /// Number of entries in the ledger up to and including this block, and the RFC 6962
    /// root over all of them (the cumulative tree).
    public var treeSize: UInt64
    public var treeRoot: [UInt8]
    /// Ed25519 public key of the signer.
    public var signer: [UInt8]

    public init(height: UInt64, previousHash: [UInt8], timeMillis: Int64, entryCount: UInt32, entriesRoot: [UInt8],
                treeSize: UInt64, treeRoot: [UInt8], signer: [UInt8]) {
        self.height = height; self.previousHash = previousHash; self.timeMillis = timeMillis; self.entryCount = entryCount
        self.entriesRoot = entriesRoot; self.treeSize = treeSize; self.treeRoot = treeRoot; self.signer = signer
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u16(version); w.u64(height); w.raw(previousHash); w.i64(timeMillis); w.u32(entryCount)
        w.raw(entriesRoot); w.u64(treeSize); w.raw(treeRoot); w.raw(signer)
        return w.bytes
    }

    public static func decode(from r: inout ByteReader) throws -> BlockHeader {
        let vAt = r.position
        let v = try r.u16()
        guard v == currentVersion else { throw DecodeError.badTag(at: vAt, tag: UInt8(truncatingIfNeeded: v), what: "block version") }
        var h = BlockHeader(height: try r.u64(), previousHash: try r.raw(32), timeMillis: try r.i64(), entryCount: try r.u32(),
                            entriesRoot: try r.raw(32), treeSize: try r.u64(), treeRoot: try r.raw(32), signer: try r.raw(32))
        h.version = v
        return h
    }
}

/// A block: header, entries (stored form) and the Ed25519 signature over the block hash.
/// Payload encoding: header | entryCount × (u32 length | entry bytes) | signature (64 bytes).
public struct Block: Sendable, Hashable {
    public var header: BlockHeader
    public var entries: [LedgerEntry]
    public var signature: [UInt8]
    public init(header: BlockHeader, entries: [LedgerEntry], signature: [UInt8]) {
        self.header = header; self.entries = entries; self.signature = signature
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.raw(header.encoded())
        for e in entries { w.blob(e.encoded()) }
        w.raw(signature)
        return w.bytes
    }

    /// Decodes a block payload. Offsets in errors are relative to the payload start.
    public static func decode(_ payload: [UInt8]) throws -> Block {
        var r = ByteReader(payload, cap: RecordFrame.maxPayload)
        let header = try BlockHeader.decode(from: &r)
        var entries: [LedgerEntry] = []
        // Each entry needs at least its 4-byte length: bound the count before allocating.
        guard Int(header.entryCount) <= r.remaining / 4 else {
            throw DecodeError.lengthOverCap(at: 2 + 8 + 32 + 8, length: Int(header.entryCount), cap: r.remaining / 4)
        }
        for _ in 0..<header.entryCount {
            let at = r.position
            let bytes = try r.blob()
            do { entries.append(try LedgerEntry.decode(bytes)) } catch let e as DecodeError {
                throw DecodeError.nonCanonical(at: at + 4 + e.offset, what: "entry (\(e))")
            }
        }
        let sig = try r.raw(64)
        try r.finish()
        return Block(header: header, entries: entries, signature: sig)
    }
}
