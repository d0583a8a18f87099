/// The consensus-ADMM agent for the same peer-to-peer problem, in the same share/plan/advance
/// shape as `RCIAgent` so that it runs under the same protocol machine, encryption,
/// transport, flags and result proofs. Per iteration, agent n with partners m:
///
///     P_n·^{k+1} = argmin f_n(Σ_m P_nm) + Σ_m ρ/2 (P_nm − t_nm)²,  t_nm = z_nm^k + (λ_nm^k − γ_nm)/ρ,
///                  s.t. P_min ≤ Σ_m P_nm ≤ P_max and the role's sign on each P_nm
///     λ_nm^{k+1} = λ_nm^k − a·ρ/2 (P_nm^{k+1} + P_mn^{k+1})
///     z_nm^{k+1} = a·(P_nm^{k+1} − P_mn^{k+1})/2 + (1 − a)·z_nm^k,   z⁰ = 0
///
/// with the over-relaxation a = `relaxation` (Boyd et al., "Distributed optimization … ADMM",
/// §3.4.3: x̂ = a·x + (1 − a)·z; the z-parts of a pair cancel in the λ update because
/// z_nm = −z_mn, so λ keeps the affine shape with coefficient a·ρ/2 and λ_nm = λ_mn still).
/// a = 1 is plain consensus ADMM; a = 1.6 with ρ = 1.25 cut New England 31 from 133 to 83
/// iterations, 5×5 from 71 to 57 and 2×3 from 101 to 82 (against a = 1, ρ = 1), to the same
/// optimum within the stop thresholds.
///
/// The local problem is solved exactly: with g the agent's marginal value, P_nm(g) =
/// proj(t_nm − g/ρ) and g solves Σ_m P_nm(g) = clip((g − b)/a, P_min, P_max) (bisection; left
/// side non-increasing, right side non-decreasing, 64 halvings).
///
/// Mapping onto the protocol: the share carries P_nm^{k+1} (λ is not needed by the partner);
/// the plan is λ_nm^{k+1}·R = (λ_nm^k·R − c·P_nm^{k+1}·V) − c·(P_mn^{k+1}·V) with c = a·ρ/2 at
/// coefficient scale, exactly the shape of RCI's update, so it is evaluated on Paillier
/// ciphertexts the same way. From λ^{k+1} the agent recovers P_mn^{k+1} exactly (as it could
/// in plaintext ADMM), hence its stop condition is local and exact: primal residual
/// max|P_nm + P_mn| ≤ `thresholds.reciprocity` and dual residual max|ΔP_nm| ≤
/// `thresholds.tradeChange`. The outcome is the last exchanged trades (the ones the
/// residuals were measured on), not the next local solution.
public struct ADMMAgent: RCIConsensusCore {
    public let spec: RCIAgentSpec
    public let partners: [String]
    public let parameters: RCIParameters
    public var rho: Double { parameters.rho }
    /// The over-relaxation a (see the type's documentation), public and the same for every agent.
    public static let relaxation = 1.6
    /// The public step a·ρ/2 at coefficient scale: the plans' power coefficient is its negative
    /// (what per-iteration proofs check). At most 1.6 (ρ ≤ 2; `RCIFixedPoint`'s bounds).
    public static func stepCoefficient(rho: Double) throws -> Int64 {
        try RCIFixedPoint.coefficient(relaxation * rho / 2, "relaxation · rho / 2", limit: 1.6)
    }
    /// a·ρ/2 at coefficient scale.
    private let halfRho: Int64
    public private(set) var iteration = 0
    /// λ_nm at result scale.
    public private(set) var lambdas: [Int64]
    /// The last exchanged P_nm (MW).
    public private(set) var trades: [Double]
    /// The partners' last P_mn (MW), recovered from λ.
    public private(set) var partnerTrades: [Double]
    /// The next local solution, sent in the next shares.
    private var next: [Double]
    public private(set) var converged = false
    public private(set) var lastReport: RCIStepReport?
    public var sharesPrice: Bool { false }
    public var wantsReciprocityTest: Bool { false }
    private let gammas: [Double]
    /// z_nm: the relaxed consensus value of the pair's trade (from n's side).
    private var consensusTrades: [Double]

    public init(spec: RCIAgentSpec, partners: [String], parameters: RCIParameters) throws {
        self.spec = try spec.validated()
        self.parameters = try parameters.validated()
        guard !partners.isEmpty, Set(partners).count == partners.count else {
            throw RCIError.protocolViolation("agent \(spec.id) needs a non-empty list of distinct partners")
        }
        self.partners = partners
        halfRho = try Self.stepCoefficient(rho: parameters.rho)
        guard halfRho > 0 else { throw RCIError.outOfRange("rho", parameters.rho) }
        let l0 = try RCIFixedPoint.value(parameters.initialPrice, "initial price") * RCIFixedPoint.coefficientScale
        lambdas = Array(repeating: l0, count: partners.count)
        trades = Array(repeating: 0, count: partners.count)
        partnerTrades = trades
        gammas = partners.map { spec.gamma[$0] ?? 0 }
        next = trades
        consensusTrades = trades
        next = solveLocal()
    }

    public func shares() throws -> [RCIShare] {
        try partners.indices.map { i in
            RCIShare(iteration: iteration, lambda: RCIFixedPoint.resultToValue(lambdas[i]),
                     power: try RCIFixedPoint.value(next[i], "trade \(spec.id)→\(partners[i])"), converged: converged)
        }
    }

    public mutating func plans() throws -> [RCIUpdatePlan] {
        try partners.indices.map { i in
            let p = try RCIFixedPoint.value(next[i], "trade \(spec.id)→\(partners[i])")
            let (x, o1) = halfRho.multipliedReportingOverflow(by: p)
            let (c, o2) = lambdas[i].subtractingReportingOverflow(x)
            guard !(o1 || o2) else { throw RCIError.arithmeticOverflow("ADMM update plan of \(spec.id)") }
            return RCIUpdatePlan(constant: c, lambdaCoefficient: 0, powerCoefficient: -halfRho)
        }
    }

    public func reciprocityTests() throws -> [RCIReciprocityTest] { [] }

    @discardableResult
    public mutating func advance(newLambdas: [Int64], reciprocityHolds: Bool?) throws -> RCIStepReport {
        guard newLambdas.count == partners.count else {
            throw RCIError.protocolViolation("agent \(spec.id) got \(newLambdas.count) prices for \(partners.count) partners")
        }
        let v = Double(RCIFixedPoint.valueScale)
        var primal = 0.0, dual = 0.0, priceChange = 0.0
        var recovered = partnerTrades
        for i in partners.indices {
            let own = try RCIFixedPoint.value(next[i], "trade \(spec.id)→\(partners[i])")
            let constant = lambdas[i] - halfRho * own
            let (diff, o) = constant.subtractingReportingOverflow(newLambdas[i])
            guard !o, diff % halfRho == 0 else {
                throw RCIError.protocolViolation("ADMM price for \(spec.id)→\(partners[i]) is not an update of its own plan")
            }
            let theirs = diff / halfRho
            guard abs(theirs) <= 100_000_000_000 else { throw RCIError.outOfRange("trade \(partners[i])→\(spec.id)", Double(theirs) / v) }
            recovered[i] = Double(theirs) / v
            primal = max(primal, Double((own + theirs).magnitude) / v)
            dual = max(dual, abs(next[i] - trades[i]))
            priceChange = max(priceChange, abs(RCIFixedPoint.fromResult(newLambdas[i]) - RCIFixedPoint.fromResult(lambdas[i])))
        }
        for i in partners.indices {
            consensusTrades[i] = Self.relaxation * (next[i] - recovered[i]) / 2 + (1 - Self.relaxation) * consensusTrades[i]
        }
        trades = next
        partnerTrades = recovered
        lambdas = newLambdas
        let t = parameters.thresholds
        // primal on value-scale integers; + 2 µW covers the rounding of both shares, so the
        // published (unrounded) trades meet |P_nm + P_mn| ≤ threshold too.
        converged = primal + 2 / v <= t.reciprocity && dual <= t.tradeChange
        iteration += 1
        next = solveLocal()
        let report = RCIStepReport(iteration: iteration - 1, maxPriceChange: priceChange, maxTradeChange: dual,
                                   maxReciprocity: primal, reciprocityHolds: nil, converged: converged)
        lastReport = report
        return report
    }

    /// The exact local minimiser for the current λ, own and partner trades.
    private func solveLocal() -> [Double] {
        let rho = parameters.rho, spec = spec
        let t = partners.indices.map { consensusTrades[$0] + (RCIFixedPoint.fromResult(lambdas[$0]) - gammas[$0]) / rho }
        func project(_ x: Double) -> Double { spec.role == .generator ? max(0, x) : min(0, x) }
        func supply(_ g: Double) -> Double { t.reduce(0) { $0 + project($1 - g / rho) } }
        func demand(_ g: Double) -> Double { min(max((g - spec.b) / spec.a, spec.pMin), spec.pMax) }
        var lo = -1e7, hi = 1e7
        for _ in 0..<64 {  // 2·10⁷ / 2⁶⁴: far below a Double's resolution at these magnitudes
            let mid = (lo + hi) / 2
            if supply(mid) > demand(mid) { lo = mid } else { hi = mid }
        }
        let g = (lo + hi) / 2
        return t.map { project($0 - g / rho) }
    }

    public var outcome: RCIAgentOutcome {
        RCIAgentOutcome(id: spec.id, role: spec.role, netPower: netPower, iterations: iteration,
                        trades: partners.indices.map { RCITradeView(partner: partners[$0], power: trades[$0],
                                                                    price: RCIFixedPoint.fromResult(lambdas[$0])) })
    }
}
