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
