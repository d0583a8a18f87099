import GridClearCore

/// Where the aggregate demand and supply step curves cross (SPEC §3.4).
///
/// Bids are sorted by price descending, offers ascending (ties by arrival), and matched
/// greedily while the bid price ≥ the ask price; `quantity` is the traded volume Q*.
///
/// Price rule: every price in [lo, hi] clears Q* (lo = max(last accepted ask, first
/// bid left with a remainder), hi = min(last accepted bid, first offer left with a
/// remainder)); the clearing price is the midpoint of that interval, rounded half to
/// even to a tick (the "k = ½" double auction). When the marginal bid or offer is only
/// partially filled the interval is a single price — that quote's own price.
/// So no accepted buyer pays above its bid and no accepted seller receives below its ask.
public struct UniformClearing: Sendable {
    /// Bids in curve order (price descending, then arrival) and the Wh each has accepted.
    public let bids: [Bid]
    public let acceptedBid: [Wh]
    /// Offers in curve order (price ascending, then arrival) and the Wh each has accepted.
    public let offers: [Offer]
    public let acceptedOffer: [Wh]
    public let quantity: Wh
    /// nil when nothing crosses.
    public let price: PriceTicks?
    public let lo: PriceTicks?
    public let hi: PriceTicks?

    public init(bids unsortedBids: [Bid], offers unsortedOffers: [Offer]) {
        let bs = unsortedBids.sorted { ($1.price, $0.arrival) < ($0.price, $1.arrival) }
        let os = unsortedOffers.sorted { ($0.price, $0.arrival) < ($1.price, $1.arrival) }
        var accB = [Wh](repeating: 0, count: bs.count), accO = [Wh](repeating: 0, count: os.count)
        var i = 0, j = 0, total: Wh = 0
        var lastBid = -1, lastOffer = -1
        while i < bs.count, j < os.count, bs[i].price >= os[j].price {
            let q = min(bs[i].quantity - accB[i], os[j].quantity - accO[j])
            accB[i] += q; accO[j] += q; total += q
            lastBid = i; lastOffer = j
            if accB[i] == bs[i].quantity { i += 1 }
            if accO[j] == os[j].quantity { j += 1 }
        }
        bids = bs; offers = os; acceptedBid = accB; acceptedOffer = accO; quantity = total
        if total == 0 {
            price = nil; lo = nil; hi = nil
        } else {
            let firstBidLeft = i < bs.count ? bs[i].price : PriceTicks.min
            let firstOfferLeft = j < os.count ? os[j].price : PriceTicks.max
            let l = max(os[lastOffer].price, firstBidLeft)
            let h = min(bs[lastBid].price, firstOfferLeft)
            lo = l; hi = h; price = Units.meanPrice(l, h)
        }
    }
}

/// Uniform-price double auction, pay-as-clear (SPEC §3.4; seed 003 §4.4.4's
/// "simple bilateral matching" baseline).
///
/// Price: `UniformClearing` (the crossing of the aggregate curves, midpoint of the clearing
/// interval). Volume: set over admissible pairs only (`PairLoss.admits`: reachable and within
/// the buyer's `max_loss_pct`). Every bid with price ≥ p and every offer with price ≤ p is
/// willing to trade at p; bids in curve order (price descending, then arrival) take the
/// willing offers in curve order (price ascending, then arrival) over admissible pairs.
/// Without network limits this is exactly the curves' Q* and pairing; with them, supply a
/// blocked pair could not use goes to the next willing seller instead of the grid.
/// Guarantees: every trade is at p, so no buyer pays above its bid and no seller receives
/// below its ask; remainders go to the grid; energy is conserved in Wh.
public struct UniformPriceAuction: ClearingMechanism {
    public let name = "uniform"
    public init() {}

    public func clear(_ inputs: CycleInputs, context: ClearingContext) throws -> ClearingResult {
        let uc = UniformClearing(bids: inputs.bidsByArrival, offers: inputs.offersByArrival)
        var book = TradeBook(inputs: inputs)
        var bidLeft = uc.bids.map(\.quantity), offerLeft = uc.offers.map(\.quantity)
        var traded: Wh = 0
        if let p = uc.price {
            let willingOffers = uc.offers.indices.filter { uc.offers[$0].price <= p }
            var start = 0
            for (bi, b) in uc.bids.enumerated() where b.price >= p {
                while start < willingOffers.count, offerLeft[willingOffers[start]] == 0 { start += 1 }
                for oj in willingOffers[start...] where bidLeft[bi] > 0 && offerLeft[oj] > 0 {
                    let pair = book.pair(b, uc.offers[oj])
                    guard pair.admits(b) else { continue }
                    let q = min(bidLeft[bi], offerLeft[oj])
                    book.accept(b, uc.offers[oj], energy: q, price: p, pair: pair)
                    bidLeft[bi] -= q; offerLeft[oj] -= q; traded += q
                }
            }
        }
        let trades = book.finish(bids: uc.bids, bidRemainder: bidLeft, offers: uc.offers, offerRemainder: offerLeft)
        var extra = ["cleared_kwh": Units.kWhString(traded)]
        if let p = uc.price, let lo = uc.lo, let hi = uc.hi {
            extra["clearing_price"] = Units.priceString(p)
            extra["price_interval"] = Units.priceString(lo) + ".." + Units.priceString(hi)
        }
        let result = ClearingResult(mechanism: name, trades: trades, extra: extra)
        result._checkInvariants(against: inputs)
        return result
    }
}
