import GridClearCore

/// The per-criterion satisfaction functions of CMAP-Matching (SPEC §3.1), each in [0, 10].
/// Pure functions of the two quotes and the pair's loss; hand-checked in the tests.
public enum CMAPSatisfaction {
    /// Buyer's satisfaction with a seller's ask price.
    public static func buyerPrice(ask: PriceTicks, bid: PriceTicks, priceMin: PriceTicks) -> Double {
        if ask < priceMin { return 0 }            // implausibly low ask
        if ask <= bid { return 10 }
        return 10 * Double(bid) / Double(ask)
    }
    /// Buyer's satisfaction with a seller's supply for its need.
    public static func supply(need: Wh, supply: Wh) -> Double {
        need <= supply ? 10 : 10 * Double(supply) / Double(need)
    }
    /// Either side's satisfaction with the pair's transmission loss.
    public static func loss(lossPct: Double, maxLossPct: Double) -> Double {
        if !lossPct.isFinite || lossPct > maxLossPct { return 0 }
        if maxLossPct <= 0 { return 10 }
        return 10 * (1 - lossPct / maxLossPct)
    }
    public static func energyType(wanted: EnergyType?, offered: EnergyType) -> Double {
        guard let wanted else { return 10 }        // no preference stated: every type satisfies
        return wanted == offered ? 10 : 0
    }
    public static func green(_ t: EnergyType) -> Double { t.isClean ? 10 : 0 }
    public static func reputation(_ r: Double) -> Double { 10 * r / 100 }
    /// Seller's satisfaction with a buyer's bid price.
    public static func sellerPrice(ask: PriceTicks, bid: PriceTicks, priceMax: PriceTicks) -> Double {
        if bid < ask { return 0 }
        if bid >= priceMax { return 0 }            // implausibly high bid
        return 10 * (1 - Double(ask) / Double(bid))
    }
    /// Seller's satisfaction with a buyer's demand for its supply.
    public static func demand(need: Wh, supply: Wh) -> Double {
        supply <= need ? 10 : 10 * Double(need) / Double(supply)
    }

    /// Composite buyer satisfaction a_ij = Σ w_h a_hij.
    public static func buyer(_ bid: Bid, _ offer: Offer, loss: PairLoss, market: MarketConfig) -> Double {
        var s = 0.0
        for (c, w) in bid.preferences.weights {
            let v: Double
            switch c {
            case .price: v = buyerPrice(ask: offer.price, bid: bid.price, priceMin: market.priceMin)
            case .supply: v = supply(need: bid.quantity, supply: offer.quantity)
            case .loss: v = Self.loss(lossPct: loss.lossPct, maxLossPct: market.maxLossPct)
            case .energyType: v = energyType(wanted: bid.energyType, offered: offer.energyType)
            case .green: v = green(offer.energyType)
            case .reputation: v = reputation(offer.reputation)
            }
            s += w * v
        }
        return s
    }

    /// Composite seller satisfaction b_ij = Σ v_q b_qij.
    public static func seller(_ bid: Bid, _ offer: Offer, loss: PairLoss, market: MarketConfig) -> Double {
        var s = 0.0
        for (c, w) in offer.preferences.weights {
            let v: Double
            switch c {
            case .price: v = sellerPrice(ask: offer.price, bid: bid.price, priceMax: market.priceMax)
            case .demand: v = demand(need: bid.quantity, supply: offer.quantity)
            case .loss: v = Self.loss(lossPct: loss.lossPct, maxLossPct: market.maxLossPct)
            case .reputation: v = reputation(bid.reputation)
            }
            s += w * v
        }
        return s
    }

    /// Min–max normalisation over the included entries to [0, 1]; all 1 when max = min.
    /// Excluded entries (mask false) are left at 0 and take no part.
    public static func normalise(_ x: [Double], include: [Bool]) -> [Double] {
        var lo = Double.infinity, hi = -Double.infinity
        for (k, v) in x.enumerated() where include[k] { lo = min(lo, v); hi = max(hi, v) }
        return x.enumerated().map { k, v in
            guard include[k] else { return 0 }
            return hi > lo ? (v - lo) / (hi - lo) : 1
        }
    }
}
