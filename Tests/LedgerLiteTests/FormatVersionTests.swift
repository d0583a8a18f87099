import Testing
import Foundation
import GridClearTestSupport
import Crypto
import GridClearCore
@testable import LedgerLite

/// Ledger format version 3 (docs/ledger-format.md) and version 2 kept readable. Oracles: a
/// version-2 ledger, proof and trades.csv written by the GridClear before version 3 (committed
/// fixtures), and the version-3 commitment re-derived here from the documented byte rules with
/// plain SHA-256 (not through the code under test).
@Suite struct FormatVersionTests {
    func fixtureBytes(_ name: String, _ ext: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Fixtures"))
        return Array(try Data(contentsOf: url))
    }
    func v2Key() throws -> [UInt8] {
        let text = String(decoding: try fixtureBytes("v2-ledger-key", "pub"), as: UTF8.self)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("ed25519-public:") })
        return try #require(Hex.decode(String(line.dropFirst("ed25519-public:".count)).trimmingCharacters(in: .whitespaces)))
    }

    // MARK: version 2 stays readable

    @Test func versionTwoLedgerAuditsWithItsOldHeadAndRoot() throws {
        let bytes = try fixtureBytes("v2-ledger", "gcl")
        guard case .success(let r) = LedgerAuditor.audit(bytes, trusted: TrustedKeys([try v2Key()])) else {
            Issue.record("the version-2 fixture does not audit"); return
        }
        #expect(r.blocks == 2 && r.cycles == ["20261120T1000Z"] && r.treeSize == 2)
        #expect(Hex.encode(r.headHash) == "655a674284768a36a263bd154cb9e13672874a60be6d6506e6493dc8f58701e5")
        #expect(Hex.encode(r.treeRoot) == "b8d758802d33639d4692760621e4b7792182e60ac1959b8122bd0517a5ad89df")
        #expect(RecordScanner.scan(bytes).records.allSatisfy { $0.format == .v2 })
    }

    @Test func versionTwoStoreReadsButRefusesToAppend() throws {
        let tmp = try TemporaryFolder("FormatVersionTests-v2"), dir = tmp.path
        let bytes = try fixtureBytes("v2-ledger", "gcl")
        #expect(FileManager.default.createFile(atPath: dir + "/blocks.gcl", contents: Data(bytes)))
        let store = try LedgerStore(directory: dir, create: false)
        #expect(store.state.format == .v2 && store.state.cycles["20261120T1000Z"] == 1)
        let b = try #require(try store.block(at: 1))
        guard case .clearedCycle(let c) = b.entries.first else { Issue.record("block 1 holds no cycle"); return }
        #expect(c.tradesCSV == (try fixtureBytes("v2-trades", "csv")))
        #expect(b.format == .v2 && Hex.encode(b.hash) == "655a674284768a36a263bd154cb9e13672874a60be6d6506e6493dc8f58701e5")
        // The proof written now from the version-2 block is byte for byte the one written then.
        #expect(try TradeProof.make(block: b, entryIndex: 0, row: 2).jsonBytes() == (try fixtureBytes("v2-proof", "json")))
        let next = try BlockBuilder.build(entries: [.settlement(SettlementEntry(cycleID: "20261120T1000Z", participantID: "p", energyWh: 1, amount: 1, reason: ""))],
                                          on: store.state, nowMillis: 1, key: testKey)
        do { try store.append([next]); Issue.record("appended to a version-2 ledger") } catch let e as LedgerError {
            guard case .readOnlyFormat(_, .v2) = e else { Issue.record("\(e)"); return }
            #expect(e.description.contains("ledger format version 2") && e.description.contains("new ledger directory"))
        }
        #expect(try fixtureBytes("v2-ledger", "gcl") == Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/blocks.gcl"))))
    }

    @Test func versionTwoProofStillVerifies() throws {
        let p = try TradeProof.parse(try fixtureBytes("v2-proof", "json"))
        #expect(p.ledgerFormat == .v2 && p.format == TradeProof.formatName)
        let v = try p.verify(trusted: TrustedKeys([try v2Key()]))
        #expect(v.row == 2 && v.fields.first { $0.0 == "bid_id" }?.1 == "B2")
        // Claiming version 3 for it changes every hash label: it no longer verifies.
        var t = p; t.ledgerFormat = .v3
        #expect(throws: ProofError.self) { _ = try t.verify(trusted: TrustedKeys([try v2Key()])) }
    }

    // MARK: version 3

    func cycle(rows: Int, seed: UInt64) throws -> ClearedCycleEntry {
        var rng = SeededRNG(seed)
        let lines = (0..<rows).map { "B\($0),O\($0),\"\(rng.text(3)),\nx\",é\(rng.next() % 100)" }
        return try ClearedCycleEntry(cycleID: "20261120T1000Z", mechanism: "cmap", solver: "simplex", seed: 9,
                                     inputs: [InputFile(name: "bids.csv", bytes: rng.bytes(50)), InputFile(name: "offers.csv", bytes: rng.bytes(70))],
                                     tradesCSV: Array(("bid_id,offer_id,note,price\n" + lines.map { $0 + "\n" }.joined()).utf8),
                                     summaryJSON: Array("{\"n\":1}".utf8))
    }

    /// The documented version-3 commitment, derived here with plain SHA-256 from the entry's
    /// fields (independent of `CycleCommitment` and of the decoder).
    func documentedCommitment(_ c: ClearedCycleEntry) -> [UInt8] {
        func u32(_ v: Int) -> [UInt8] { withUnsafeBytes(of: UInt32(v).bigEndian) { Array($0) } }
        func text(_ s: String) -> [UInt8] { u32(s.utf8.count) + Array(s.utf8) }
        func sha(_ b: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: b)) }
        func labelled(_ l: String, _ b: [UInt8]) -> [UInt8] { sha(Array("GridClear/ledger/v3/\(l)".utf8) + [0] + b) }
        func row(_ f: [String]) -> [UInt8] { u32(f.count) + f.flatMap(text) }
        func mth(_ l: ArraySlice<[UInt8]>) -> [UInt8] {
            if l.count == 1 { return l.first! }
            var k = 1; while k * 2 < l.count { k *= 2 }
            return sha([1] + mth(l.prefix(k)) + mth(l.dropFirst(k)))
        }
        let inputs = u32(c.inputs.count) + c.inputs.flatMap { text($0.name) + u32($0.bytes.count) + $0.bytes }
        let leaves = c.trades.rows.map { sha([0] + row($0)) }
        var out: [UInt8] = [0x82] + text(c.cycleID) + text(c.mechanism) + text(c.solver)
        out += withUnsafeBytes(of: c.seed.bigEndian) { Array($0) }
        out += labelled("cycle-inputs", inputs) + u32(row(c.trades.columns).count) + row(c.trades.columns) + u32(c.trades.rows.count)
        out += (leaves.isEmpty ? sha([]) : mth(leaves[...])) + labelled("summary-json", c.summaryJSON)
        return out
    }

    @Test func cycleCommitmentIsTheDocumentedOneFromStoredBytes() throws {
        for (n, seed) in [(0, 1), (1, 2), (7, 3), (33, 4)] as [(Int, UInt64)] {
            let c = try cycle(rows: n, seed: seed)
            let stored = LedgerEntry.clearedCycle(c).encoded()
            let (back, leaf) = try LedgerEntry.decodeStored(stored, format: .v3)
            #expect(back == .clearedCycle(c))
            #expect(CycleCommitment(c).encoded() == documentedCommitment(c))
            #expect(leaf == Merkle.leafHash(documentedCommitment(c)))
            #expect(try CycleCommitment.decode(documentedCommitment(c)) == CycleCommitment(c))
        }
    }

    @Test func storedRowsAreLengthPrefixedAndExact() throws {
        let c = try cycle(rows: 2, seed: 5)
        var w = ByteWriter(); c.trades.encode(into: &w)
        var r = ByteReader(w.bytes)
        let (table, header, leaves) = try TradeTable.decodeStored(from: &r)
        #expect(table == c.trades && Array(w.bytes[header]) == TradeTable.rowEncoding(c.trades.columns))
        #expect(leaves == c.trades.rows.map { Merkle.leafHash(TradeTable.rowEncoding($0)) })
        // Row 1's length prefix one more or one less, or a row with a missing field: refused.
        let row1At = 4 + header.count + 4
        for delta in [1, -1] {
            var bad = w.bytes
            let n = Int(UInt32(bad[row1At]) << 24 | UInt32(bad[row1At + 1]) << 16 | UInt32(bad[row1At + 2]) << 8 | UInt32(bad[row1At + 3])) + delta
            for k in 0..<4 { bad[row1At + k] = UInt8(truncatingIfNeeded: n >> (24 - 8 * k)) }
            var br = ByteReader(bad)
            #expect(throws: DecodeError.self) { _ = try TradeTable.decodeStored(from: &br) }
        }
        var short = ByteWriter()
        short.blob(TradeTable.rowEncoding(c.trades.columns)); short.u32(1); short.blob(TradeTable.rowEncoding(Array(c.trades.rows[0].dropLast())))
        var sr = ByteReader(short.bytes)
        #expect(throws: DecodeError.self) { _ = try TradeTable.decodeStored(from: &sr) }
    }

    @Test func carriedLeavesMatchAndAnyChangeDropsThem() throws {
        let (bytes, blocks, _) = try buildLedgerBytes(blocks: 6, seed: 21)
        for (rec, b) in zip(RecordScanner.scan(bytes).records, blocks) {
            #expect(rec.format == .v3)
            let d = try Block.decode(rec.payload)
            #expect(d == b && d.storedLeaves == b.entries.map(\.leafHash) && b.storedLeaves == d.storedLeaves)
            #expect(b.seal != nil && d.seal == nil && b.encoded() == rec.payload)
            var m = b; m.signature[0] ^= 1
            #expect(m.seal == nil && m.storedLeaves != nil)
            m = b; m.entries.append(.rejectedCycle(RejectedCycleEntry(cycleID: "x", reason: "y")))
            #expect(m.seal == nil && m.storedLeaves == nil && m.leafHashes == m.entries.map(\.leafHash))
            m = b; m.header.timeMillis += 1
            #expect(m.seal == nil)
        }
    }

    @Test func aMixOfFormatsInOneChainIsAFault() throws {
        let (bytes, blocks, _) = try buildLedgerBytes(blocks: 2, seed: 8)
        let last = blocks[2]
        var v2 = Block(header: last.header, entries: last.entries, signature: last.signature, format: .v2)
        v2.header.height = 3; v2.header.previousHash = last.hash
        let mixed = bytes + RecordFrame.encode(kind: .block, payload: v2.encoded(), format: .v2)
        guard case .failure(let f) = LedgerAuditor.audit(mixed, trusted: nil) else { Issue.record("a mixed ledger audited"); return }
        #expect(f.offset == bytes.count + 4 && f.message.contains("ledger format version 2 in a ledger of ledger format version 3"), "\(f)")
    }

    @Test func versionThreeProofsSayTheirFormat() throws {
        let c = try cycle(rows: 5, seed: 6)
        let b = try BlockBuilder.build(entries: [.clearedCycle(c)], on: ChainState(), nowMillis: 5, key: testKey)
        let p = try TradeProof.make(block: b, entryIndex: 0, row: 4)
        #expect(p.ledgerFormat == .v3 && String(decoding: p.jsonBytes(), as: UTF8.self).contains("\"ledger_format\": 3"))
        let back = try TradeProof.parse(p.jsonBytes())
        #expect(back == p)
        #expect(try back.verify(trusted: TrustedKeys([testKey.publicKey])).fields.map(\.1) == c.trades.rows[3])
        var stripped = back; stripped.ledgerFormat = .v2
        #expect(throws: ProofError.self) { _ = try stripped.verify(trusted: TrustedKeys([testKey.publicKey])) }
        let two = String(decoding: p.jsonBytes(), as: UTF8.self).replacingOccurrences(of: "\"ledger_format\": 3", with: "\"ledger_format\": 2")
        #expect(throws: ProofError.self) { _ = try TradeProof.parse(Array(two.utf8)) }
    }

    @Test func storeIndexReadsEachBlockAlone() throws {
        let tmp = try TemporaryFolder("FormatVersionTests-index"), dir = tmp.path
        var built: [Block] = []
        do {
            let store = try LedgerStore(directory: dir, create: true)
            let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 0, ledgerID: "i", cutting: CuttingConfig(maxEntriesPerBlock: 3, maxBatchMillis: 1_000_000))
            var rng = SeededRNG(4)
            for i in 0..<20 { _ = try o.submit([randomEntry(&rng)], nowMillis: Int64(i)) }
            _ = try o.flush(nowMillis: 99)
            built = try (0...store.state.lastHeight!).map { try #require(try store.block(at: $0)) }
            #expect(try store.block(at: store.state.lastHeight! + 1) == nil)
        }
        let reopened = try LedgerStore(directory: dir, create: false)
        for (h, b) in built.enumerated() { #expect(try reopened.block(at: UInt64(h)) == b) }
        // The blocks read one by one are the file's records, in order.
        let file = Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/blocks.gcl")))
        #expect(RecordScanner.scan(file).records.map { try? Block.decode($0.payload) } == built.map { Optional($0) })
    }
}
