import GridClearCore

/// Market-wide configuration (`market.json`, SPEC §2), with the documented defaults.
public struct MarketConfig: Sendable, Hashable {
    public var priceMin: PriceTicks = 3023
    public var priceMax: PriceTicks = 14167
    /// Price at which buyers purchase from the upstream grid.
    public var gridBuyPrice: PriceTicks = 14167
    /// Feed-in price at which sellers sell surplus to the grid.
    public var gridSellPrice: PriceTicks = 3023
    public var lossPctPerKm: Double = 1.0
    public var maxLineKm: Double = 30
    public var mechanism: String = "cmap"
    public var gateClosureMinutes: Int = 15
    public var cmap = CMAPConfig()
    public var kproto = KProtoConfig()
    public var settlement = SettlementConfig()
    /// Pricing rule per mechanism name, only where `market.json` sets one (`PricingRule`).
    public var pricing: [String: PricingRule] = [:]
    /// Grid fees and levies on local trades; nil = none (`FeeSchedule`).
    public var fees: FeeSchedule?

    /// L_max in percent: `max_line_km × loss_pct_per_km`.
    public var maxLossPct: Double { maxLineKm * lossPctPerKm }

    public init() {}
}

/// CMAP-Matching parameters (SPEC §3.1).
public struct CMAPConfig: Sendable, Hashable {
    /// w1 (buyer side, Z1) and w2 (seller side, Z2).
    public var objectiveWeights: (Double, Double) = (0.5, 0.5)
    /// A party rejects a pair whose normalised satisfaction is below this.
    public var rejectionThreshold: Double = 0.43
    public var maxRounds: Int = 3
    public init() {}
    public static func == (a: Self, b: Self) -> Bool {
        a.objectiveWeights == b.objectiveWeights && a.rejectionThreshold == b.rejectionThreshold && a.maxRounds == b.maxRounds
    }
    public func hash(into h: inout Hasher) {
        h.combine(objectiveWeights.0); h.combine(objectiveWeights.1); h.combine(rejectionThreshold); h.combine(maxRounds)
    }
}

/// K-prototypes attribute weights (SPEC §3.2): α per numeric attribute, β per categorical.
public struct KProtoConfig: Sendable, Hashable {
    /// Keys: price, quantity, green, reputation, loss.
    public var numericWeights: [String: Double] = ["price": 1, "quantity": 1, "green": 1, "reputation": 1, "loss": 1]
    /// Keys: energy_type.
    public var categoricalWeights: [String: Double] = ["energy_type": 1]
    public init() {}
}

/// Settlement parameters (SPEC §3.5, §4.4).
public struct SettlementConfig: Sendable, Hashable {
    /// Tolerance σ in percent of matched energy.
    public var tolerancePct: Double = 5
    /// Cycles late meter data may arrive and still settle normally.
    public var lateCycles: Int = 4
    public init() {}
}
