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
///
/// A block read from a ledger (`decode`) or built by `BlockBuilder` also carries its entries'
/// Merkle leaf hashes, computed from the stored entry bytes while decoding or encoding them,
/// so that the chain check (`ChainVerifier`) hashes no entry a second time; a block its own
/// builder signed carries its payload and says so (`seal`). Both are dropped by any change of
/// `header`, `entries`, `signature` or `format` (`didSet`): what is carried always describes
/// the value as it is. Equality and hashing ignore them.
public struct Block: Sendable, Hashable {
    public var header: BlockHeader { didSet { seal = nil } }
    public var entries: [LedgerEntry] { didSet { seal = nil; storedLeaves = nil } }
    public var signature: [UInt8] { didSet { seal = nil } }
    /// The ledger format the block belongs to (its hashes and its cleared cycles' encoding).
    public var format: LedgerFormat { didSet { seal = nil; storedLeaves = nil } }
    /// The leaf hashes of `entries` under `format`, from the stored bytes (nil: not known).
    private(set) var storedLeaves: [Merkle.Hash]?
    /// Set only by `BlockBuilder`: what it derived this very header from (see `Seal`).
    private(set) var seal: Seal?

    /// What `BlockBuilder` knows about a block it built and signed: the payload it encoded; the
    /// cumulative tree it extended (`base`) and the tree after this block's leaves (`tree`),
    /// from which it took `treeSize`/`treeRoot`; `entriesRoot` is the root of the carried
    /// leaves; the signature is its own, over this header's hash, by the key named as signer.
    struct Seal: Sendable {
        var payload: [UInt8]
        var base: MerkleFrontier
        var tree: MerkleFrontier
    }

    public init(header: BlockHeader, entries: [LedgerEntry], signature: [UInt8], format: LedgerFormat = .current) {
        self.header = header; self.entries = entries; self.signature = signature; self.format = format
    }

    /// The block hash (chains blocks; what signatures and certificates cover).
    public var hash: [UInt8] { LedgerHash.blockHash(header, format: format) }

    /// The leaf hashes of the entries: carried from the stored bytes when known, else computed.
    public var leafHashes: [Merkle.Hash] { storedLeaves ?? entries.map { $0.leafHash(format: format) } }

    public static func == (a: Block, b: Block) -> Bool {
        a.header == b.header && a.entries == b.entries && a.signature == b.signature && a.format == b.format
    }
    public func hash(into h: inout Hasher) { h.combine(header); h.combine(entries); h.combine(signature); h.combine(format) }

    public func encoded() -> [UInt8] {
        if let seal { return seal.payload }
        return Self.encode(header: header, entryBytes: entries.map { $0.encoded(format: format) }, signature: signature)
    }

    static func encode(header: BlockHeader, entryBytes: [[UInt8]], signature: [UInt8]) -> [UInt8] {
        var w = ByteWriter(reservingCapacity: BlockHeader.encodedSize + entryBytes.reduce(0) { $0 + 4 + $1.count } + signature.count)
        w.raw(header.encoded())
        for e in entryBytes { w.blob(e) }
        w.raw(signature)
        return w.bytes
    }

    /// A block `BlockBuilder` has just encoded and signed: entries encoded once, their leaves
    /// hashed from those very bytes, the payload kept.
    static func sealed(header: BlockHeader, entries: [LedgerEntry], entryBytes: [[UInt8]], leaves: [Merkle.Hash], signature: [UInt8],
                       base: MerkleFrontier, tree: MerkleFrontier) -> Block {
        var b = Block(header: header, entries: entries, signature: signature, format: .current)
        b.storedLeaves = leaves
        b.seal = Seal(payload: encode(header: header, entryBytes: entryBytes, signature: signature), base: base, tree: tree)
        return b
    }

    /// Decodes a block payload of `format`. Offsets in errors are relative to the payload start.
    public static func decode(_ payload: [UInt8], format: LedgerFormat = .current) throws -> Block {
        var entries: [LedgerEntry] = [], leaves: [Merkle.Hash] = []
        let (header, sig) = try walk(payload) { bytes in
            let (e, leaf) = try LedgerEntry.decodeStored(bytes, format: format)
            entries.append(e); leaves.append(leaf)
        }
        var b = Block(header: header, entries: entries, signature: sig, format: format)
        b.storedLeaves = leaves
        return b
    }

    /// The one reader of the payload framing (`decode` and `BlockFacts.decode`): the header,
    /// `entryCount` length-prefixed entries (each handed to `entry`; its errors are reported at
    /// their payload offset), the signature, nothing after.
    static func walk(_ payload: [UInt8], entry: ([UInt8]) throws -> Void) throws -> (BlockHeader, [UInt8]) {
        var r = ByteReader(payload, cap: RecordFrame.maxPayload)
        let header = try BlockHeader.decode(from: &r)
        // Each entry needs at least its 4-byte length: bound the count before allocating.
        guard Int(header.entryCount) <= r.remaining / 4 else {
            throw DecodeError.lengthOverCap(at: 2 + 8 + 32 + 8, length: Int(header.entryCount), cap: r.remaining / 4)
        }
        for _ in 0..<header.entryCount {
            let at = r.position
            let bytes = try r.blob()
            do { try entry(bytes) } catch let e as DecodeError {
                throw DecodeError.nonCanonical(at: at + 4 + e.offset, what: "entry (\(e))")
            }
        }
        let sig = try r.raw(64)
        try r.finish()
        return (header, sig)
    }
}
