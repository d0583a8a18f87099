/// The consensus-ADMM variant for the same peer-to-peer problem (second algorithm; plaintext,
/// in-process). Per iteration, agent n with partners m:
///
///     P_n·^{k+1} = argmin f_n(Σ_m P_nm) + Σ_m ρ/2 (P_nm − t_nm)²,  t_nm = (P_nm^k − P_mn^k)/2 + λ_nm^k/ρ,
///                  s.t. P_min ≤ Σ_m P_nm ≤ P_max and the role's sign on each P_nm
///     λ_nm^{k+1} = λ_nm^k − ρ/2 (P_nm^{k+1} + P_mn^{k+1})
///
/// The local problem is solved exactly: with g the agent's marginal value, P_nm(g) =
/// proj(t_nm − g/ρ) and g solves Σ_m P_nm(g) = clip((g − b)/a, P_min, P_max) (bisection; left
/// side non-increasing, right side non-decreasing). Uses the same share shape as RCI (λ, P).
public struct ADMMAgent: Sendable {
    public let spec: RCIAgentSpec
    public let partners: [String]
    public let rho: Double
    public private(set) var lambdas: [Double]
    public private(set) var trades: [Double]
    public private(set) var iteration = 0

    public init(spec: RCIAgentSpec, partners: [String], rho: Double, initialPrice: Double = 0) throws {
        self.spec = try spec.validated()
        guard rho.isFinite, rho > 0 else { throw RCIError.outOfRange("rho", rho) }
        self.partners = partners; self.rho = rho
        lambdas = Array(repeating: initialPrice, count: partners.count)
        trades = Array(repeating: 0, count: partners.count)
    }

    public var netPower: Double { trades.reduce(0, +) }

    /// Local step with the partners' current trades P_mn (partner order); returns P_nm^{k+1}.
    public mutating func solveLocal(partnerTrades: [Double]) -> [Double] {
        let t = partners.indices.map { (trades[$0] - partnerTrades[$0]) / 2 + (lambdas[$0] - (spec.gamma[partners[$0]] ?? 0)) / rho }
        func project(_ x: Double) -> Double { spec.role == .generator ? max(0, x) : min(0, x) }
        func supply(_ g: Double) -> Double { t.reduce(0) { $0 + project($1 - g / rho) } }
        func demand(_ g: Double) -> Double { min(max((g - spec.b) / spec.a, spec.pMin), spec.pMax) }
        var lo = -1e7, hi = 1e7
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if supply(mid) > demand(mid) { lo = mid } else { hi = mid }
        }
        let g = (lo + hi) / 2
        trades = t.map { project($0 - g / rho) }
        return trades
    }

    /// Dual step with the partners' new trades.
    public mutating func updatePrices(partnerTrades: [Double]) {
        for i in partners.indices { lambdas[i] -= rho / 2 * (trades[i] + partnerTrades[i]) }
        iteration += 1
    }

    public var outcome: RCIAgentOutcome {
        RCIAgentOutcome(id: spec.id, role: spec.role, netPower: netPower, iterations: iteration,
                        trades: partners.indices.map { RCITradeView(partner: partners[$0], power: trades[$0], price: lambdas[$0]) })
    }
}

/// Runs every ADMM agent in one process until the primal residual max|P_nm + P_mn| and the
/// dual residual max|ΔP_nm| fall below `tolerance` (MW), or `maxIterations`.
public struct ADMMInProcessRun {
    public var agents: [ADMMAgent]
    private let index: [String: Int]
    private let back: [[Int]]

    public init(case c: RCICase, rho: Double = 1, initialPrice: Double = 0) throws {
        agents = try c.agents.map { try ADMMAgent(spec: $0, partners: try c.partners(of: $0.id), rho: rho, initialPrice: initialPrice) }
        let idx = Dictionary(uniqueKeysWithValues: agents.enumerated().map { ($1.spec.id, $0) })
        index = idx
        let list = agents
        back = list.map { me in me.partners.map { list[idx[$0]!].partners.firstIndex(of: me.spec.id)! } }
    }

    private func partnerTrades(_ n: Int, _ all: [[Double]]) -> [Double] {
        agents[n].partners.indices.map { all[index[agents[n].partners[$0]]!][back[n][$0]] }
    }

    public mutating func run(tolerance: Double = 1e-3, maxIterations: Int = 100_000) -> RCIOutcome {
        var converged = false
        while agents[0].iteration < maxIterations {
            let before = agents.map(\.trades)
            for n in agents.indices { _ = agents[n].solveLocal(partnerTrades: partnerTrades(n, before)) }
            let after = agents.map(\.trades)
            for n in agents.indices { agents[n].updatePrices(partnerTrades: partnerTrades(n, after)) }
            var primal = 0.0, dual = 0.0
            for n in agents.indices {
                for (i, p) in partnerTrades(n, after).enumerated() { primal = max(primal, abs(after[n][i] + p)) }
                for (x, y) in zip(after[n], before[n]) { dual = max(dual, abs(x - y)) }
            }
            if primal <= tolerance && dual <= tolerance { converged = true; break }
        }
        return RCIOutcome(agents: agents.map(\.outcome), converged: converged, iterations: agents[0].iteration)
    }
}
