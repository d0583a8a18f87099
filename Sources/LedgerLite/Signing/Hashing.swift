import GridClearCore

/// Domain-separated SHA-256 for everything the ledger hashes besides Merkle nodes.
/// Each purpose has its own NUL-terminated label that also names the format version
/// (`GridClear/ledger/v3/block-header`), so a digest of one kind or one version can never be
/// replayed as another. Guarantees: stable across machines; the version-less functions mean
/// `LedgerFormat.current`.
public enum LedgerHash {
    public static let blockLabel = LedgerFormat.current.label("block-header")
    public static let signatureLabel = LedgerFormat.current.label("block-signature")
    public static let inputsLabel = LedgerFormat.current.label("cycle-inputs")
    public static let summaryLabel = LedgerFormat.current.label("summary-json")
    /// Version 2 only: the digest of the rendered `trades.csv` (version 3 commits to the
    /// trade table through its header, row count and row tree alone).
    public static let tradesLabelV2 = LedgerFormat.v2.label("trades-csv")

    public static func digest(_ label: String, _ bytes: [UInt8]) -> [UInt8] { digest(label, bytes[...]) }

    /// `SHA-256(label ‖ 0x00 ‖ bytes)`, hashing `bytes` in place (no copy of a slice).
    public static func digest(_ label: String, _ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var h = Sha256()
        var l = label
        l.withUTF8 { h.update(UnsafeRawBufferPointer($0)) }
        h.update(byte: 0)
        h.update(bytes)
        return h.finalize()
    }

    /// Version 2: `digest(v2 cycle-inputs, u32 count ‖ (u32 len ‖ name ‖ u32 len ‖ bytes)…)`,
    /// hashed piece by piece from the decoded files. (Version 3 hashes the same bytes as they
    /// are stored: `CycleCommitment.v3`.)
    static func inputsDigestV2(_ inputs: [InputFile]) -> [UInt8] {
        var h = Sha256()
        h.update(Array(LedgerFormat.v2.label("cycle-inputs").utf8) + [0])
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian) { h.update($0) } }
        u32(inputs.count)
        for f in inputs {
            let name = Array(f.name.utf8)
            u32(name.count); h.update(name)
            u32(f.bytes.count); h.update(f.bytes)
        }
        return h.finalize()
    }

    /// The hash that chains blocks and that signatures cover.
    public static func blockHash(_ header: BlockHeader, format: LedgerFormat = .current) -> [UInt8] {
        digest(format.label("block-header"), header.encoded())
    }

    /// The message an Ed25519 signer signs for a block.
    public static func signingMessage(blockHash: [UInt8], format: LedgerFormat = .current) -> [UInt8] {
        Array(format.label("block-signature").utf8) + [0] + blockHash
    }
}

/// What the Merkle tree commits to for a cleared cycle: small fields in full, the large
/// ones (raw inputs, summary) by digest, the trades by the header row, the row count and an
/// RFC 6962 root over the rows so a single trade can be proved. Its encoding is the leaf data
/// of the cycle's entry.
///
/// Version 3 (`v3`): computed over the stored bytes of the entry in one pass — the inputs
/// section as stored, each stored row encoding (a row's leaf is `Merkle.leafHash` of exactly
/// those bytes), the summary as stored; no `trades.csv` digest (the rendering is a function of
/// the table, which the header, count and root already bind). Version 2: from the decoded
/// entry, with the digest of the rendered `trades.csv` (`tradesDigest`).
public struct CycleCommitment: Sendable, Hashable {
    public var format: LedgerFormat
    public var cycleID: String
    public var mechanism: String
    public var solver: String
    public var seed: UInt64
    public var inputsDigest: [UInt8]
    public var tradesHeader: [UInt8]
    public var tradeCount: UInt32
    public var tradesRoot: [UInt8]
    /// Version 2 only (nil in version 3).
    public var tradesDigest: [UInt8]?
    public var summaryDigest: [UInt8]

    /// The commitment of `c` as the ledger of `format` stores it. Version 3 produces the same
    /// bytes the entry encoding stores (`TradeTable.rowEncoding`, the inputs section) and hashes
    /// them through `v3`, the one rule the decoder applies to stored bytes too.
    public init(_ c: ClearedCycleEntry, format: LedgerFormat = .current) {
        switch format {
        case .v3:
            var w = ByteWriter()
            ClearedCycleEntry.encodeInputs(c.inputs, into: &w)
            self = .v3(cycleID: c.cycleID, mechanism: c.mechanism, solver: c.solver, seed: c.seed, inputsSection: w.bytes[...],
                       header: TradeTable.rowEncoding(c.trades.columns)[...],
                       rowLeaves: c.trades.rows.map { Merkle.leafHash(TradeTable.rowEncoding($0)) }, summary: c.summaryJSON[...])
        case .v2:
            var leaves: [Merkle.Hash] = [], row: [UInt8] = []
            leaves.reserveCapacity(c.trades.rows.count)
            for r in c.trades.rows {
                row.removeAll(keepingCapacity: true)
                TradeTable.appendRowEncoding(r, to: &row)
                leaves.append(Merkle.leafHash(row))
            }
            self.init(format: .v2, cycleID: c.cycleID, mechanism: c.mechanism, solver: c.solver, seed: c.seed,
                      inputsDigest: LedgerHash.inputsDigestV2(c.inputs), tradesHeader: TradeTable.rowEncoding(c.trades.columns),
                      tradeCount: UInt32(c.trades.rows.count), tradesRoot: Merkle.root(leaves),
                      tradesDigest: LedgerHash.digest(LedgerHash.tradesLabelV2, c.tradesCSV),
                      summaryDigest: LedgerHash.digest(LedgerFormat.v2.label("summary-json"), c.summaryJSON))
        }
    }

    /// The version-3 rule: the stored inputs section (`u32 count ‖ (text name ‖ blob bytes)*`),
    /// the stored header row encoding, the leaf hashes of the stored row encodings, the stored
    /// summary bytes — each hashed once.
    static func v3(cycleID: String, mechanism: String, solver: String, seed: UInt64, inputsSection: ArraySlice<UInt8>,
                   header: ArraySlice<UInt8>, rowLeaves: [Merkle.Hash], summary: ArraySlice<UInt8>) -> CycleCommitment {
        CycleCommitment(format: .v3, cycleID: cycleID, mechanism: mechanism, solver: solver, seed: seed,
                        inputsDigest: LedgerHash.digest(LedgerHash.inputsLabel, inputsSection), tradesHeader: Array(header),
                        tradeCount: UInt32(rowLeaves.count), tradesRoot: Merkle.root(rowLeaves), tradesDigest: nil,
                        summaryDigest: LedgerHash.digest(LedgerHash.summaryLabel, summary))
    }

    public init(format: LedgerFormat = .current, cycleID: String, mechanism: String, solver: String, seed: UInt64, inputsDigest: [UInt8],
                tradesHeader: [UInt8], tradeCount: UInt32, tradesRoot: [UInt8], tradesDigest: [UInt8]? = nil, summaryDigest: [UInt8]) {
        self.format = format
        self.cycleID = cycleID; self.mechanism = mechanism; self.solver = solver; self.seed = seed
        self.inputsDigest = inputsDigest; self.tradesHeader = tradesHeader; self.tradeCount = tradeCount
        self.tradesRoot = tradesRoot; self.tradesDigest = tradesDigest; self.summaryDigest = summaryDigest
    }

    /// Leaf data: tag 0x82 (commitment of a cleared cycle) then the fields in order
    /// (version 2 has the `trades.csv` digest between the trades root and the summary digest).
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(0x80 | LedgerEntry.Tag.clearedCycle.rawValue)
        w.text(cycleID); w.text(mechanism); w.text(solver); w.u64(seed)
        w.raw(inputsDigest); w.blob(tradesHeader); w.u32(tradeCount); w.raw(tradesRoot)
        if format == .v2 { w.raw(tradesDigest ?? Array(repeating: 0, count: 32)) }
        w.raw(summaryDigest)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8], format: LedgerFormat = .current) throws -> CycleCommitment {
        var r = ByteReader(bytes, cap: 1 << 20)
        let t = try r.u8()
        guard t == 0x80 | LedgerEntry.Tag.clearedCycle.rawValue else { throw DecodeError.badTag(at: 0, tag: t, what: "commitment") }
        let c = CycleCommitment(format: format, cycleID: try r.text(), mechanism: try r.text(), solver: try r.text(), seed: try r.u64(),
                                inputsDigest: try r.raw(32), tradesHeader: try r.blob(), tradeCount: try r.u32(),
                                tradesRoot: try r.raw(32), tradesDigest: format == .v2 ? try r.raw(32) : nil, summaryDigest: try r.raw(32))
        try r.finish()
        return c
    }
}

extension LedgerEntry {
    /// The bytes the entry contributes to the Merkle trees (before the 0x00 leaf prefix):
    /// the commitment for a cleared cycle, the stored encoding for everything else.
    public func leafData(format: LedgerFormat) -> [UInt8] {
        if case .clearedCycle(let c) = self { return CycleCommitment(c, format: format).encoded() }
        return encoded(format: format)
    }
    public var leafData: [UInt8] { leafData(format: .current) }
    public func leafHash(format: LedgerFormat) -> Merkle.Hash { Merkle.leafHash(leafData(format: format)) }
    public var leafHash: Merkle.Hash { leafHash(format: .current) }

    /// The leaf hash of this entry when its stored bytes (`encoded(format:)`) are `stored`:
    /// those bytes hashed as they are for every entry but a cleared cycle (whose leaf is its
    /// commitment). What the block builder uses, so an entry is encoded and hashed once.
    func leafHash(stored: [UInt8], format: LedgerFormat) -> Merkle.Hash {
        if case .clearedCycle(let c) = self { return Merkle.leafHash(CycleCommitment(c, format: format).encoded()) }
        return Merkle.leafHash(stored)
    }
}
