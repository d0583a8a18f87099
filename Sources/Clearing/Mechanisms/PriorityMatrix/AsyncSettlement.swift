import GridClearCore

/// One metered amount of a cycle: a participant's supply (SL) or consumption (CL) in Wh.
public struct MeteredEnergy: Sendable, Hashable {
    public var participant: String
    public var energy: Wh
    public init(_ participant: String, _ energy: Wh) { self.participant = participant; self.energy = energy }
}

/// One record r of the settlement list RL: `energy` Wh from `seller` to `buyer`
/// at `price` (either side may be `"grid"`), amount = energy × price exactly.
public struct SettlementRecord: Sendable, Hashable {
    public static let grid = "grid"
    public var buyer: String
    public var seller: String
    public var energy: Wh
    public var price: PriceTicks
    public var amount: MoneyUnits { energy * price }
    public init(buyer: String, seller: String, energy: Wh, price: PriceTicks) {
        self.buyer = buyer; self.seller = seller; self.energy = energy; self.price = price
    }
}

/// Asynchronous settlement by priority matrix (SPEC §3.5, seed 003 Algorithm 1).
///
/// Sellers are taken in participant-id order; each serves the buyers of its row of
/// PM in priority order at the agreed price, min(remaining supply, remaining
/// consumption) each; buyers absent from CL or already served are skipped. When no
/// buyer remains the seller's surplus goes to the grid at `gridSellPrice` and the
/// *seller's* value becomes 0 **[change]** (the printed algorithm zeroes c.value).
/// Finally every unmet consumption is bought from the grid at `gridBuyPrice`
/// (Table 2.1 has one grid price; pass it twice).
///
/// Guarantees: Σ supply = Σ records with that seller; Σ consumption = Σ records with
/// that buyer (Wh exact); output order is deterministic (the algorithm's order).
public enum AsyncSettlement {
    public static func settle(supply: [MeteredEnergy], consumption: [MeteredEnergy], matrix: PriceMatrix,
                              gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks) -> [SettlementRecord] {
        var sl = aggregate(supply), cl = aggregate(consumption)
        var rl: [SettlementRecord] = []
        for seller in sl.keys.sorted() {
            for a in matrix.buyers(of: seller) {
                guard sl[seller]! > 0 else { break }
                guard let c = cl[a.buyer], c > 0 else { continue }
                let q = min(c, sl[seller]!)
                rl.append(SettlementRecord(buyer: a.buyer, seller: seller, energy: q, price: a.price))
                cl[a.buyer] = c - q
                sl[seller]! -= q
            }
            if sl[seller]! > 0 {
                rl.append(SettlementRecord(buyer: SettlementRecord.grid, seller: seller, energy: sl[seller]!, price: gridSellPrice))
                sl[seller] = 0
            }
        }
        for buyer in cl.keys.sorted() where cl[buyer]! > 0 {
            rl.append(SettlementRecord(buyer: buyer, seller: SettlementRecord.grid, energy: cl[buyer]!, price: gridBuyPrice))
        }
        return rl
    }

    /// Sums duplicate entries per participant; non-positive amounts are ignored.
    static func aggregate(_ list: [MeteredEnergy]) -> [String: Wh] {
        var m: [String: Wh] = [:]
        for e in list where e.energy > 0 { m[e.participant, default: 0] += e.energy }
        return m
    }
}
