import Foundation

/// A step-size schedule s_k = initial / (1 + k/halfLife)^power (constant when `halfLife` is 0).
///
/// Guarantees: s_k is finite and in [0, 1] for every k ≥ 0 when `validated()` passes.
public struct StepSchedule: Sendable, Equatable, Codable {
    public var initial: Double
    public var halfLife: Double
    public var power: Double

    public init(initial: Double, halfLife: Double = 0, power: Double = 1) {
        self.initial = initial; self.halfLife = halfLife; self.power = power
    }
    public static func constant(_ s: Double) -> StepSchedule { StepSchedule(initial: s) }

    public func value(at k: Int) -> Double {
        halfLife > 0 ? initial / pow(1 + Double(k) / halfLife, power) : initial
    }
    func validated(_ name: String) throws -> StepSchedule {
        guard initial.isFinite, initial >= 0, initial <= 1, halfLife >= 0, halfLife.isFinite,
              power.isFinite, power >= 0 else {
            throw RCIError.outOfRange("\(name) schedule (initial in [0,1], halfLife ≥ 0, power ≥ 0)", initial)
        }
        return self
    }
}

/// Thresholds of an agent's own stop condition (SPEC §5): all three must hold.
public struct RCIThresholds: Sendable, Equatable, Codable {
    /// max_m |λ_nm^{k+1} − λ_nm^k|, €/MWh.
    public var priceChange: Double
    /// max_m |P_nm + P_mn|, MW.
    public var reciprocity: Double
    /// max_m |P_nm^{k+1} − P_nm^k|, MW.
    public var tradeChange: Double
    public init(priceChange: Double, reciprocity: Double, tradeChange: Double) {
        self.priceChange = priceChange; self.reciprocity = reciprocity; self.tradeChange = tradeChange
    }
}

/// The public parameters of a run, set by the platform and sent to every agent.
///
/// The defaults converge on the shipped cases (2×3, 5×5, New England 31); they were chosen
/// by a scan, not taken from the seed, which gives none.
public struct RCIParameters: Sendable, Equatable, Codable {
    /// α_k: weight of the reciprocity mismatch in the consensus-factor update (€/MWh per MW).
    public var alpha: StepSchedule
    /// β_k: weight of the partner price disagreement (dimensionless, < 0.5 for a contraction).
    public var beta: StepSchedule
    /// η_k: step of the bound multipliers μ̄, μ̲ (€/MWh per MW).
    public var eta: StepSchedule
    /// δ in the trade weights w_nm = (|P_nm| + δ)/Σ(|P_nm'| + δ), MW.
    public var delta: Double
    /// λ_nm^0 for every pair, €/MWh (public).
    public var initialPrice: Double
    public var thresholds: RCIThresholds
    public var maxIterations: Int

    public init(alpha: StepSchedule = .constant(0.05), beta: StepSchedule = .constant(0.2),
                eta: StepSchedule = .constant(0.05), delta: Double = 10, initialPrice: Double = 0,
                thresholds: RCIThresholds = RCIThresholds(priceChange: 1e-3, reciprocity: 1e-2, tradeChange: 1e-3),
                maxIterations: Int = 100_000) {
        self.alpha = alpha; self.beta = beta; self.eta = eta; self.delta = delta
        self.initialPrice = initialPrice; self.thresholds = thresholds; self.maxIterations = maxIterations
    }

    /// Throws `RCIError.outOfRange` naming the first bad parameter.
    public func validated() throws -> RCIParameters {
        _ = try alpha.validated("alpha"); _ = try beta.validated("beta"); _ = try eta.validated("eta")
        guard delta.isFinite, delta > 0, delta <= RCIFixedPoint.maxMagnitude else { throw RCIError.outOfRange("delta", delta) }
        _ = try RCIFixedPoint.value(initialPrice, "initial price")
        for (n, v) in [("price threshold", thresholds.priceChange), ("reciprocity threshold", thresholds.reciprocity),
                       ("trade threshold", thresholds.tradeChange)] {
            guard v.isFinite, v > 0, v <= 1_000 else { throw RCIError.outOfRange(n, v) }
        }
        guard maxIterations > 0, maxIterations <= 10_000_000 else { throw RCIError.outOfRange("max iterations", Double(maxIterations)) }
        return self
    }
}
