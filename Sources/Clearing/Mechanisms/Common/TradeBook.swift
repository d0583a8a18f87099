import GridClearCore

/// Collects the trades of one sequential mechanism run and renders them in the
/// canonical order of `ClearingResult.trades`: accepted/rejected by (bid arrival,
/// offer arrival), then grid purchases by bid arrival, then grid sales by offer arrival.
///
/// Guarantees: every accepted trade carries the pair's loss and distance from the
/// `LossModel`; remainders handed to `finish` become exactly one grid row per quote
/// with a positive remainder, so energy is conserved in Wh.
struct TradeBook {
    private let lossModel: LossModel
    private let market: MarketConfig
    private var matched: [(bidArrival: Int, offerArrival: Int, seq: Int, trade: Trade)] = []

    init(inputs: CycleInputs) {
        self.market = inputs.market
        self.lossModel = LossModel(market: inputs.market, grid: inputs.grid)
    }

    /// Records an accepted participant trade of `energy` Wh at `price`.
    mutating func accept(_ bid: Bid, _ offer: Offer, energy: Wh, price: PriceTicks, pair: PairLoss? = nil) {
        precondition(energy > 0, "a trade must carry energy")
        let p = pair ?? lossModel.pair(bid, offer)
        let t = Trade(bidID: bid.id, offerID: offer.id, buyerID: bid.buyerID, sellerID: offer.sellerID,
                      energy: energy, price: price, lossPct: p.lossPct, distanceKm: p.distanceKm, status: .accepted)
        matched.append((bid.arrival, offer.arrival, matched.count, t))
    }

    /// Final trades: matched rows, then the grid rows for the remainders given
    /// (`bidRemainder[i]` Wh for `bids[i]`, `offerRemainder[i]` Wh for `offers[i]`).
    func finish(bids: [Bid], bidRemainder: [Wh], offers: [Offer], offerRemainder: [Wh]) -> [Trade] {
        var out = matched.sorted {
            ($0.bidArrival, $0.offerArrival, $0.seq) < ($1.bidArrival, $1.offerArrival, $1.seq)
        }.map(\.trade)
        let buys = zip(bids, bidRemainder).filter { $0.1 > 0 }.sorted { $0.0.arrival < $1.0.arrival }
        for (b, r) in buys { out.append(.fromGrid(b, energy: r, price: market.gridBuyPrice)) }
        let sells = zip(offers, offerRemainder).filter { $0.1 > 0 }.sorted { $0.0.arrival < $1.0.arrival }
        for (o, r) in sells { out.append(.toGrid(o, energy: r, price: market.gridSellPrice)) }
        return out
    }

    /// Pair loss lookup shared with the mechanism (same model as the rows).
    func pair(_ bid: Bid, _ offer: Offer) -> PairLoss { lossModel.pair(bid, offer) }
}
