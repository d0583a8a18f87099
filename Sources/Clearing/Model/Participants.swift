import GridClearCore

/// Kind of generation behind an offer. Everything but thermal is clean.
public enum EnergyType: String, CaseIterable, Sendable, Hashable, Comparable {
    case thermal, wind, hydro, solar, biomass
    public var isClean: Bool { self != .thermal }
    public static func < (a: EnergyType, b: EnergyType) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Where a participant sits: WGS84 coordinates, or a node of `grid.json`.
public enum Location: Sendable, Hashable {
    case coordinates(lat: Double, lon: Double)
    case node(String)
}

/// Criteria a buyer may weigh when judging sellers (SPEC §2, §3.1).
public enum BuyerCriterion: String, CaseIterable, Sendable, Hashable {
    case price, supply, loss, energyType = "energy_type", green, reputation
}

/// Criteria a seller may weigh when judging buyers (SPEC §2, §3.1).
public enum SellerCriterion: String, CaseIterable, Sendable, Hashable {
    case price, demand, loss, reputation
}

/// A weighted criterion list; weights are exact decimals summing to exactly 1.
/// Order is the order given in the file (evaluation sums in canonical criterion order).
public struct Preferences<Criterion: Hashable & Sendable>: Sendable, Hashable {
    public var weights: [(criterion: Criterion, weight: Double)]
    public init(_ weights: [(criterion: Criterion, weight: Double)]) { self.weights = weights }
    public static func == (a: Self, b: Self) -> Bool {
        a.weights.count == b.weights.count && zip(a.weights, b.weights).allSatisfy { $0.criterion == $1.criterion && $0.weight == $1.weight }
    }
    public func hash(into h: inout Hasher) { for w in weights { h.combine(w.criterion); h.combine(w.weight) } }
}

/// One sell offer of a cycle (a row of `offers.csv`). Quantities and prices are exact integers.
public struct Offer: Sendable, Hashable {
    public var id: String
    public var sellerID: String
    public var price: PriceTicks
    public var quantity: Wh
    public var energyType: EnergyType
    public var location: Location
    /// Reputation 0–100.
    public var reputation: Double
    public var preferences: Preferences<SellerCriterion>
    /// Submission time in milliseconds since the Unix epoch, when given.
    public var submittedAtMillis: Int64?
    /// Arrival rank: 0-based order by (submitted_at, file order); the tie-break for sequential mechanisms.
    public var arrival: Int
    /// 1-based line of the row in its file (for messages).
    public var line: Int

    public init(id: String, sellerID: String, price: PriceTicks, quantity: Wh, energyType: EnergyType,
                location: Location, reputation: Double, preferences: Preferences<SellerCriterion>,
                submittedAtMillis: Int64? = nil, arrival: Int, line: Int = 0) {
        self.id = id; self.sellerID = sellerID; self.price = price; self.quantity = quantity
        self.energyType = energyType; self.location = location; self.reputation = reputation
        self.preferences = preferences; self.submittedAtMillis = submittedAtMillis
        self.arrival = arrival; self.line = line
    }
}

/// One purchase bid of a cycle (a row of `bids.csv`).
public struct Bid: Sendable, Hashable {
    public var id: String
    public var buyerID: String
    public var price: PriceTicks
    public var quantity: Wh
    public var energyType: EnergyType?
    /// Expected environmental-protection index 0–1 (K-prototypes).
    public var greenIndex: Double?
    /// Acceptable transmission loss in percent.
    public var maxLossPct: Double?
    public var location: Location
    public var reputation: Double
    public var preferences: Preferences<BuyerCriterion>
    public var submittedAtMillis: Int64?
    public var arrival: Int
    public var line: Int

    public init(id: String, buyerID: String, price: PriceTicks, quantity: Wh, energyType: EnergyType? = nil,
                greenIndex: Double? = nil, maxLossPct: Double? = nil, location: Location, reputation: Double,
                preferences: Preferences<BuyerCriterion>, submittedAtMillis: Int64? = nil, arrival: Int, line: Int = 0) {
        self.id = id; self.buyerID = buyerID; self.price = price; self.quantity = quantity
        self.energyType = energyType; self.greenIndex = greenIndex; self.maxLossPct = maxLossPct
        self.location = location; self.reputation = reputation; self.preferences = preferences
        self.submittedAtMillis = submittedAtMillis; self.arrival = arrival; self.line = line
    }
}
