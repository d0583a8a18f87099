import Testing
@testable import Clearing

/// Scripted order sequences with the trades worked out by hand.
@Suite struct ContinuousDoubleAuctionTests {
    func run(_ offers: [Offer], _ bids: [Bid]) throws -> [String] {
        tradeStrings(try ContinuousDoubleAuction().clear(mkInputs(offers: offers, bids: bids), context: ClearingContext()))
    }

    @Test func partialFillsRestAndTradeAtMeanPrice() throws {
        let offers = [mkOffer("A", price: 5000, qty: 3000, arrival: 0, at: 1), mkOffer("B", price: 4000, qty: 2000, arrival: 1, at: 2),
                      mkOffer("C", price: 4500, qty: 3000, arrival: 2, at: 5)]
        let bids = [mkBid("X", price: 6000, qty: 4000, arrival: 0, at: 3), mkBid("Y", price: 4500, qty: 2000, arrival: 1, at: 4)]
        // X sweeps B (best ask) then 2 kWh of A; Y does not cross A's 5000 and rests; C meets Y at 4500.
        #expect(try run(offers, bids) == ["X>A:2000@5500", "X>B:2000@5000", "Y>C:2000@4500",
                                          "grid>A:1000@3023", "grid>C:1000@3023"])
    }

    @Test func equalPricesFillInTimeOrder() throws {
        let offers = [mkOffer("late", price: 5000, qty: 1000, arrival: 0, at: 2), mkOffer("early", price: 5000, qty: 1000, arrival: 1, at: 1)]
        let bids = [mkBid("X", price: 5000, qty: 1000, arrival: 0, at: 3)]
        // Arrival ranks follow submitted_at in real inputs; here rank and time disagree on purpose: time wins.
        #expect(try run(offers, bids) == ["X>early:1000@5000", "grid>late:1000@3023"])
    }

    @Test func incomingSellSweepsBidsByPriceThenTime() throws {
        let bids = [mkBid("X", price: 5001, qty: 1000, arrival: 0, at: 1), mkBid("Y", price: 7000, qty: 1000, arrival: 1, at: 2),
                    mkBid("Z", price: 7000, qty: 1000, arrival: 2, at: 3)]
        let offers = [mkOffer("A", price: 5000, qty: 3500, arrival: 0, at: 4)]
        // Y (earlier) and Z at (7000+5000)/2; X at 5000.5 → half to even → 5000.
        #expect(try run(offers, bids) == ["X>A:1000@5000", "Y>A:1000@6000", "Z>A:1000@6000", "grid>A:500@3023"])
    }

    @Test func sameTimestampPutsOfferFirst() throws {
        let r = try run([mkOffer("A", price: 5000, qty: 1000, arrival: 0, at: 7)], [mkBid("X", price: 5000, qty: 1000, arrival: 0, at: 7)])
        #expect(r == ["X>A:1000@5000"])
    }

    @Test func noCrossingAndOneSidedBooksGoToTheGrid() throws {
        #expect(try run([mkOffer("A", price: 6000, qty: 1000, arrival: 0)], [mkBid("X", price: 5999, qty: 2000, arrival: 0)])
                == ["X>grid:2000@14167", "grid>A:1000@3023"])
        #expect(try run([], [mkBid("X", price: 9000, qty: 1, arrival: 0), mkBid("Y", price: 9000, qty: 2, arrival: 1)])
                == ["X>grid:1@14167", "Y>grid:2@14167"])
        #expect(try run([mkOffer("A", price: 1, qty: 5, arrival: 0)], []) == ["grid>A:5@3023"])
    }
}

@Suite struct UniformPriceAuctionTests {
    func run(_ offers: [Offer], _ bids: [Bid]) throws -> (trades: [String], result: ClearingResult) {
        let r = try UniformPriceAuction().clear(mkInputs(offers: offers, bids: bids), context: ClearingContext())
        return (tradeStrings(r), r)
    }

    @Test func handWorkedCurves() throws {
        let bids = [mkBid("b1", price: 9000, qty: 3000, arrival: 0), mkBid("b2", price: 7000, qty: 2000, arrival: 1),
                    mkBid("b3", price: 5000, qty: 4000, arrival: 2)]
        let offers = [mkOffer("o1", price: 4000, qty: 2000, arrival: 0), mkOffer("o2", price: 6000, qty: 3000, arrival: 1),
                      mkOffer("o3", price: 8000, qty: 5000, arrival: 2)]
        // Q* = 5 kWh; interval [max(6000, 5000), min(7000, 8000)] = [6000, 7000] → 6500.
        let (t, r) = try run(offers, bids)
        #expect(t == ["b1>o1:2000@6500", "b1>o2:1000@6500", "b2>o2:2000@6500", "b3>grid:4000@14167", "grid>o3:5000@3023"])
        #expect(r.extra["clearing_price"] == "0.6500")
        #expect(r.extra["price_interval"] == "0.6000..0.7000")
        #expect(r.extra["cleared_kwh"] == "5.000")
    }

    @Test func tieAtTheMarginOnTheBidSide() throws {
        // Two bids at 6000 compete for 3 kWh: the earlier gets its 2, the later 1; the
        // partially filled bid pins the price to its own 6000.
        let bids = [mkBid("b1", price: 6000, qty: 2000, arrival: 0), mkBid("b2", price: 6000, qty: 2000, arrival: 1)]
        let (t, r) = try run([mkOffer("o1", price: 5000, qty: 3000, arrival: 0)], bids)
        #expect(t == ["b1>o1:2000@6000", "b2>o1:1000@6000", "b2>grid:1000@14167"])
        #expect(r.extra["price_interval"] == "0.6000..0.6000")
    }

    @Test func tieAtTheMarginOnTheOfferSide() throws {
        let offers = [mkOffer("o1", price: 5000, qty: 1000, arrival: 0), mkOffer("o2", price: 5000, qty: 1000, arrival: 1)]
        let (t, r) = try run(offers, [mkBid("b", price: 7000, qty: 1500, arrival: 0)])
        #expect(t == ["b>o1:1000@5000", "b>o2:500@5000", "grid>o2:500@3023"])
        #expect(r.extra["clearing_price"] == "0.5000")
    }

    @Test func oddIntervalMidpointRoundsHalfToEven() throws {
        let bids = [mkBid("b1", price: 6001, qty: 1000, arrival: 0), mkBid("b2", price: 5000, qty: 1000, arrival: 1)]
        let offers = [mkOffer("o1", price: 6000, qty: 1000, arrival: 0), mkOffer("o2", price: 7000, qty: 1000, arrival: 1)]
        // lo = max(6000, 5000) = 6000, hi = min(6001, 7000) = 6001 → 6000.5 → 6000.
        let (t, _) = try run(offers, bids)
        #expect(t.first == "b1>o1:1000@6000")
    }

    @Test func noCrossingHasNoPrice() throws {
        let (t, r) = try run([mkOffer("o", price: 8000, qty: 1000, arrival: 0)], [mkBid("b", price: 7000, qty: 1000, arrival: 0)])
        #expect(t == ["b>grid:1000@14167", "grid>o:1000@3023"])
        #expect(r.extra["clearing_price"] == nil)
    }
}
