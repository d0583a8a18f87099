import GridClearCore

/// Which distributed algorithm the agents run. Both exchange the same shares and affine
/// consensus-factor updates, so encryption, transport, flags and result proofs are shared.
public enum RCIAlgorithm: String, Sendable, Equatable, Codable, CaseIterable {
    /// Relaxed consensus + innovation (SPEC §5): the seed's algorithm.
    case rci
    /// Consensus ADMM on the same peer-to-peer problem: far fewer iterations.
    case admm
}

/// Thresholds of an agent's own stop condition (SPEC §5): all must hold, each compared with
/// `≤` exactly as stated. ADMM uses `reciprocity` for its primal residual max|P_nm + P_mn|
/// and `tradeChange` for its dual residual max|P_nm^{k+1} − P_nm^k|.
public struct RCIThresholds: Sendable, Equatable, Codable {
    /// max_m |λ_nm^{k+1} − λ_nm^k|, €/MWh (RCI only).
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
    public var algorithm: RCIAlgorithm
    /// α_k: weight of the reciprocity mismatch in the consensus-factor update (€/MWh per MW).
    public var alpha: StepSchedule
    /// β_k: weight of the partner price disagreement (dimensionless, < 0.5 for a contraction).
    public var beta: StepSchedule
    /// η_k: step of the bound multipliers μ̄, μ̲ (€/MWh per MW).
    public var eta: StepSchedule
    /// δ in the trade weights w_nm = (|P_nm| + δ)/Σ(|P_nm'| + δ), MW.
    public var delta: Double
    /// ADMM penalty ρ (€/MWh per MW), in (0, 2] so that the relaxed step 1.6·ρ/2 is a step
    /// coefficient (`ADMMAgent.stepCoefficient`). Default 1.25: the step coefficient is then 1.
    public var rho: Double
    /// λ_nm^0 for every pair, €/MWh (public).
    public var initialPrice: Double
    public var thresholds: RCIThresholds
    public var maxIterations: Int

    public init(algorithm: RCIAlgorithm = .rci, alpha: StepSchedule = .constant(0.05), beta: StepSchedule = .constant(0.2),
                eta: StepSchedule = .constant(0.05), delta: Double = 10, rho: Double = 1.25, initialPrice: Double = 0,
                thresholds: RCIThresholds = RCIThresholds(priceChange: 1e-3, reciprocity: 1e-2, tradeChange: 1e-3),
                maxIterations: Int = 100_000) {
        self.algorithm = algorithm
        self.alpha = alpha; self.beta = beta; self.eta = eta; self.delta = delta; self.rho = rho
        self.initialPrice = initialPrice; self.thresholds = thresholds; self.maxIterations = maxIterations
    }

    /// Throws `RCIError.outOfRange` naming the first bad parameter.
    public func validated() throws -> RCIParameters {
        _ = try alpha.validated("alpha"); _ = try beta.validated("beta"); _ = try eta.validated("eta")
        guard delta.isFinite, delta > 0, delta <= RCIFixedPoint.maxMagnitude else { throw RCIError.outOfRange("delta", delta) }
        guard rho.isFinite, rho > 0, rho <= 2 else { throw RCIError.outOfRange("rho (ADMM penalty, in (0, 2])", rho) }
        _ = try RCIFixedPoint.value(initialPrice, "initial price")
        for (n, v) in [("price threshold", thresholds.priceChange), ("reciprocity threshold", thresholds.reciprocity),
                       ("trade threshold", thresholds.tradeChange)] {
            guard v.isFinite, v > 0, v <= 1_000 else { throw RCIError.outOfRange(n, v) }
        }
        guard maxIterations > 0, maxIterations <= 10_000_000 else { throw RCIError.outOfRange("max iterations", Double(maxIterations)) }
        return self
    }
}

extension RCIParameters {
    /// Canonical bytes (doubles as IEEE bit patterns), as carried in the setup message.
    func encode(into w: inout ByteWriter) {
        w.text(algorithm.rawValue)
        for s in [alpha, beta, eta] { for x in [s.initial, s.halfLife, s.power] { w.u64(x.bitPattern) } }
        for x in [delta, rho, initialPrice, thresholds.priceChange, thresholds.reciprocity, thresholds.tradeChange] { w.u64(x.bitPattern) }
        w.i64(Int64(maxIterations))
    }

    static func decode(from r: inout ByteReader) throws -> RCIParameters {
        guard let algorithm = RCIAlgorithm(rawValue: try r.text(max: 16)) else {
            throw RCIError.protocolViolation("setup names an unknown algorithm")
        }
        func d() throws -> Double { Double(bitPattern: try r.u64()) }
        func s() throws -> StepSchedule { StepSchedule(initial: try d(), halfLife: try d(), power: try d()) }
        let alpha = try s(), beta = try s(), eta = try s()
        let delta = try d(), rho = try d(), initial = try d()
        let t = RCIThresholds(priceChange: try d(), reciprocity: try d(), tradeChange: try d())
        let maxIterations = try r.i64()
        guard maxIterations > 0, maxIterations <= 10_000_000 else { throw RCIError.outOfRange("max iterations", Double(maxIterations)) }
        return try RCIParameters(algorithm: algorithm, alpha: alpha, beta: beta, eta: eta, delta: delta, rho: rho,
                                 initialPrice: initial, thresholds: t, maxIterations: Int(maxIterations)).validated()
    }
}
