/// SplitMix64 (Steele, Lea, Flood 2014): the one seeded generator of GridClear, for
/// reproducible simulations, tie-free test data, masks and perturbations (`--seed`).
/// Not for key material: secrets come from the system CSPRNG (Privacy's `SystemCSPRNG`).
///
/// Guarantees: the same seed gives the same sequence on every machine; the first output for
/// seed 0 is 0xE220A8397B1DCDAF (the reference implementation's).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An independent stream for `label` (e.g. one per agent or replica) from a master seed:
    /// FNV-1a of the label mixed into the seed, one output discarded.
    public static func derived(seed: UInt64, label: String) -> SplitMix64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in label.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var g = SplitMix64(seed: seed ^ h)
        _ = g.next()
        return g
    }

    /// A double uniform in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}

extension RandomNumberGenerator {
    /// `count` bytes from this generator, little-endian per 64-bit word.
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var i = 0
        while i < count {
            var w = next()
            for _ in 0..<8 where i < count { out[i] = UInt8(truncatingIfNeeded: w); w >>= 8; i += 1 }
        }
        return out
    }
}
