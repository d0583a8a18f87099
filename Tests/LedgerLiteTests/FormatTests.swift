import GridClearCore
import Testing
@testable import LedgerLite

@Suite struct FormatTests {
    /// Round trip and canonicality over many random entries and blocks.
    @Test func entriesAndBlocksRoundTrip() throws {
        var rng = SeededRNG(11)
        for _ in 0..<300 {
            let e = randomEntry(&rng)
            let b = e.encoded()
            #expect(try LedgerEntry.decode(b) == e)
            #expect(throws: DecodeError.self) { try LedgerEntry.decode(b + [0]) }
            #expect(throws: DecodeError.self) { try LedgerEntry.decode(Array(b.dropLast())) }
        }
        let (_, blocks, _) = try buildLedgerBytes(blocks: 5, seed: 3)
        for b in blocks { #expect(try Block.decode(b.encoded()) == b) }
    }

    /// A hand-computed encoding pins the byte layout (big-endian, u32 length prefixes).
    @Test func settlementEncodingIsPinned() {
        let e = LedgerEntry.settlement(SettlementEntry(cycleID: "C", participantID: "P", energyWh: 1, amount: -1, reason: ""))
        #expect(e.encoded() == [3, 0, 0, 0, 1, 67, 0, 0, 0, 1, 80, 0, 0, 0, 0, 0, 0, 0, 1,
                                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0])
    }

    @Test func frameRoundTripAndCaps() {
        let payload: [UInt8] = Array("hello".utf8)
        let f = RecordFrame.encode(kind: .block, payload: payload)
        #expect(f.count == RecordFrame.headerSize + 5 + 4)
        let (recs, end) = RecordScanner.scan(f + f)
        #expect(recs.count == 2 && end == .clean && recs[1].offset == f.count && recs[0].payload == payload)
        // A length over the cap with a valid header checksum is corruption, not a torn tail.
        var w = ByteWriter()
        w.raw(RecordFrame.magic); w.u8(RecordFrame.version); w.u8(1); w.u32(UInt32(RecordFrame.maxPayload + 1))
        w.u32(CRC32C.checksum(w.bytes))
        if case .corrupt(let off, _) = RecordScanner.scan(w.bytes).end { #expect(off == 6) } else { Issue.record("cap not enforced") }
    }

    /// Every prefix of a valid ledger is either a whole-record boundary (clean) or a torn tail
    /// starting at the last boundary; never corruption, never a trap.
    @Test func everyTruncationIsTornTailOrBoundary() throws {
        let (bytes, _, offsets) = try buildLedgerBytes(blocks: 3, seed: 5)
        let bounds = Set(offsets + [bytes.count])
        for cut in 0..<bytes.count {
            let (recs, end) = RecordScanner.scan(Array(bytes[0..<cut]))
            if bounds.contains(cut) {
                #expect(end == .clean && recs.count == offsets.filter { $0 < cut }.count)
            } else {
                let start = offsets.last { $0 < cut }!
                #expect(end == .tornTail(offset: start), "cut \(cut)")
            }
        }
    }
}
