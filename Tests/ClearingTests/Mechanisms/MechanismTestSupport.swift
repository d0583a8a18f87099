import GridClearCore

@testable import Clearing

let defaultSellerPrefs = Preferences<SellerCriterion>([(.price, 0.5), (.demand, 0.3), (.loss, 0.2)])
let defaultBuyerPrefs = Preferences<BuyerCriterion>([(.price, 0.5), (.loss, 0.3), (.green, 0.2)])

func mkOffer(_ id: String, price: PriceTicks, qty: Wh, type: EnergyType = .solar, lat: Double = 39.90, lon: Double = 116.40,
             rep: Double = 80, arrival: Int, at: Int64? = nil) -> Offer {
    Offer(id: id, sellerID: "S-" + id, price: price, quantity: qty, energyType: type,
          location: .coordinates(lat: lat, lon: lon), reputation: rep, preferences: defaultSellerPrefs,
          submittedAtMillis: at, arrival: arrival)
}

func mkBid(_ id: String, price: PriceTicks, qty: Wh, type: EnergyType? = nil, green: Double? = nil, maxLoss: Double? = nil,
           lat: Double = 39.90, lon: Double = 116.40, rep: Double = 80, arrival: Int, at: Int64? = nil) -> Bid {
    Bid(id: id, buyerID: "B-" + id, price: price, quantity: qty, energyType: type, greenIndex: green, maxLossPct: maxLoss,
        location: .coordinates(lat: lat, lon: lon), reputation: rep, preferences: defaultBuyerPrefs,
        submittedAtMillis: at, arrival: arrival)
}

func mkInputs(offers: [Offer], bids: [Bid], market: MarketConfig = MarketConfig()) -> CycleInputs {
    CycleInputs(cycleID: "20261120T1000Z", market: market, offers: offers, bids: bids)
}

/// A random cycle in the style of seed 003 §4.4.1 (Beijing square, prices in the band).
func randomInstance(seed: UInt64, bids m: Int, offers n: Int, withTimes: Bool = false) -> CycleInputs {
    var g = SplitMix64(seed: seed)
    func price() -> PriceTicks { PriceTicks.random(in: 3023...14167, using: &g) }
    func qty() -> Wh { Wh.random(in: 1...60_000, using: &g) }
    func lat() -> Double { Double.random(in: 39.80...40.03, using: &g) }
    func lon() -> Double { Double.random(in: 116.25...116.55, using: &g) }
    let offers = (0..<n).map { i in
        mkOffer("o\(i)", price: price(), qty: qty(), type: EnergyType.allCases.randomElement(using: &g)!,
                lat: lat(), lon: lon(), rep: Double(Int.random(in: 60...100, using: &g)), arrival: i,
                at: withTimes ? Int64.random(in: 0...20, using: &g) : nil)
    }
    let bids = (0..<m).map { i in
        mkBid("b\(i)", price: price(), qty: qty(), type: Bool.random(using: &g) ? EnergyType.allCases.randomElement(using: &g)! : nil,
              green: Bool.random(using: &g) ? Double.random(in: 0...1, using: &g) : nil,
              maxLoss: Bool.random(using: &g) ? Double.random(in: 2...40, using: &g) : nil,
              lat: lat(), lon: lon(), rep: Double(Int.random(in: 60...100, using: &g)), arrival: i,
              at: withTimes ? Int64.random(in: 0...20, using: &g) : nil)
    }
    return mkInputs(offers: offers, bids: bids)
}

/// Compact view of a participant trade for exact expectations: "bid>offer:Wh@ticks".
func tradeStrings(_ r: ClearingResult) -> [String] {
    r.trades.map { "\($0.bidID)>\($0.offerID):\($0.energy)@\($0.price)" }
}

/// A small cycle worked by hand: its offers and bids (from `mkOffer`/`mkBid`), optionally on a
/// grid, cleared by one mechanism and read back as `tradeStrings`.
struct CycleBuilder {
    var offers: [Offer]
    var bids: [Bid]
    var grid: GridTopology? = nil

    var inputs: CycleInputs {
        var i = mkInputs(offers: offers, bids: bids)
        i.grid = grid
        return i
    }

    /// The mechanism's result on this cycle (default context).
    func clear(_ mechanism: any ClearingMechanism) throws -> ClearingResult {
        try mechanism.clear(inputs, context: ClearingContext())
    }

    /// The mechanism's trades on this cycle, as "bid>offer:Wh@ticks".
    func trades(_ mechanism: any ClearingMechanism) throws -> [String] { tradeStrings(try clear(mechanism)) }
}
