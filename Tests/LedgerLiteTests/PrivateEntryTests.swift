import Testing
import GridClearCore
@testable import LedgerLite

/// Ledger entries of the privacy-preserving market (tags 10–12): canonical round trips,
/// pinned layout, hostile bytes (truncations, bad tags/booleans, trailing bytes, random
/// mutations) rejected with a `DecodeError`, never a crash; ledgers holding them audit.
@Suite struct PrivateEntryTests {
    static func randomPrivateEntry(_ rng: inout SeededRNG) -> LedgerEntry {
        switch rng.next() % 3 {
        case 0:
            return .privatePlan(PrivatePlanEntry(cycleID: "20261120T1000Z", side: UInt8(1 + rng.next() % 2), slot: UInt32(rng.next() % 1000),
                                                 pseudonym: rng.bytes(32), energyCommitment: rng.bytes(32), priceCommitment: rng.bytes(32),
                                                 recordCommitment: rng.bytes(32), proofsDigest: rng.bytes(32), planDigest: rng.bytes(32)))
        case 1:
            return .privateMatch(PrivateMatchEntry(cycleID: rng.text(5), recordID: UInt32(rng.next() % 100), buyerSlot: 3, sellerSlot: UInt32(rng.next() % 9),
                                                   buyerPseudonym: rng.bytes(32), sellerPseudonym: rng.bytes(32), energyWh: Int64(bitPattern: rng.next()),
                                                   priceTicks: Int64(rng.next() % 10_000_000), energyCommitment: rng.bytes(32),
                                                   buyerConfirmationDigest: rng.bytes(32), sellerConfirmationDigest: rng.bytes(32)))
        default:
            return .privateSettlement(PrivateSettlementEntry(cycleID: rng.text(3), recordID: UInt32(rng.next() % 100), matchedWh: 100_000,
                                                             settledWh: Int64(rng.next() % 100_000), deviationBP: Int64(rng.next() % 10_000),
                                                             withinTolerance: rng.next() % 2 == 0, sellerAtFault: rng.next() % 2 == 0, buyerAtFault: rng.next() % 2 == 0))
        }
    }

    @Test func roundTripAndTags() throws {
        var rng = SeededRNG(10)
        for _ in 0..<300 {
            let e = Self.randomPrivateEntry(&rng)
            let b = e.encoded()
            #expect([10, 11, 12].contains(b[0]))
            #expect(try LedgerEntry.decode(b) == e)
            #expect(throws: DecodeError.self) { try LedgerEntry.decode(b + [0]) }
            for cut in 0..<b.count { #expect(throws: DecodeError.self) { try LedgerEntry.decode(Array(b[0..<cut])) } }
            switch e {
            case .privatePlan(let p): #expect(p.isWellFormed)
            case .privateMatch(let m): #expect(m.isWellFormed)
            default: break
            }
        }
    }

    /// The settlement layout, byte for byte: tag, text(cycle), u32 record, 3 × i64, 3 booleans.
    @Test func settlementEncodingIsPinned() {
        let e = LedgerEntry.privateSettlement(PrivateSettlementEntry(cycleID: "C", recordID: 2, matchedWh: 1, settledWh: -1, deviationBP: 0,
                                                                     withinTolerance: true, sellerAtFault: false, buyerAtFault: true))
        #expect(e.encoded() == [12, 0, 0, 0, 1, 67, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1,
                                0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1])
    }

    /// A plan side other than 1/2 and a boolean other than 0/1 are non-canonical; an
    /// oversized cycle id is over its cap; random mutations decode or throw, never trap.
    @Test func hostileBytesRejected() throws {
        var rng = SeededRNG(12)
        let plan = LedgerEntry.privatePlan(PrivatePlanEntry(cycleID: "C", side: 1, slot: 0, pseudonym: rng.bytes(32), energyCommitment: rng.bytes(32),
                                                           priceCommitment: rng.bytes(32), recordCommitment: rng.bytes(32), proofsDigest: rng.bytes(32),
                                                           planDigest: rng.bytes(32)))
        var b = plan.encoded()
        b[6] = 3   // side
        #expect(throws: DecodeError.self) { try LedgerEntry.decode(b) }
        var s = LedgerEntry.privateSettlement(PrivateSettlementEntry(cycleID: "C", recordID: 0, matchedWh: 1, settledWh: 1, deviationBP: 0,
                                                                     withinTolerance: true, sellerAtFault: false, buyerAtFault: false)).encoded()
        s[s.count - 1] = 2
        #expect(throws: DecodeError.self) { try LedgerEntry.decode(s) }
        var long = ByteWriter(); long.u8(12); long.text(String(repeating: "x", count: 65))
        #expect(throws: DecodeError.self) { try LedgerEntry.decode(long.bytes + [UInt8](repeating: 0, count: 40)) }
        var huge = ByteWriter(); huge.u8(11); huge.u32(0xFFFF_FFF0)
        #expect(throws: DecodeError.self) { try LedgerEntry.decode(huge.bytes) }
        for _ in 0..<2000 {
            var x = Self.randomPrivateEntry(&rng).encoded()
            for _ in 0..<Int(1 + rng.next() % 3) { x[Int(rng.next() % UInt64(x.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            if let d = try? LedgerEntry.decode(x) { #expect(d.encoded() == x) }   // whatever decodes is canonical
        }
    }

    /// A ledger whose blocks hold private-market entries next to the other kinds audits clean.
    @Test func ledgerWithPrivateEntriesAudits() throws {
        var rng = SeededRNG(13)
        var v = ChainVerifier()
        var bytes: [UInt8] = []
        let g = GenesisEntry(ledgerID: "private", createdMillis: 1_000, signerKeys: [testKey.publicKey], maxEntriesPerBlock: 8, maxBatchMillis: 1000)
        var count = 0
        for h in 0...4 {
            let entries: [LedgerEntry] = h == 0 ? [.genesis(g)] : (0..<4).map { _ in Self.randomPrivateEntry(&rng) } + [randomEntry(&rng)]
            count += entries.count
            let b = try BlockBuilder.build(entries: entries, on: v.state, nowMillis: 1_000 + Int64(h) * 500, key: testKey)
            let frame = RecordFrame.encode(kind: .block, payload: b.encoded())
            try v.apply(b, recordOffset: bytes.count, recordEnd: bytes.count + frame.count)
            bytes += frame
        }
        guard case .success(let r) = LedgerAuditor.audit(bytes, trusted: TrustedKeys([testKey.publicKey])) else { Issue.record("audit failed"); return }
        #expect(r.blocks == 5 && r.entries == count)
    }
}
