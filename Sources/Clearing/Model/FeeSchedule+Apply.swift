import GridClearCore

extension FeeSchedule {
    /// Attaches `TradeFees` to every row of `result` (zero on grid and rejected rows).
    /// (`CycleParser` refuses a by-path network fee without `grid.json`.)
    /// - Throws: `InputError` when a path's fees sum above 1000 CNY/kWh; `ClearingInvariantError`
    ///   on an overflow (cannot happen within `InputBounds`).
    static func apply(_ result: ClearingResult, inputs: CycleInputs) throws -> ClearingResult {
        guard let fees = inputs.market.fees else { return result }
        let loss = LossModel(market: inputs.market, grid: inputs.grid)
        let bids = Dictionary(inputs.bids.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let offers = Dictionary(inputs.offers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out = result
        out.feesApplied = true
        for k in out.trades.indices {
            let t = out.trades[k]
            guard t.status == .accepted, let b = bids[t.bidID], let o = offers[t.offerID] else { out.trades[k].fees = .zero; continue }
            let perKWh: PriceTicks
            switch fees.network {
            case .none: perKWh = 0
            case .distanceBands(let bands): perKWh = fees.bandFee(bands, distanceKm: t.distanceKm)
            case .gridPath:
                perKWh = loss.pair(b, o).networkFee
                guard perKWh <= InputBounds.maxPriceTicks else {
                    throw InputError(file: "grid.json", line: 0, column: 0,
                                     "the network fees on the path \(o.sellerID) → \(b.buyerID) sum to \(Units.priceString(perKWh)) CNY/kWh, above the 1000 CNY/kWh a fee may be")
                }
            }
            let (n, o1) = t.energy.multipliedReportingOverflow(by: perKWh)
            let (l, o2) = t.energy.multipliedReportingOverflow(by: fees.levyPerKWh)
            let (total, o3) = n.addingReportingOverflow(l)
            guard !o1, !o2, !o3 else { throw ClearingInvariantError("fees of \(t.bidID)/\(t.offerID) overflow") }
            let buyer: MoneyUnits, seller: MoneyUnits
            switch fees.payer {
            case .buyer: (buyer, seller) = (total, 0)
            case .seller: (buyer, seller) = (0, total)
            case .split: (buyer, seller) = (total - total / 2, total / 2)
            }
            out.trades[k].fees = TradeFees(network: n, levy: l, buyer: buyer, seller: seller)
        }
        return out
    }
}
