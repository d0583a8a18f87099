import GridClearCore
import Testing
@testable import Clearing

/// Properties every mechanism must keep on random cycles (issue 16): no trade above the
/// buyer's `max_loss_pct` or to an unreachable seller; a buyer never pays above its bid
/// (midpoint, seller's price or the uniform price); energy conserved exactly in Wh; the
/// amounts of trades.csv sum to summary.json's total.
@Suite struct MechanismPropertyTests {
    var mechanisms: [any ClearingMechanism] { [CMAPMechanism(), KPrototypesMechanism(), ContinuousDoubleAuction(), UniformPriceAuction()] }

    func check(_ inputs: CycleInputs, _ mech: any ClearingMechanism) throws {
        let r = try mech.clear(inputs, context: ClearingContext(seed: 7))
        try r.validate(against: inputs)
        let bids = Dictionary(uniqueKeysWithValues: inputs.bids.map { ($0.id, $0) })
        let offers = Dictionary(uniqueKeysWithValues: inputs.offers.map { ($0.id, $0) })
        let loss = LossModel(market: inputs.market, grid: inputs.grid)
        var got = [String: Wh](), sold = [String: Wh]()
        for t in r.trades {
            if t.status == .accepted {
                let b = try #require(bids[t.bidID]), o = try #require(offers[t.offerID])
                let pair = loss.pair(b, o)
                #expect(pair.reachable, "\(mech.name): \(t.bidID)>\(t.offerID) is unreachable")
                if let limit = b.maxLossPct { #expect(pair.lossPct <= limit, "\(mech.name): \(t.bidID)>\(t.offerID) loses \(pair.lossPct) > \(limit)") }
                #expect(t.price <= b.price, "\(mech.name): \(t.bidID) pays \(t.price) above its bid \(b.price)")
                #expect(t.price >= o.price, "\(mech.name): \(t.offerID) receives \(t.price) below its ask \(o.price)")
            }
            if t.status != .rejected {
                if t.bidID != Trade.gridID { got[t.bidID, default: 0] += t.energy }
                if t.offerID != Trade.gridID { sold[t.offerID, default: 0] += t.energy }
            }
        }
        for b in inputs.bids { #expect(got[b.id, default: 0] == b.quantity, "\(mech.name): bid \(b.id)") }
        for o in inputs.offers { #expect(sold[o.id, default: 0] == o.quantity, "\(mech.name): offer \(o.id)") }
        let total = CycleMetrics.compute(inputs: inputs, result: r).totalMoney
        #expect(sumAmounts(r.tradesCSV()) == total, "\(mech.name): trades.csv does not sum to the summary")
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func randomCyclesWithCoordinates(seed: UInt64) throws {
        let inputs = randomInstance(seed: seed, bids: 14, offers: 12, withTimes: seed % 2 == 0)
        for m in mechanisms { try check(inputs, m) }
    }

    /// A grid.json where some sellers cannot reach some buyers (one-way lines, an island).
    @Test(arguments: [UInt64(11), 12, 13])
    func randomCyclesOnAGrid(seed: UInt64) throws {
        var g = SplitMix64(seed: seed)
        let nodes = (0..<6).map { GridTopology.Node(id: "n\($0)", kind: "bus") }
        let lines = [GridTopology.Line(from: "n0", to: "n1", lengthKm: 3), .init(from: "n1", to: "n2", lengthKm: 4),
                     .init(from: "n2", to: "n0", lengthKm: 9), .init(from: "n3", to: "n4", lengthKm: 2), .init(from: "n4", to: "n3", lengthKm: 2)]
        let offers = (0..<8).map { i in
            Offer(id: "o\(i)", sellerID: "S\(i)", price: PriceTicks.random(in: 3023...9000, using: &g), quantity: Wh.random(in: 1...20_000, using: &g),
                  energyType: EnergyType.allCases.randomElement(using: &g)!, location: .node("n\(Int.random(in: 0..<6, using: &g))"),
                  reputation: 70, preferences: defaultSellerPrefs, arrival: i)
        }
        let bids = (0..<9).map { i in
            Bid(id: "b\(i)", buyerID: "B\(i)", price: PriceTicks.random(in: 5000...14000, using: &g), quantity: Wh.random(in: 1...20_000, using: &g),
                maxLossPct: Bool.random(using: &g) ? Double.random(in: 1...8, using: &g) : nil,
                location: .node("n\(Int.random(in: 0..<6, using: &g))"), reputation: 70, preferences: defaultBuyerPrefs, arrival: 8 + i)
        }
        var inputs = mkInputs(offers: offers, bids: bids)
        inputs.grid = GridTopology(nodes: nodes, lines: lines)
        for m in mechanisms { try check(inputs, m) }
    }
}
