import GridClearCore
import Testing
@testable import Clearing

/// Regression tests for the mechanism defects of issue 16, each worked by hand on a small
/// cycle. Distances: 0.05° of latitude ≈ 5.56 km, 0.1° ≈ 11.12 km, 0.15° ≈ 16.68 km; the
/// default loss rate is 1 %/km, so those are also the loss percentages.
@Suite struct MechanismDefectTests {
    /// CDA, SPEC §3.3 (amended): an untimed bid arrives after every timed row. Offer A (t=1),
    /// bid T (t=2), bid U (no time): T takes A at (6000+5000)/2; U buys from the grid.
    /// Before the fix U sorted first (`?? .min`) and took A.
    @Test func cdaUntimedRowsArriveAfterTimedOnes() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 5000, qty: 1000, arrival: 0, at: 1)],
                                 bids: [mkBid("T", price: 6000, qty: 1000, arrival: 1, at: 2), mkBid("U", price: 6000, qty: 1000, arrival: 2)])
        #expect(try cycle.trades(ContinuousDoubleAuction()) == ["T>A:1000@5500", "U>grid:1000@14167"])
    }

    /// CDA, loss limit: the cheapest ask A is 11.12 % away from a buyer who accepts 10 %; the
    /// buyer takes B (5.56 %) instead, A stays in the book and goes to the grid.
    @Test func cdaHonoursTheBuyersLossLimit() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 4000, qty: 1000, lat: 40.00, arrival: 0), mkOffer("B", price: 5000, qty: 1000, lat: 39.95, arrival: 1)],
                                 bids: [mkBid("X", price: 6000, qty: 1000, maxLoss: 10, lat: 39.90, arrival: 2)])
        #expect(try cycle.trades(ContinuousDoubleAuction()) == ["X>B:1000@5500", "grid>A:1000@3023"])
    }

    /// CMAP, SPEC §3.1: a pair above the buyer's limit gets no variable at all (before the fix
    /// it was proposed, and appeared in trades.csv). One admissible pair: a' = b' = 1.
    @Test func cmapGivesNoVariableAboveTheLossLimit() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 3100, qty: 1000, lat: 40.00, arrival: 0), mkOffer("B", price: 5900, qty: 1000, lat: 39.95, arrival: 1)],
                                 bids: [mkBid("X", price: 6000, qty: 1000, maxLoss: 10, lat: 39.90, arrival: 2)])
        let r = try cycle.clear(CMAPMechanism())
        #expect(tradeStrings(r) == ["X>B:1000@5950", "grid>A:1000@3023"])
        #expect(r.trades.first?.buyerSatisfaction == 1 && r.trades.first?.status == .accepted)
    }

    /// CMAP: a seller asking more than the bid gets no variable (midpoint would exceed the bid).
    @Test func cmapNeverTradesAboveTheBid() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 7000, qty: 1000, arrival: 0)],
                                 bids: [mkBid("X", price: 6000, qty: 1000, arrival: 1)])
        #expect(try cycle.trades(CMAPMechanism()) == ["X>grid:1000@14167", "grid>A:1000@3023"])
    }

    /// Uniform, loss limit with coordinates: the curves cross at A (4000, 11.12 % away) and B;
    /// A may not serve X, so X takes B's 1 kWh at the clearing price; A goes to the grid.
    /// Curves: X 6000 × 2 kWh vs A 4000 × 1, B 5000 × 1 → Q* = 2, interval [5000, 6000] → 5500.
    @Test func uniformHonoursTheBuyersLossLimit() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 4000, qty: 1000, lat: 40.00, arrival: 0), mkOffer("B", price: 5000, qty: 1000, lat: 39.95, arrival: 1)],
                                 bids: [mkBid("X", price: 6000, qty: 2000, maxLoss: 10, lat: 39.90, arrival: 2)])
        let r = try cycle.clear(UniformPriceAuction())
        #expect(tradeStrings(r) == ["X>B:1000@5500", "X>grid:1000@14167", "grid>A:1000@3023"])
        #expect(r.extra["cleared_kwh"] == "1.000")
    }

    /// Uniform with grid.json: A (unreachable from X) and B are on the curves; Q* = 10 kWh at
    /// 5000 (B is the marginal, partly accepted offer). Before the fix the volume was set on
    /// the curves and pairing skipped A: 5 kWh traded. Now X takes all 10 kWh from B.
    @Test func uniformSetsVolumeOverReachablePairs() throws {
        let grid = GridTopology(nodes: [.init(id: "nX", kind: "buyer"), .init(id: "nA", kind: "seller"), .init(id: "nB", kind: "seller")],
                                lines: [.init(from: "nB", to: "nX", lengthKm: 2)])
        func offer(_ id: String, _ price: PriceTicks, _ qty: Wh, _ node: String, _ arrival: Int) -> Offer {
            Offer(id: id, sellerID: "S-" + id, price: price, quantity: qty, energyType: .solar, location: .node(node),
                  reputation: 80, preferences: defaultSellerPrefs, arrival: arrival)
        }
        let offers = [offer("A", 4000, 5000, "nA", 0), offer("B", 5000, 10000, "nB", 1)]
        let bids = [Bid(id: "X", buyerID: "B-X", price: 9000, quantity: 10000, location: .node("nX"), reputation: 80,
                        preferences: defaultBuyerPrefs, arrival: 2)]
        #expect(try CycleBuilder(offers: offers, bids: bids, grid: grid).trades(UniformPriceAuction()) == ["X>B:10000@5000", "grid>A:5000@3023"])
    }

    /// K-prototypes, amended §3.2: a seller asking more than the bid is excluded. A (6000) is
    /// closer to the bid's 5000 in the price attribute than B (3100), so before the fix X took A.
    @Test func kprotoExcludesAsksAboveTheBid() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 6000, qty: 1000, arrival: 0), mkOffer("B", price: 3100, qty: 1000, arrival: 1)],
                                 bids: [mkBid("X", price: 5000, qty: 1000, arrival: 2)])
        #expect(try cycle.trades(KPrototypesMechanism()) == ["X>B:1000@3100", "grid>A:1000@3023"])
    }

    /// K-prototypes, amended §3.2: the loss term compares the actual loss with 0, not with the
    /// buyer's limit. X accepts 20 %; A is 16.68 % away, B at the same place (0 %), otherwise
    /// equal. Against the limit, s(20) = 1 and A's s(16.68) = 0.83 looked best; against 0, B does.
    @Test func kprotoLossTermIsMeasuredAgainstZero() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 4000, qty: 1000, lat: 40.05, arrival: 0), mkOffer("B", price: 4000, qty: 1000, lat: 39.90, arrival: 1)],
                                 bids: [mkBid("X", price: 5000, qty: 1000, maxLoss: 20, lat: 39.90, arrival: 2)])
        #expect(try cycle.trades(KPrototypesMechanism()) == ["X>B:1000@4000", "grid>A:1000@3023"])
    }

    /// SPEC §2: a rejected row carries no money; summing trades.csv's amount_cny equals
    /// summary.json's total_amount_cny. Rows: accepted 1 kWh × 0.5 = 0.5 CNY, rejected 2 kWh
    /// (0), grid purchase 2 kWh × 1.4167 = 2.8334 CNY.
    @Test func rejectedRowsCarryNoMoney() throws {
        let offers = [mkOffer("A", price: 5000, qty: 3000, arrival: 0)]
        let bids = [mkBid("X", price: 5000, qty: 3000, arrival: 1)]
        let trades = [
            Trade(bidID: "X", offerID: "A", buyerID: "B-X", sellerID: "S-A", energy: 1000, price: 5000, status: .accepted),
            Trade(bidID: "X", offerID: "A", buyerID: "B-X", sellerID: "S-A", energy: 2000, price: 5000, status: .rejected),
            .fromGrid(bids[0], energy: 2000, price: 14167), .toGrid(offers[0], energy: 2000, price: 3023),
        ]
        let result = ClearingResult(mechanism: "cmap", trades: trades)
        let inputs = mkInputs(offers: offers, bids: bids)
        try result.validate(against: inputs)
        #expect(trades[1].amount == 0)
        let csv = result.tradesCSV()
        #expect(csv.contains("X,A,B-X,S-A,2.000,0.5000,0.0000000,"))
        #expect(sumAmounts(csv) == 5_000_000 + 28_334_000 + 6_046_000)
        #expect(result.summaryJSON(inputs: inputs, includeTimings: false).contains("\"total_amount_cny\": 3.9380000"))
    }

    /// SPEC §3.8: clean share = clean supply / total supply received by buyers. X needs 2 kWh,
    /// gets 1 kWh of solar from A and 1 kWh from the grid: 0.5 (before the fix: 1 kWh / 1 kWh matched = 1).
    @Test func cleanShareIsOverTotalSupply() throws {
        let cycle = CycleBuilder(offers: [mkOffer("A", price: 5000, qty: 1000, type: .solar, arrival: 0)],
                                 bids: [mkBid("X", price: 6000, qty: 2000, arrival: 1)])
        let r = try cycle.clear(ContinuousDoubleAuction())
        #expect(CycleMetrics.compute(inputs: cycle.inputs, result: r).cleanShare == 0.5)
    }
}

/// Sum of the `amount_cny` column of a trades.csv in 1e-7 CNY (exact).
func sumAmounts(_ csv: String) -> Int64 {
    let lines = csv.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    let col = lines[0].firstIndex(of: "amount_cny")!
    return lines.dropFirst().reduce(Int64(0)) { $0 + Int64(String($1[col].filter { $0 != "." }))! }
}
