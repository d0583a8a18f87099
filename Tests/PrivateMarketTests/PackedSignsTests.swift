import GridClearCore
import Privacy
import Testing

/// The packed blinded comparisons of the ask ≤ bid filter: for any two `Int64` prices the key
/// holder's decoded outcome is exactly bid ≥ ask, whatever the packing (oracle: plain `>=`).
@Suite struct PackedSignsTests {
    static let sk = try! PaillierPrivateKey.generate(bits: 1024)

    @Test(arguments: [UInt64(1), 2, 3])
    func outcomesEqualPlainComparisons(seed: UInt64) throws {
        let pk = Self.sk.publicKey
        var g = SplitMix64(seed: seed)
        var pairs: [(Int64, Int64)] = [(5, 5), (5, 6), (6, 5), (0, 0), (Int64.max, Int64.max), (Int64.max, 0), (0, Int64.max),
                                       (-3, 4), (Int64.min + 1, Int64.max), (Int64.max, Int64.min + 1)]
        for _ in 0..<40 {
            let a = Int64.random(in: 8_000_000...9_999_999, using: &g)
            pairs.append((a, a + Int64.random(in: -2...2, using: &g)))
        }
        let cts = try pairs.map { (x: try pk.encrypt($0.0), y: try pk.encrypt($0.1)) }
        var rng = SystemCSPRNG()
        let packed = PackedSigns.compare(cts, publicKey: pk, using: &rng)
        #expect(packed.perCiphertext == (pk.bits - 2) / PackedSigns.defaultSlotBits)
        #expect(packed.packed.count == (pairs.count + packed.perCiphertext - 1) / packed.perCiphertext)
        #expect(try packed.decode(with: Self.sk) == pairs.map { $0.0 >= $0.1 })
        // A shape that does not add up is refused, not misread.
        var bad = packed; bad.count += packed.perCiphertext
        #expect(throws: PrivacyError.self) { try bad.decode(with: Self.sk) }
    }
}

/// The new market messages (`rank-open-filtered`, `ledger-digests`) decode back to the same
/// canonical bytes, and every truncation or trailing byte is refused.
@Suite struct FilteredMessageCodecTests {
    @Test func roundTripAndTruncations() throws {
        let pk = PackedSignsTests.sk.publicKey
        var rng = SystemCSPRNG()
        let cts = try (0..<3).map { (x: try pk.encrypt(Int64($0)), y: try pk.encrypt(1)) }
        let checks = PackedSigns.compare(cts, publicKey: pk, using: &rng)
        let m = MarketMessage.rankOpenFiltered(session: 7, slots: [0, 2, 5], pairTerms: [0.5, 0, 1e-3], packed: [try pk.encrypt(9)],
                                               slotBits: 107, perCiphertext: 9, askNotAboveBid: checks)
        let digest = MarketMessage.ledgerDigests(plans: [], confirmations: [ConfirmationDigests(record: 3, buyer: [UInt8](repeating: 1, count: 32),
                                                                                                seller: [UInt8](repeating: 2, count: 32))])
        for msg in [m, digest] {
            let b = msg.encode()
            #expect(try MarketMessage.decode(b, publicKey: pk).encode() == b)
            #expect(throws: PrivacyError.self) { try MarketMessage.decode(b + [0], publicKey: pk) }
            for cut in stride(from: 0, to: b.count, by: max(1, b.count / 97)) {
                #expect(throws: PrivacyError.self) { try MarketMessage.decode(Array(b[0..<cut]), publicKey: pk) }
            }
        }
    }
}
