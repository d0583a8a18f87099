import Testing
import GridClearCore
@testable import LedgerLite

/// The trade table is length-prefixed all the way down: no field value can forge a row.
@Suite struct TradeTableTests {
    let header = "bid_id,offer_id,buyer_id,seller_id,energy_kwh,price,amount_cny,loss_pct,distance_km,buyer_satisfaction,seller_satisfaction,status\n"

    @Test func canonicalCSVRoundTrips() throws {
        let csv = Array((header + "B1,O1,P1,S1,100.000,0.6500,65.0000000,0.000000,0.000000,,,accepted\n").utf8)
        let t = try TradeTable(csv: csv)
        #expect(t.rows.count == 1 && t.rows[0][11] == "accepted")
        #expect(t.csv() == csv)
        var w = ByteWriter(); t.encode(into: &w)
        var r = ByteReader(w.bytes)
        #expect(try TradeTable.decode(from: &r) == t)
        try r.finish()
        #expect(try TradeTable.decodeRow(TradeTable.rowEncoding(t.rows[0])) == t.rows[0])
    }

    /// The issue's injection: a quoted newline carrying a whole forged row stays inside one
    /// field of one row; the forged row never exists as a row or a leaf.
    @Test func aQuotedNewlineCannotForgeARow() throws {
        let forged = "o1\nb2,o2,p2,s2,1000000.000,0.0001,0.1000000,0,0,,,accepted,"
        let t = try TradeTable(columns: header.dropLast().split(separator: ",").map(String.init),
                               rows: [["B1", forged, "P1", "S1", "1.000", "0.5000", "0.5000000", "0", "0", "", "", "accepted"]])
        let back = try TradeTable(csv: t.csv())
        #expect(back.rows.count == 1 && back.rows[0][1] == forged)
        let leaves = back.rows.map(TradeTable.rowEncoding)
        #expect(!leaves.contains(TradeTable.rowEncoding(["b2", "o2", "p2", "s2", "1000000.000", "0.0001", "0.1000000", "0", "0", "", "", "accepted", ""])))
        // A CR LF inside a field is quoted too (it used to be written bare).
        let crlf = try TradeTable(columns: ["a", "b"], rows: [["x\r\ny", "z"]])
        #expect(String(decoding: crlf.csv(), as: UTF8.self) == "a,b\n\"x\r\ny\",z\n")
        #expect(try TradeTable(csv: crlf.csv()) == crlf)
    }

    @Test func nonCanonicalOrRaggedCSVIsRejected() {
        for bad in ["a,b\r\n1,2\r\n", "a,b\n\"1\",2\n", "a,b\n1,2", "a,b\n1,2,3\n", "a,b\n\"1\"x,2\n", ""] {
            #expect(throws: TradeTable.Failure.self, "\(bad.debugDescription)") { try TradeTable(csv: Array(bad.utf8)) }
        }
    }

    @Test func decodeRefusesCountsTheBytesCannotHold() {
        var w = ByteWriter()
        w.u32(2); w.text("a"); w.text("b"); w.u32(UInt32.max)
        var r = ByteReader(w.bytes)
        #expect(throws: DecodeError.self) { try TradeTable.decode(from: &r) }
        var w2 = ByteWriter(); w2.u32(1_000_000)
        #expect(throws: DecodeError.self) { try TradeTable.decodeRow(w2.bytes) }
    }

    /// A version 1 ledger (the delimiter-split format) is refused with a message saying what to do.
    @Test func versionOneFilesAreRefusedClearly() {
        var rec = RecordFrame.encode(kind: .block, payload: [1, 2, 3])
        rec[4] = 1
        let crc = CRC32C.checksum(rec[0..<10])
        for k in 0..<4 { rec[10 + k] = UInt8(truncatingIfNeeded: crc >> (24 - 8 * UInt32(k))) }
        let (records, end) = RecordScanner.scan(rec)
        #expect(records.isEmpty)
        guard case .corrupt(4, let reason) = end else { Issue.record("\(end)"); return }
        #expect(reason.contains("ledger format version 1") && reason.contains("new ledger directory"))
    }

    /// The byte-level renderer and row encoder (the audit's hashing path) against the
    /// String-based definitions they replaced, on random fields with every quoting case
    /// (commas, quotes, CR, LF, CRLF, a quote followed by a combining mark, non-ASCII, empty).
    @Test func fastRenderingEqualsTheStringDefinitions() throws {
        func csvOracle(_ t: TradeTable) -> [UInt8] {
            var out = ""
            for line in [t.columns] + t.rows { out += line.map(CanonicalText.csvField).joined(separator: ",") + "\n" }
            return Array(out.utf8)
        }
        func rowOracle(_ fields: [String]) -> [UInt8] {
            var w = ByteWriter(); w.u32(UInt32(fields.count)); for f in fields { w.text(f) }; return w.bytes
        }
        let pieces = ["a", "B1", ",", "\"", "\n", "\r", "\r\n", "\"\u{301}", "é", "電", " ", "0.6500", ""]
        var rng = SeededRNG(99)
        for _ in 0..<300 {
            let cols = 1 + Int(rng.next() % 5)
            func field() -> String { (0..<Int(rng.next() % 4)).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined() }
            let t = try TradeTable(columns: (0..<cols).map { _ in field() }, rows: (0..<Int(rng.next() % 4)).map { _ in (0..<cols).map { _ in field() } })
            #expect(t.csv() == csvOracle(t))
            for r in [t.columns] + t.rows { #expect(TradeTable.rowEncoding(r) == rowOracle(r)) }
        }
    }
}
