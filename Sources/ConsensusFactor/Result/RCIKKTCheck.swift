/// The KKT conditions of the peer-to-peer problem checked directly on a result:
///
///     min Σ_n ½a_nP_n² + b_nP_n + Σ_m γ_nm|P_nm|   s.t.  P_nm + P_mn = 0,  P_min ≤ P_n ≤ P_max
///
/// - feasibility: bounds (within `tolerance` MW) and reciprocity of every pair;
/// - stationarity on every active trade: r = λ_nm − γ_nm − (a_n P_n + b_n) = μ̄ − μ̲ ≈ 0;
/// - complementary slackness / dual sign: r may be > 0 only at P_max, < 0 only at P_min;
/// - dual feasibility on inactive pairs: no generator–consumer pair both of whose marginal
///   values would gain from trading (generator's marginal cost + γ below the consumer's
///   marginal value − γ by more than `priceTolerance`).
public struct RCIKKTReport: Sendable, Equatable {
    public var maxBoundViolation: Double
    public var maxReciprocity: Double
    /// max |r| over active trades of interior agents (€/MWh).
    public var maxStationarity: Double
    /// max wrong-signed r over active trades of agents at a bound (€/MWh).
    public var maxSlacknessViolation: Double
    /// max profitable gap over inactive pairs (€/MWh).
    public var maxInactiveGap: Double

    public func holds(powerTolerance: Double, priceTolerance: Double) -> Bool {
        maxBoundViolation <= powerTolerance && maxReciprocity <= powerTolerance
            && maxStationarity <= priceTolerance && maxSlacknessViolation <= priceTolerance
            && maxInactiveGap <= priceTolerance
    }
}

extension RCIOutcome {
    /// Evaluates the KKT conditions; `boundTolerance` (MW) decides when an agent counts as
    /// sitting at a bound.
    public func kkt(_ c: RCICase, boundTolerance: Double = 0.05) -> RCIKKTReport {
        let specs = Dictionary(uniqueKeysWithValues: c.agents.map { ($0.id, $0) })
        let net = netPowers
        var report = RCIKKTReport(maxBoundViolation: 0, maxReciprocity: residuals.reciprocity, maxStationarity: 0,
                                  maxSlacknessViolation: 0, maxInactiveGap: 0)
        var marginal: [String: Double] = [:]
        for a in agents {
            guard let s = specs[a.id] else { continue }
            let p = a.netPower
            report.maxBoundViolation = max(report.maxBoundViolation, s.pMin - p, p - s.pMax)
            let mc = s.a * p + s.b
            marginal[a.id] = mc
            let atMax = p >= s.pMax - boundTolerance, atMin = p <= s.pMin + boundTolerance
            for t in a.trades where abs(t.power) >= Self.activeTradeThreshold {
                let r = t.price - (s.gamma[t.partner] ?? 0) - mc
                if !atMax && !atMin { report.maxStationarity = max(report.maxStationarity, abs(r)) }
                if atMax && !atMin { report.maxSlacknessViolation = max(report.maxSlacknessViolation, -r) }
                if atMin && !atMax { report.maxSlacknessViolation = max(report.maxSlacknessViolation, r) }
            }
        }
        for pair in allPairs where pair.power < Self.activeTradeThreshold {
            guard let g = specs[pair.from], let d = specs[pair.to], let pg = net[g.id], let pd = net[d.id] else { continue }
            // Selling one more MW from g to d: g's marginal cost (+ its γ) versus d's marginal value (− its γ).
            let gCost = g.a * pg + g.b + (g.gamma[d.id] ?? 0)
            let dValue = d.a * pd + d.b - (d.gamma[g.id] ?? 0)
            let gCanSell = pg < g.pMax - boundTolerance, dCanBuy = pd > d.pMin + boundTolerance
            if gCanSell && dCanBuy { report.maxInactiveGap = max(report.maxInactiveGap, dValue - gCost) }
        }
        report.maxBoundViolation = max(0, report.maxBoundViolation)
        return report
    }
}
