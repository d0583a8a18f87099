/// SplitMix64: a small seeded generator so every run is reproducible from its seed.
/// Used for step-size perturbations, masks and blinding in tests and simulations; the
/// command line seeds it from the system CSPRNG unless `--seed` is given.
public struct RCISeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Derives an independent stream for `label` (e.g. one per agent) from a master seed.
    public static func derived(seed: UInt64, label: String) -> RCISeededRandom {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over the label, mixed with the seed
        for byte in label.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var g = RCISeededRandom(seed: seed ^ h)
        _ = g.next()
        return g
    }
}

/// Private per-agent perturbation of the step sizes (a mitigation of the trajectory
/// reconstruction leak, see docs/rci-privacy.md): at each iteration the agent multiplies its
/// α_k and β_k by independent factors uniform in [1 − spread, 1 + spread], drawn from its
/// own generator and never sent anywhere.
public struct RCIStepPerturbation: Sendable {
    public var spread: Double
    var rng: RCISeededRandom
    public init(spread: Double, rng: RCISeededRandom) throws {
        guard spread.isFinite, spread >= 0, spread < 1 else { throw RCIError.outOfRange("perturbation spread", spread) }
        self.spread = spread; self.rng = rng
    }
    mutating func factor() -> Double {
        let u = Double(rng.next() >> 11) / Double(1 << 53)  // [0, 1)
        return 1 + spread * (2 * u - 1)
    }
}
