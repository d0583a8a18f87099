import GridClearCore

/// How the price of a matched pair is set (`pricing` in `market.json`).
///
/// Guarantees: every rule prices a pair between the seller's ask and the buyer's bid (every
/// mechanism only matches pairs with ask ≤ bid), so under `midpoint` and `pay_as_bid` a buyer
/// never pays above its bid and under every rule a seller never receives below its ask.
/// Without a `pricing` setting each mechanism keeps its own rule (`defaultRule(for:)`), and
/// the result is exactly what it was before the setting existed.
public enum PricingRule: String, Sendable, Hashable, CaseIterable {
    /// Mean of bid and ask, rounded half to even (`Units.meanPrice`): CMAP and CDA default.
    case midpoint
    /// The buyer's bid price.
    case payAsBid = "pay_as_bid"
    /// The seller's ask price: K-prototypes default.
    case payAsOffer = "pay_as_offer"
    /// One price for every trade of the cycle: the uniform-price auction's clearing price
    /// (its default, and only meaningful there).
    case uniform

    /// The rule a mechanism uses when `market.json` names none.
    public static func defaultRule(for mechanism: String) -> PricingRule {
        switch mechanism {
        case "kproto": return .payAsOffer
        case "uniform": return .uniform
        default: return .midpoint
        }
    }

    /// Rules a mechanism accepts: every pairwise rule everywhere; `uniform` only for the
    /// uniform-price auction (CMAP, CDA and K-prototypes do not produce one price that lies
    /// between every matched bid and ask).
    public static func allowed(for mechanism: String) -> [PricingRule] {
        mechanism == "uniform" ? [.uniform, .midpoint, .payAsBid, .payAsOffer] : [.midpoint, .payAsBid, .payAsOffer]
    }

    /// The price of a pair with bid `bid` and ask `ask` (not defined for `uniform`, which keeps
    /// the mechanism's clearing price).
    public func price(bid: PriceTicks, ask: PriceTicks) -> PriceTicks? {
        switch self {
        case .midpoint: return Units.meanPrice(bid, ask)
        case .payAsBid: return bid
        case .payAsOffer: return ask
        case .uniform: return nil
        }
    }

    /// Re-prices the accepted and rejected rows of `result` by the rule `market` sets for its
    /// mechanism; returns `result` unchanged when that is the mechanism's own rule.
    static func apply(_ result: ClearingResult, inputs: CycleInputs) -> ClearingResult {
        guard let rule = inputs.market.pricing[result.mechanism], rule != defaultRule(for: result.mechanism) else { return result }
        let bids = Dictionary(inputs.bids.map { ($0.id, $0.price) }, uniquingKeysWith: { a, _ in a })
        let asks = Dictionary(inputs.offers.map { ($0.id, $0.price) }, uniquingKeysWith: { a, _ in a })
        var out = result
        for k in out.trades.indices where out.trades[k].status != .grid {
            let t = out.trades[k]
            if let b = bids[t.bidID], let a = asks[t.offerID], let p = rule.price(bid: b, ask: a) { out.trades[k].price = p }
        }
        return out
    }
}
