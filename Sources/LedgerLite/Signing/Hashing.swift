import GridClearCore
import Crypto

/// Domain-separated SHA-256 for everything the ledger hashes besides Merkle nodes.
/// Each purpose has its own NUL-terminated label, so a digest of one kind can never be
/// replayed as another. Guarantees: stable across machines and versions of this format.
public enum LedgerHash {
    public static let blockLabel = "GridClear/ledger/v2/block-header"
    public static let signatureLabel = "GridClear/ledger/v2/block-signature"
    public static let inputsLabel = "GridClear/ledger/v2/cycle-inputs"
    public static let tradesLabel = "GridClear/ledger/v2/trades-csv"
    public static let summaryLabel = "GridClear/ledger/v2/summary-json"

    public static func digest(_ label: String, _ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: Array(label.utf8) + [0])
        h.update(data: bytes)
        return Merkle.bytes(h.finalize())
    }

    /// `digest(inputsLabel, u32 count ‖ (u32 len ‖ name ‖ u32 len ‖ bytes)…)`, hashed piece by
    /// piece so the raw input files are never copied into one buffer.
    public static func inputsDigest(_ inputs: [InputFile]) -> [UInt8] {
        var h = SHA256()
        h.update(data: Array(inputsLabel.utf8) + [0])
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(truncatingIfNeeded: v).bigEndian) { h.update(bufferPointer: $0) } }
        u32(inputs.count)
        for f in inputs {
            let name = Array(f.name.utf8)
            u32(name.count); h.update(data: name)
            u32(f.bytes.count); h.update(data: f.bytes)
        }
        return Merkle.bytes(h.finalize())
    }

    /// The hash that chains blocks and that signatures cover.
    public static func blockHash(_ header: BlockHeader) -> [UInt8] { digest(blockLabel, header.encoded()) }

    /// The message an Ed25519 signer signs for a block.
    public static func signingMessage(blockHash: [UInt8]) -> [UInt8] { Array(signatureLabel.utf8) + [0] + blockHash }
}

/// What the Merkle tree commits to for a cleared cycle: small fields in full, the large
/// ones (raw inputs, trades, summary) by digest, the trades also by an RFC 6962 root over
/// their rows so a single trade can be proved. Guarantees: derived deterministically from a
/// `ClearedCycleEntry`; its encoding is the leaf data of the cycle's entry.
public struct CycleCommitment: Sendable, Hashable {
    public var cycleID: String
    public var mechanism: String
    public var solver: String
    public var seed: UInt64
    public var inputsDigest: [UInt8]
    public var tradesHeader: [UInt8]
    public var tradeCount: UInt32
    public var tradesRoot: [UInt8]
    public var tradesDigest: [UInt8]
    public var summaryDigest: [UInt8]

    public init(_ c: ClearedCycleEntry) {
        cycleID = c.cycleID; mechanism = c.mechanism; solver = c.solver; seed = c.seed
        inputsDigest = LedgerHash.inputsDigest(c.inputs)
        tradesHeader = TradeTable.rowEncoding(c.trades.columns)
        tradeCount = UInt32(c.trades.rows.count)
        var row: [UInt8] = [], leaves: [Merkle.Hash] = []
        leaves.reserveCapacity(c.trades.rows.count)
        for r in c.trades.rows {
            row.removeAll(keepingCapacity: true)
            TradeTable.appendRowEncoding(r, to: &row)
            leaves.append(Merkle.leafHash(row))
        }
        tradesRoot = Merkle.root(leaves)
        tradesDigest = LedgerHash.digest(LedgerHash.tradesLabel, c.tradesCSV)
        summaryDigest = LedgerHash.digest(LedgerHash.summaryLabel, c.summaryJSON)
    }

    public init(cycleID: String, mechanism: String, solver: String, seed: UInt64, inputsDigest: [UInt8], tradesHeader: [UInt8],
                tradeCount: UInt32, tradesRoot: [UInt8], tradesDigest: [UInt8], summaryDigest: [UInt8]) {
        self.cycleID = cycleID; self.mechanism = mechanism; self.solver = solver; self.seed = seed
        self.inputsDigest = inputsDigest; self.tradesHeader = tradesHeader; self.tradeCount = tradeCount
        self.tradesRoot = tradesRoot; self.tradesDigest = tradesDigest; self.summaryDigest = summaryDigest
    }

    /// Leaf data: tag 0x82 (commitment of a cleared cycle) then the fields in order.
    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(0x80 | LedgerEntry.Tag.clearedCycle.rawValue)
        w.text(cycleID); w.text(mechanism); w.text(solver); w.u64(seed)
        w.raw(inputsDigest); w.blob(tradesHeader); w.u32(tradeCount); w.raw(tradesRoot); w.raw(tradesDigest); w.raw(summaryDigest)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> CycleCommitment {
        var r = ByteReader(bytes, cap: 1 << 20)
        let t = try r.u8()
        guard t == 0x80 | LedgerEntry.Tag.clearedCycle.rawValue else { throw DecodeError.badTag(at: 0, tag: t, what: "commitment") }
        let c = CycleCommitment(cycleID: try r.text(), mechanism: try r.text(), solver: try r.text(), seed: try r.u64(),
                                inputsDigest: try r.raw(32), tradesHeader: try r.blob(), tradeCount: try r.u32(),
                                tradesRoot: try r.raw(32), tradesDigest: try r.raw(32), summaryDigest: try r.raw(32))
        try r.finish()
        return c
    }
}

extension LedgerEntry {
    /// The bytes the entry contributes to the Merkle trees (before the 0x00 leaf prefix):
    /// the commitment for a cleared cycle, the stored encoding for everything else.
    public var leafData: [UInt8] {
        if case .clearedCycle(let c) = self { return CycleCommitment(c).encoded() }
        return encoded()
    }
    public var leafHash: Merkle.Hash { Merkle.leafHash(leafData) }
}
