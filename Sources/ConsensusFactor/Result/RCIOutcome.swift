/// A cleared trade between a generator (`from`) and a consumer (`to`): the average of the two
/// sides' powers (MW, positive = from → to) and consensus factors (€/MWh).
public struct RCITrade: Sendable, Equatable, Codable {
    public var from: String
    public var to: String
    public var power: Double
    public var price: Double
}

/// Residuals of a result: how far it is from a consensus solution.
public struct RCIResiduals: Sendable, Equatable, Codable {
    /// max over pairs of |P_nm + P_mn| (MW).
    public var reciprocity: Double
    /// max over pairs of |λ_nm − λ_mn| (€/MWh).
    public var priceDisagreement: Double
    /// |Σ_n P_n| (MW).
    public var powerBalance: Double
}

/// The published outcome of a run: every agent's net power and trade sides, plus the
/// derived trade list and residuals.
///
/// Guarantees: `trades` lists each generator–consumer pair whose averaged power is at least
/// `activeTradeThreshold` (1 kW), ordered by generator then consumer in case order.
public struct RCIOutcome: Sendable, Equatable {
    public static let activeTradeThreshold = 0.001
    public var agents: [RCIAgentOutcome]
    public var converged: Bool
    public var iterations: Int

    public init(agents: [RCIAgentOutcome], converged: Bool, iterations: Int) {
        self.agents = agents; self.converged = converged; self.iterations = iterations
    }

    public var netPowers: [String: Double] { Dictionary(uniqueKeysWithValues: agents.map { ($0.id, $0.netPower) }) }

    private var sides: [String: [String: RCITradeView]] {
        Dictionary(uniqueKeysWithValues: agents.map { a in (a.id, Dictionary(uniqueKeysWithValues: a.trades.map { ($0.partner, $0) })) })
    }

    /// Every generator–consumer pair, averaged over both sides (including inactive pairs).
    public var allPairs: [RCITrade] {
        let s = sides
        var out: [RCITrade] = []
        for g in agents where g.role == .generator {
            for t in g.trades {
                guard let other = s[t.partner]?[g.id] else { continue }
                out.append(RCITrade(from: g.id, to: t.partner, power: (t.power - other.power) / 2, price: (t.price + other.price) / 2))
            }
        }
        return out
    }

    public var trades: [RCITrade] { allPairs.filter { $0.power >= Self.activeTradeThreshold } }

    public var residuals: RCIResiduals {
        let s = sides
        var rec = 0.0, gap = 0.0
        for g in agents where g.role == .generator {
            for t in g.trades {
                guard let other = s[t.partner]?[g.id] else { continue }
                rec = max(rec, abs(t.power + other.power)); gap = max(gap, abs(t.price - other.price))
            }
        }
        return RCIResiduals(reciprocity: rec, priceDisagreement: gap, powerBalance: abs(agents.reduce(0) { $0 + $1.netPower }))
    }

    /// Σ_n f_n(P_n) under the case's cost functions (€).
    public func totalCost(_ c: RCICase) -> Double {
        let p = netPowers
        return c.agents.reduce(0) { $0 + $1.cost(at: p[$1.id] ?? 0) }
    }
}
