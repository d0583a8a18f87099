import GridClearCore

extension ClearingResult {
    /// The `trades.csv` columns (SPEC §2), in order.
    public static let tradeColumns = ["bid_id", "offer_id", "buyer_id", "seller_id", "energy_kwh", "price", "amount_cny",
                                      "loss_pct", "distance_km", "buyer_satisfaction", "seller_satisfaction", "status"]

    /// Columns appended to `trades.csv` when the market sets `fees` (money, 7 decimals, exact):
    /// the network fee and the levies of the row, and who pays them (buyer + seller = network + levy).
    public static let feeColumns = ["network_fee_cny", "levy_cny", "buyer_fee_cny", "seller_fee_cny"]

    /// `trades.csv`: energy with 3 decimals (exact Wh), price with 4 (exact ticks), amount in
    /// CNY with 7 decimals (exact: Wh × ticks), loss and distance with 6 decimals, satisfaction
    /// with 6 decimals or empty when the mechanism defines none. LF line endings.
    public func tradesCSV() -> String {
        var out = (Self.tradeColumns + (feesApplied ? Self.feeColumns : [])).joined(separator: ",") + "\n"
        for t in trades {
            let f: [String] = [
                t.bidID, t.offerID, t.buyerID, t.sellerID,
                Units.kWhString(t.energy), Units.priceString(t.price), Units.moneyString(t.amount),
                t.status == .grid ? "" : CanonicalText.number(t.lossPct, decimals: 6),
                t.status == .grid ? "" : CanonicalText.number(t.distanceKm, decimals: 6),
                t.buyerSatisfaction.map { CanonicalText.number($0, decimals: 6) } ?? "",
                t.sellerSatisfaction.map { CanonicalText.number($0, decimals: 6) } ?? "",
                t.status.rawValue,
            ] + (feesApplied ? [t.fees ?? .zero].flatMap { [$0.network, $0.levy, $0.buyer, $0.seller].map(Units.moneyString) } : [])
            out += f.map(CanonicalText.csvField).joined(separator: ",") + "\n"
        }
        return out
    }

    /// `summary.json`. With `includeTimings: false` it is canonical (identical bytes on every
    /// machine for the same inputs), which is what the ledger records.
    public func summaryJSON(inputs: CycleInputs, includeTimings: Bool) -> String {
        let mx = CycleMetrics.compute(inputs: inputs, result: self)
        var w = JSONWriter()
        w.add("cycle", inputs.cycleID)
        w.add("mechanism", mechanism)
        w.add("offers", inputs.offers.count)
        w.add("bids", inputs.bids.count)
        w.add("demand_kwh", raw: Units.kWhString(inputs.bids.reduce(0) { $0 + $1.quantity }))
        w.add("supply_kwh", raw: Units.kWhString(inputs.offers.reduce(0) { $0 + $1.quantity }))
        var rounds: [String] = []
        for r in self.rounds {
            var rw = JSONWriter()
            rw.add("round", r.round)
            rw.add("z1", r.z1, decimals: 9); rw.add("z2", r.z2, decimals: 9)
            rw.add("z1_max", r.z1Max, decimals: 9); rw.add("z1_min", r.z1Min, decimals: 9)
            rw.add("z2_max", r.z2Max, decimals: 9); rw.add("z2_min", r.z2Min, decimals: 9)
            rw.add("objective", r.objective, decimals: 9)
            rw.add("solver", r.solver)
            if includeTimings { rw.add("solve_seconds", r.solveSeconds, decimals: 6) }
            rw.add("matched_kwh", raw: Units.kWhString(r.matchedWh))
            rw.add("rejected_kwh", raw: Units.kWhString(r.rejectedWh))
            rw.add("rejected_pairs", r.rejectedPairs)
            rounds.append(rw.render(indent: 2))
        }
        w.add("rounds", raw: rounds.isEmpty ? "[]" : "[\n    " + rounds.joined(separator: ",\n    ") + "\n  ]")
        w.add("matched_kwh", raw: Units.kWhString(mx.matchedWh))
        w.add("matches", mx.matches)
        w.add("grid_kwh", raw: Units.kWhString(mx.gridBuyWh))
        w.add("grid_sold_kwh", raw: Units.kWhString(mx.gridSellWh))
        w.add("rejected_kwh", raw: Units.kWhString(mx.rejectedWh))
        w.add("clean_share", mx.cleanShare, decimals: 6)
        w.add("apet", mx.apet, decimals: 6)
        w.add("paid_cny", raw: Units.moneyString(mx.paidMoney))
        w.add("grid_paid_cny", raw: Units.moneyString(mx.gridPaidMoney))
        w.add("grid_received_cny", raw: Units.moneyString(mx.gridReceivedMoney))
        w.add("total_amount_cny", raw: Units.moneyString(mx.totalMoney))
        w.add("lost_kwh", mx.lostWh / 1000, decimals: 6)
        w.add("mean_loss_pct", mx.meanLossPct, decimals: 6)
        w.add("mean_distance_km", mx.meanDistanceKm, decimals: 6)
        w.add("mean_buyer_satisfaction", optional: mx.meanBuyerSatisfaction, decimals: 6)
        w.add("mean_seller_satisfaction", optional: mx.meanSellerSatisfaction, decimals: 6)
        w.add("low10_buyer_satisfaction", optional: mx.low10BuyerSatisfaction, decimals: 6)
        w.add("rejected_share", mx.rejectedShare, decimals: 6)
        w.add("unmatched_buyers", mx.unmatchedBuyers)
        w.add("unmatched_sellers", mx.unmatchedSellers)
        if let rule = inputs.market.pricing[mechanism] { w.add("pricing", rule.rawValue) }
        if feesApplied {
            let f = trades.reduce(TradeFees.zero) { s, t in
                let x = t.fees ?? .zero
                return TradeFees(network: s.network + x.network, levy: s.levy + x.levy, buyer: s.buyer + x.buyer, seller: s.seller + x.seller)
            }
            w.add("network_fee_cny", raw: Units.moneyString(f.network))
            w.add("levy_cny", raw: Units.moneyString(f.levy))
            w.add("buyer_fees_cny", raw: Units.moneyString(f.buyer))
            w.add("seller_fees_cny", raw: Units.moneyString(f.seller))
        }
        for k in extra.keys.sorted() { w.add(k, extra[k]!) }
        if includeTimings { w.add("solve_seconds", self.rounds.reduce(0) { $0 + $1.solveSeconds }, decimals: 6) }
        return w.render() + "\n"
    }
}
