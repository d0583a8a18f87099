import GridClearCore

/// The metrics of the seed experiments (SPEC §3.8) for one cleared cycle.
/// Computed from the trades alone (plus the inputs for types and user counts), so
/// every mechanism is measured the same way.
public struct CycleMetrics: Sendable, Hashable {
    /// Energy traded between participants (status `accepted`), Wh.
    public var matchedWh: Wh
    /// Number of accepted participant-to-participant trades.
    public var matches: Int
    /// Energy bought from the grid by buyers, Wh.
    public var gridBuyWh: Wh
    /// Energy sold to the grid by sellers, Wh.
    public var gridSellWh: Wh
    /// Energy proposed but rejected (CMAP), Wh.
    public var rejectedWh: Wh
    /// Clean supply / total supply (SPEC §3.8): energy buyers received from clean sellers over
    /// all energy buyers received, from participants and from the grid (the grid counts as not
    /// clean). 0 when there is no demand. (Before issue 16 this was clean / matched energy,
    /// which rated a mechanism that matched 1 kWh of solar and bought the rest from the grid at 1.)
    public var cleanShare: Double
    /// Average price of effective energy: total paid / (energy − lost energy), CNY/kWh,
    /// over participant trades (grid purchases excluded). 0 when nothing matched.
    public var apet: Double
    /// Energy lost in transmission on matched trades, Wh (real-valued).
    public var lostWh: Double
    /// Energy-weighted mean loss percent over matched trades.
    public var meanLossPct: Double
    /// Mean distance over matched trades (per trade), km.
    public var meanDistanceKm: Double
    /// Total distance over matched trades, km.
    public var totalDistanceKm: Double
    /// Mean satisfaction over matched trades (where defined), buyer and seller side.
    public var meanBuyerSatisfaction: Double?
    public var meanSellerSatisfaction: Double?
    /// Mean of the lowest / highest 10 % of per-trade buyer satisfaction.
    public var low10BuyerSatisfaction: Double?
    public var high10BuyerSatisfaction: Double?
    /// Share of proposed energy that was rejected.
    public var rejectedShare: Double
    /// Buyers with no accepted trade / sellers with no accepted trade.
    public var unmatchedBuyers: Int
    public var unmatchedSellers: Int
    /// Total paid by buyers for matched energy, money units.
    public var paidMoney: MoneyUnits
    /// Paid by buyers for grid purchases, and paid by the grid for sellers' feed-in, money units.
    public var gridPaidMoney: MoneyUnits
    public var gridReceivedMoney: MoneyUnits
    /// Sum of `amount` over every row of trades.csv (accepted + grid rows; rejected rows carry 0).
    public var totalMoney: MoneyUnits { paidMoney + gridPaidMoney + gridReceivedMoney }
    /// Mean number of accepted trades per buyer that matched at all.
    public var matchesPerBuyer: Double

    public static func compute(inputs: CycleInputs, result: ClearingResult) -> CycleMetrics {
        let accepted = result.trades.filter { $0.status == .accepted }
        let typeOf = Dictionary(inputs.offers.map { ($0.id, $0.energyType) }, uniquingKeysWith: { a, _ in a })
        var matched: Wh = 0, clean: Wh = 0, paid: MoneyUnits = 0
        var lost = 0.0, lossW = 0.0, dist = 0.0
        for t in accepted {
            matched += t.energy
            if typeOf[t.offerID]?.isClean == true { clean += t.energy }
            paid += t.amount
            lost += Double(t.energy) * t.lossPct / 100
            lossW += Double(t.energy) * t.lossPct
            dist += t.distanceKm
        }
        let gridBuyRows = result.trades.filter { $0.status == .grid && $0.offerID == Trade.gridID }
        let gridSellRows = result.trades.filter { $0.status == .grid && $0.bidID == Trade.gridID }
        let gridBuy = gridBuyRows.reduce(Wh(0)) { $0 + $1.energy }
        let gridSell = gridSellRows.reduce(Wh(0)) { $0 + $1.energy }
        let rejected = result.trades.filter { $0.status == .rejected }.reduce(Wh(0)) { $0 + $1.energy }
        let bs = accepted.compactMap(\.buyerSatisfaction).sorted()
        let ss = accepted.compactMap(\.sellerSatisfaction)
        func mean(_ x: [Double]) -> Double? { x.isEmpty ? nil : x.reduce(0, +) / Double(x.count) }
        let k = max(1, bs.count / 10)
        let matchedBuyers = Set(accepted.map(\.bidID)), matchedSellers = Set(accepted.map(\.offerID))
        let effective = Double(matched) - lost
        return CycleMetrics(
            matchedWh: matched, matches: accepted.count, gridBuyWh: gridBuy, gridSellWh: gridSell, rejectedWh: rejected,
            cleanShare: matched + gridBuy > 0 ? Double(clean) / Double(matched + gridBuy) : 0,
            apet: effective > 0 ? (Double(paid) / Double(Units.moneyUnitsPerCNY)) / (effective / 1000) : 0,
            lostWh: lost, meanLossPct: matched > 0 ? lossW / Double(matched) : 0,
            meanDistanceKm: accepted.isEmpty ? 0 : dist / Double(accepted.count), totalDistanceKm: dist,
            meanBuyerSatisfaction: mean(bs), meanSellerSatisfaction: mean(ss),
            low10BuyerSatisfaction: bs.isEmpty ? nil : mean(Array(bs.prefix(k))),
            high10BuyerSatisfaction: bs.isEmpty ? nil : mean(Array(bs.suffix(k))),
            rejectedShare: (matched + rejected) > 0 ? Double(rejected) / Double(matched + rejected) : 0,
            unmatchedBuyers: inputs.bids.filter { !matchedBuyers.contains($0.id) }.count,
            unmatchedSellers: inputs.offers.filter { !matchedSellers.contains($0.id) }.count,
            paidMoney: paid,
            gridPaidMoney: gridBuyRows.reduce(MoneyUnits(0)) { $0 + $1.amount },
            gridReceivedMoney: gridSellRows.reduce(MoneyUnits(0)) { $0 + $1.amount },
            matchesPerBuyer: matchedBuyers.isEmpty ? 0 : Double(accepted.count) / Double(matchedBuyers.count))
    }
}
