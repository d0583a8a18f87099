/// One agent's RCI state machine (SPEC §5): a pure core fed its partners' shares and the
/// platform's decrypted consensus factors, returning its next shares and update plans.
///
/// The iteration contract is `RCIConsensusCore`'s; `advance` does SPEC §5 steps 2–5
/// (constraint factors, targets, weights, trades with sign projection) and the stop flag.
///
/// Guarantees: deterministic given the spec, parameters and perturbation seed; the only inputs
/// from other parties are the new λ_nm (own consensus factors) and the reciprocity verdict;
/// it never needs a partner's λ, P, cost or bounds in plaintext.
public struct RCIAgent: RCIConsensusCore {
    public let spec: RCIAgentSpec
    /// Partner ids in a fixed order; every array below is indexed the same way.
    public let partners: [String]
    public let parameters: RCIParameters
    public private(set) var iteration = 0
    /// λ_nm at result scale (exactly as produced by the update plan).
    public private(set) var lambdas: [Int64]
    /// P_nm in MW.
    public private(set) var trades: [Double]
    public private(set) var muUpper = 0.0
    public private(set) var muLower = 0.0
    /// The agent's own stop condition held in the last step (sent with the next shares).
    /// The local part of the stop condition held in the last step: max price change and max
    /// trade change ≤ their thresholds. The reciprocity part is decided on the shares of the
    /// next iteration (which are exactly the trades the run ends with), by the agent itself in
    /// plaintext and by the platform on blinded tests when encrypted.
    public private(set) var converged = false
    public private(set) var lastReport: RCIStepReport?
    public var sharesPrice: Bool { true }
    private var perturbation: RCIStepPerturbation?
    private let gammas: [Double]

    public init(spec: RCIAgentSpec, partners: [String], parameters: RCIParameters,
                perturbation: RCIStepPerturbation? = nil) throws {
        self.spec = try spec.validated()
        self.parameters = try parameters.validated()
        guard !partners.isEmpty, Set(partners).count == partners.count else {
            throw RCIError.protocolViolation("agent \(spec.id) needs a non-empty list of distinct partners")
        }
        self.partners = partners
        self.perturbation = perturbation
        let l0 = try RCIFixedPoint.value(parameters.initialPrice, "initial price") * RCIFixedPoint.coefficientScale
        lambdas = Array(repeating: l0, count: partners.count)
        trades = Array(repeating: 0, count: partners.count)
        gammas = partners.map { spec.gamma[$0] ?? 0 }
    }

    /// λ_nm as Doubles (€/MWh).
    public var prices: [Double] { lambdas.map(RCIFixedPoint.fromResult) }

    /// Step 0: what to send each partner at the start of this iteration.
    public func shares() throws -> [RCIShare] {
        try partners.indices.map { i in
            RCIShare(iteration: iteration, lambda: RCIFixedPoint.resultToValue(lambdas[i]),
                     power: try RCIFixedPoint.value(trades[i], "trade \(spec.id)→\(partners[i])"),
                     converged: converged)
        }
    }

    /// Step 1 plans, one per partner. Call once per iteration (it draws the private
    /// perturbation, if any).
    public mutating func plans() throws -> [RCIUpdatePlan] {
        var alpha = parameters.alpha.value(at: iteration)
        var beta = parameters.beta.value(at: iteration)
        if var p = perturbation {
            alpha = min(1, alpha * p.factor()); beta = min(1, beta * p.factor())
            perturbation = p
        }
        let a = try RCIFixedPoint.coefficient(alpha, "alpha at iteration \(iteration)")
        let b = try RCIFixedPoint.coefficient(beta, "beta at iteration \(iteration)")
        let own = try shares()
        return try own.map { s in
            let (x, o1) = (RCIFixedPoint.coefficientScale - b).multipliedReportingOverflow(by: s.lambda)
            let (y, o2) = a.multipliedReportingOverflow(by: s.power)
            let (c, o3) = x.subtractingReportingOverflow(y)
            guard !(o1 || o2 || o3) else { throw RCIError.arithmeticOverflow("update plan of \(spec.id)") }
            return RCIUpdatePlan(constant: c, lambdaCoefficient: b, powerCoefficient: -a)
        }
    }

    /// Whether the agent asks for the reciprocity verdict this iteration: only once its local
    /// price and trade criteria held in the last step (saves the encrypted test elsewhere).
    public var wantsReciprocityTest: Bool { converged }

    /// The reciprocity tests on this iteration's own trades, one per partner. The tolerance is
    /// the threshold at value scale less 2 units (the rounding of both shares), so a pair that
    /// passes has |P_nm + P_mn| ≤ threshold on the published (unrounded) trades as well.
    public func reciprocityTests() throws -> [RCIReciprocityTest] {
        let tol = max(0, try RCIFixedPoint.value(parameters.thresholds.reciprocity, "reciprocity threshold") - 2)
        return try shares().map { RCIReciprocityTest(ownPower: $0.power, tolerance: tol) }
    }

    /// Steps 2–5 with the new consensus factors (result scale, partner order) and the
    /// reciprocity verdict for this iteration's shares (nil when not tested).
    @discardableResult
    public mutating func advance(newLambdas: [Int64], reciprocityHolds: Bool?) throws -> RCIStepReport {
        guard newLambdas.count == partners.count else {
            throw RCIError.protocolViolation("agent \(spec.id) got \(newLambdas.count) prices for \(partners.count) partners")
        }
        let eta = parameters.eta.value(at: iteration)
        let pn = netPower
        // 2. constraint factors
        muUpper = max(0, muUpper + eta * (pn - spec.pMax))
        muLower = max(0, muLower + eta * (spec.pMin - pn))
        // 3.–5. targets, weights, trades
        let delta = parameters.delta
        let weightSum = trades.reduce(0) { $0 + abs($1) + delta }
        var maxTradeChange = 0.0, maxPriceChange = 0.0
        var next = trades
        for i in partners.indices {
            let lambda = RCIFixedPoint.fromResult(newLambdas[i])
            guard abs(lambda) <= RCIFixedPoint.maxMagnitude else { throw RCIError.outOfRange("λ \(spec.id)→\(partners[i])", lambda) }
            maxPriceChange = max(maxPriceChange, abs(lambda - RCIFixedPoint.fromResult(lambdas[i])))
            let target = (lambda - gammas[i] - spec.b - muUpper + muLower) / spec.a
            let w = (abs(trades[i]) + delta) / weightSum
            var p = trades[i] + w * (target - pn)
            p = spec.role == .generator ? max(0, p) : min(0, p)
            guard abs(p) <= RCIFixedPoint.maxMagnitude else { throw RCIError.outOfRange("trade \(spec.id)→\(partners[i])", p) }
            maxTradeChange = max(maxTradeChange, abs(p - trades[i]))
            next[i] = p
        }
        trades = next
        lambdas = newLambdas
        let t = parameters.thresholds
        converged = maxPriceChange <= t.priceChange && maxTradeChange <= t.tradeChange
        iteration += 1
        let report = RCIStepReport(iteration: iteration - 1, maxPriceChange: maxPriceChange, maxTradeChange: maxTradeChange,
                                   maxReciprocity: nil, reciprocityHolds: reciprocityHolds, converged: converged)
        lastReport = report
        return report
    }

    /// The agent's final (or current) result.
    public var outcome: RCIAgentOutcome {
        RCIAgentOutcome(id: spec.id, role: spec.role, netPower: netPower, iterations: iteration,
                        trades: partners.indices.map { RCITradeView(partner: partners[$0], power: trades[$0], price: prices[$0]) })
    }
}

/// One side's view of a trade: P_nm (MW, + = selling) and λ_nm (€/MWh).
public struct RCITradeView: Sendable, Equatable, Codable {
    public var partner: String
    public var power: Double
    public var price: Double
}

/// What an agent publishes at the end of a run: its net power and its side of each trade.
public struct RCIAgentOutcome: Sendable, Equatable, Codable {
    public var id: String
    public var role: RCIRole
    public var netPower: Double
    public var iterations: Int
    public var trades: [RCITradeView]
}
