import GridClearCore

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

/// Asynchronous settlement by priority matrix (SPEC §3.5, seed 003 Algorithm 1), from the
/// cycle's metered energy: sellers' entries form the supply list SL, buyers' the consumption
/// list CL (`MeteredParty`, the one metered-energy input of settlement; missing data counts 0).
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
    public static func settle(_ metered: [MeteredParty], matrix: PriceMatrix,
                              gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks) -> [SettlementRecord] {
        var sl = aggregate(metered, .seller), cl = aggregate(metered, .buyer)
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

    /// Sums the entries of one role per participant; missing and non-positive amounts are ignored.
    static func aggregate(_ list: [MeteredParty], _ role: MeteredParty.Role) -> [String: Wh] {
        var m: [String: Wh] = [:]
        for e in list where e.role == role { if let wh = e.wh, wh > 0 { m[e.participant, default: 0] += wh } }
        return m
    }
}
