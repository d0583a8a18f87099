import GridClearCore

/// Private per-agent perturbation of the step sizes (a mitigation of the trajectory
/// reconstruction leak, see docs/rci-privacy.md): at each iteration the agent multiplies its
/// α_k and β_k by independent factors uniform in [1 − spread, 1 + spread], drawn from its
/// own generator and never sent anywhere.
public struct RCIStepPerturbation: Sendable {
    public var spread: Double
    var rng: SplitMix64
    public init(spread: Double, rng: SplitMix64) throws {
        guard spread.isFinite, spread >= 0, spread < 1 else { throw RCIError.outOfRange("perturbation spread", spread) }
        self.spread = spread; self.rng = rng
    }
    mutating func factor() -> Double { 1 + spread * (2 * rng.nextUnitDouble() - 1) }
}
