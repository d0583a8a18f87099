import GridClearCore

/// A self-contained proof that one trade row is part of a cleared cycle recorded in a
/// signed ledger block. It carries the row, its audit path to the cycle's trades root, the
/// cycle's commitment, the commitment's audit path to the block's entries root, the block
/// header and the signature — nothing else is needed to check it, only a trusted key.
///
/// Format 2: the trade is its list of fields (`trade_fields`) under the list of column names
/// (`trade_columns`); the leaf is their length-prefixed encoding (`TradeTable.rowEncoding`), so
/// no field value can be read as a different row or column.
///
/// Format 3 (a replicated ledger's block, issue 17): format 2 plus `certificate` (hex of the
/// block's `QuorumCertificate`) and `committee_keys` (the committee in force at that height,
/// in replica order); see `TradeProof+Certificate.swift`. A format-2 reader refuses it by name.
///
/// A proof from a ledger of format version 3 says so with `"ledger_format": 3` (absent: a
/// version-2 ledger, as every proof written before version 3). The version decides the
/// commitment layout and the hash labels; stripping or changing it makes the block hash differ
/// from what was signed (the labels name the version), so the proof fails.
public struct TradeProof: Sendable, Equatable {
    public static let formatName = "gridclear-trade-proof/2"
    public static let certifiedFormatName = "gridclear-trade-proof/3"
    public var format: String
    public var cycle: String
    /// 1-based row number in `trades.csv` (header excluded).
    public var row: Int
    public var tradeColumns: [String]
    public var tradeFields: [String]
    public var tradeCount: UInt32
    public var tradePath: [String]
    /// Hex of the `CycleCommitment` encoding.
    public var commitment: String
    public var entryIndex: UInt32
    public var entryPath: [String]
    /// Hex of the block header encoding, and of the Ed25519 signature.
    public var blockHeader: String
    public var signature: String
    /// Informational (recomputed by the verifier).
    public var blockHeight: UInt64
    public var blockHash: String
    /// Format 3 only: hex of the commit certificate, and the committee keys (hex, replica order).
    public var certificate: String? = nil
    public var committeeKeys: [String]? = nil
    /// The ledger format of the block (`ledger_format`, absent for version 2).
    public var ledgerFormat: LedgerFormat = .v2

    /// Builds the proof for row `row` (1-based) of the cycle entry at `entryIndex` of `block`.
    /// With `certified` (the block's certificate and the committee in force), format 3.
    public static func make(block: Block, entryIndex: Int, row: Int, certified: (QuorumCertificate, Committee)? = nil) throws -> TradeProof {
        guard case .clearedCycle(let c) = block.entries[entryIndex] else { throw ProofError("entry \(entryIndex) is not a cleared cycle") }
        let table = c.trades
        guard row >= 1 && row <= table.rows.count else { throw ProofError("cycle \(c.cycleID) has \(table.rows.count) trades; row \(row) does not exist") }
        let rowLeaves = table.rows.map { Merkle.leafHash(TradeTable.rowEncoding($0)) }
        let entryLeaves = block.leafHashes
        var p = TradeProof(format: formatName, cycle: c.cycleID, row: row,
                          tradeColumns: table.columns, tradeFields: table.rows[row - 1],
                          tradeCount: UInt32(table.rows.count),
                          tradePath: Merkle.inclusionProof(index: row - 1, leaves: rowLeaves).map(Hex.encode),
                          commitment: Hex.encode(CycleCommitment(c, format: block.format).encoded()),
                          entryIndex: UInt32(entryIndex),
                          entryPath: Merkle.inclusionProof(index: entryIndex, leaves: entryLeaves).map(Hex.encode),
                          blockHeader: Hex.encode(block.header.encoded()), signature: Hex.encode(block.signature),
                          blockHeight: block.header.height, blockHash: Hex.encode(block.hash), ledgerFormat: block.format)
        if let (qc, committee) = certified {
            p.format = certifiedFormatName
            p.certificate = Hex.encode(qc.encoded())
            p.committeeKeys = committee.keys.map(Hex.encode)
        }
        return p
    }

    /// The proof file: one JSON object, keys sorted, one line per key.
    public func jsonBytes() -> [UInt8] {
        func strings(_ a: [String]) -> String {
            a.isEmpty ? "[]" : "[\n    " + a.map(CanonicalText.jsonString).joined(separator: ",\n    ") + "\n  ]"
        }
        var w = JSONWriter()
        w.add("block_hash", blockHash)
        w.add("block_header", blockHeader)
        w.add("block_height", raw: String(blockHeight))
        if let certificate { w.add("certificate", certificate) }
        if let committeeKeys { w.add("committee_keys", raw: strings(committeeKeys)) }
        w.add("commitment", commitment)
        w.add("cycle", cycle)
        w.add("entry_index", raw: String(entryIndex))
        w.add("entry_path", raw: strings(entryPath))
        w.add("format", format)
        if ledgerFormat != .v2 { w.add("ledger_format", raw: String(ledgerFormat.rawValue)) }
        w.add("row", row)
        w.add("signature", signature)
        w.add("trade_columns", raw: strings(tradeColumns))
        w.add("trade_count", raw: String(tradeCount))
        w.add("trade_fields", raw: strings(tradeFields))
        w.add("trade_path", raw: strings(tradePath))
        return Array((w.render() + "\n").utf8)
    }

    /// Reads a proof file (any JSON layout with the keys `jsonBytes` writes).
    public static func parse(_ bytes: [UInt8]) throws(ProofError) -> TradeProof {
        let v: JSONReader.Value
        do { v = try JSONReader.parse(bytes) } catch { throw ProofError("not a trade proof file (not JSON: \(error))") }
        func str(_ k: String) throws(ProofError) -> String {
            guard let s = v[k]?.string else { throw ProofError("not a trade proof file (no string '\(k)')") }
            return s
        }
        func num(_ k: String) throws(ProofError) -> UInt64 {
            guard let n = v[k]?.uint64 else { throw ProofError("not a trade proof file (no non-negative integer '\(k)')") }
            return n
        }
        func list(_ k: String) throws(ProofError) -> [String] {
            guard let a = v[k]?.array else { throw ProofError("not a trade proof file (no array '\(k)')") }
            var out: [String] = []
            for x in a {
                guard let s = x.string else { throw ProofError("not a trade proof file ('\(k)' holds a non-string)") }
                out.append(s)
            }
            return out
        }
        if let f = v["format"]?.string, f != formatName, f != certifiedFormatName {
            throw ProofError("proof format '\(CanonicalText.echo(f))'; this GridClear verifies \(formatName) and \(certifiedFormatName) only (export the proof again with 'gridclear proof')")
        }
        let row = try num("row"), count = try num("trade_count"), index = try num("entry_index")
        guard row <= UInt64(Int32.max), count <= UInt64(UInt32.max), index <= UInt64(UInt32.max) else {
            throw ProofError("not a trade proof file (row, trade_count or entry_index out of range)")
        }
        var p = TradeProof(format: try str("format"), cycle: try str("cycle"), row: Int(row), tradeColumns: try list("trade_columns"),
                          tradeFields: try list("trade_fields"), tradeCount: UInt32(count), tradePath: try list("trade_path"),
                          commitment: try str("commitment"), entryIndex: UInt32(index), entryPath: try list("entry_path"),
                          blockHeader: try str("block_header"), signature: try str("signature"),
                          blockHeight: try num("block_height"), blockHash: try str("block_hash"))
        if let lf = v["ledger_format"] {
            // Written only for version 3; a proof of a version-2 ledger has no such key.
            guard let n = lf.uint64, n == UInt64(LedgerFormat.v3.rawValue) else {
                throw ProofError("ledger_format must be 3 (a proof of a version-2 ledger has no ledger_format); export the proof again with 'gridclear proof'")
            }
            p.ledgerFormat = .v3
        }
        if p.format == certifiedFormatName {
            p.certificate = try str("certificate")
            p.committeeKeys = try list("committee_keys")
        }
        return p
    }

    /// What a verified proof establishes.
    public struct Verified: Sendable {
        public var cycle: String
        public var row: Int
        /// Column name → value of the proved trade.
        public var fields: [(String, String)]
        public var blockHeight: UInt64
        public var blockTimeMillis: Int64
        public var signer: [UInt8]
        public var blockHash: [UInt8]
    }

    /// Checks every link of the proof against `trusted` keys; throws the first broken link.
    public func verify(trusted: TrustedKeys) throws -> Verified { try verify(trusted: trusted, chain: nil, minCommittee: nil) }

    func verify(trusted: TrustedKeys, chain: String?, minCommittee: Int?) throws -> Verified {
        guard format == TradeProof.formatName || format == TradeProof.certifiedFormatName else { throw ProofError("unknown proof format '\(format)'") }
        func hex(_ s: String, _ what: String) throws -> [UInt8] {
            guard let b = Hex.decode(s) else { throw ProofError("\(what) is not hex") }
            return b
        }
        var hr = ByteReader(try hex(blockHeader, "block_header"))
        let header: BlockHeader
        do { header = try BlockHeader.decode(from: &hr); try hr.finish() } catch { throw ProofError("block_header: \(error)") }
        let commitmentBytes = try hex(commitment, "commitment")
        let c: CycleCommitment
        do { c = try CycleCommitment.decode(commitmentBytes, format: ledgerFormat) } catch { throw ProofError("commitment: \(error)") }
        guard c.cycleID == cycle else { throw ProofError("the commitment is for cycle \(c.cycleID), not \(cycle)") }
        guard TradeTable.rowEncoding(tradeColumns) == c.tradesHeader else { throw ProofError("the trade columns do not match the commitment") }
        guard tradeFields.count == tradeColumns.count else { throw ProofError("the trade has \(tradeFields.count) fields for \(tradeColumns.count) columns") }
        guard tradeCount == c.tradeCount, row >= 1, UInt64(row) <= UInt64(c.tradeCount) else { throw ProofError("row \(row) is outside the cycle's \(c.tradeCount) trades") }
        let tp = try tradePath.map { try hex($0, "trade_path") }
        guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(TradeTable.rowEncoding(tradeFields)), index: UInt64(row - 1), size: UInt64(c.tradeCount),
                                     proof: tp, root: c.tradesRoot) else {
            throw ProofError("the trade row is not in the cycle's trades tree (row or path altered)")
        }
        let ep = try entryPath.map { try hex($0, "entry_path") }
        guard Merkle.verifyInclusion(leafHash: Merkle.leafHash(commitmentBytes), index: UInt64(entryIndex), size: UInt64(header.entryCount),
                                     proof: ep, root: header.entriesRoot) else {
            throw ProofError("the cycle commitment is not in the block's entries tree")
        }
        if format == TradeProof.certifiedFormatName {
            try verifyCertificate(header: header, trusted: trusted, chain: chain, minCommittee: minCommittee)
        }
        guard trusted.keys.contains(header.signer) else {
            throw ProofError("the block is signed by \(Hex.encode(header.signer).prefix(16))…, which is not among the trusted keys")
        }
        let hash = LedgerHash.blockHash(header, format: ledgerFormat)
        guard NodeKey.verify(signature: try hex(signature, "signature"), message: LedgerHash.signingMessage(blockHash: hash, format: ledgerFormat), publicKey: header.signer) else {
            throw ProofError("the block signature does not verify")
        }
        return Verified(cycle: cycle, row: row, fields: Array(zip(tradeColumns, tradeFields)), blockHeight: header.height,
                        blockTimeMillis: header.timeMillis, signer: header.signer, blockHash: hash)
    }
}

/// A proof that does not hold, with the link that broke.
public struct ProofError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}
