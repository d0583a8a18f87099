import GridClearCore
import Testing
@testable import Clearing

/// An independent, formula-by-formula implementation of SPEC §3.2 (no feature
/// matrix, no GEMM): the oracle for the mechanism on small random cycles.
func kprotoOracle(_ inp: CycleInputs) -> [String] {
    let bids = inp.bids.sorted { $0.arrival < $1.arrival }, offers = inp.offers.sorted { $0.arrival < $1.arrival }
    let cfg = inp.market.kproto, lm = LossModel(market: inp.market, grid: nil)
    func range(_ v: [Double]) -> (Double) -> Double {
        let f = v.filter(\.isFinite), lo = f.min() ?? 0, hi = f.max() ?? 0
        return { hi > lo ? ($0 - lo) / (hi - lo) : 0 }
    }
    func green(_ b: Bid) -> Double { b.greenIndex ?? b.energyType.map { $0.isClean ? 1 : 0 } ?? 0.5 }
    let sP = range(bids.map { Double($0.price) } + offers.map { Double($0.price) })
    let sQ = range(bids.map { Double($0.quantity) } + offers.map { Double($0.quantity) })
    let sG = range(bids.map(green) + offers.map { $0.energyType.isClean ? 1 : 0 })
    let sR = range(bids.map(\.reputation) + offers.map(\.reputation))
    let expLoss = bids.map { _ in 0.0 } // amended SPEC §3.2: actual loss against 0
    let maxLoss = bids.map { $0.maxLossPct ?? inp.market.maxLossPct }
    let loss = bids.map { b in offers.map { lm.pair(b, $0).lossPct } }
    let sL = range(expLoss + loss.flatMap { $0 })
    let a = cfg.numericWeights, beta = cfg.categoricalWeights["energy_type"]!
    var avail = offers.map(\.quantity)
    var rows: [(Int, Int, String)] = []
    var left = [Wh]()
    for (j, b) in bids.enumerated() {
        var need = b.quantity
        while need > 0 {
            var best = -1, bestKey = Double.infinity
            for (i, o) in offers.enumerated() where avail[i] > 0 && loss[j][i] <= maxLoss[j] && o.price <= b.price {
                func sq(_ x: Double) -> Double { x * x }
                var d = a["price"]! * sq(sP(Double(b.price)) - sP(Double(o.price)))
                d += a["quantity"]! * sq(sQ(Double(b.quantity)) - sQ(Double(avail[i])))
                d += a["green"]! * sq(sG(green(b)) - sG(o.energyType.isClean ? 1 : 0))
                d += a["reputation"]! * sq(sR(b.reputation) - sR(o.reputation))
                d += a["loss"]! * sq(sL(expLoss[j]) - sL(loss[j][i]))
                d += b.energyType == nil ? beta / 2 : (b.energyType == o.energyType ? 0 : beta)
                let key = (d * 1e9).rounded()
                if key < bestKey { best = i; bestKey = key }
            }
            if best < 0 { break }
            let q = min(need, avail[best])
            rows.append((b.arrival, offers[best].arrival, "\(b.id)>\(offers[best].id):\(q)@\(offers[best].price)"))
            need -= q; avail[best] -= q
        }
        left.append(need)
    }
    var out = rows.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.2)
    for (b, l) in zip(bids, left) where l > 0 { out.append("\(b.id)>grid:\(l)@\(inp.market.gridBuyPrice)") }
    for (o, l) in zip(offers, avail) where l > 0 { out.append("grid>\(o.id):\(l)@\(inp.market.gridSellPrice)") }
    return out
}

@Suite struct KPrototypesTests {
    @Test func agreesWithFormulaOracleOnRandomCycles() throws {
        var accepted = 0, split = 0
        for seed in UInt64(100)..<130 {
            var inp = randomInstance(seed: seed, bids: 12, offers: 9)
            var g = SplitMix64(seed: seed)
            for k in ["price", "quantity", "green", "reputation", "loss"] { inp.market.kproto.numericWeights[k] = Double.random(in: 0...1, using: &g) }
            inp.market.kproto.categoricalWeights["energy_type"] = Double.random(in: 0...1, using: &g)
            let r = try KPrototypesMechanism().clear(inp, context: ClearingContext(seed: seed))
            #expect(tradeStrings(r) == kprotoOracle(inp), "seed \(seed)")
            let acc = r.trades.filter { $0.status == .accepted }
            accepted += acc.count
            split += acc.count - Set(acc.map(\.bidID)).count
        }
        // The cases are not trivial: many matches, and buyers split across sellers.
        #expect(accepted > 100 && split > 10, "accepted \(accepted), split \(split)")
    }

    @Test func buyerPrefersItsEnergyType() throws {
        let offers = [mkOffer("coal", price: 5000, qty: 10_000, type: .thermal, arrival: 0),
                      mkOffer("wind", price: 5000, qty: 10_000, type: .wind, arrival: 1)]
        let bids = [mkBid("b", price: 5000, qty: 4_000, type: .wind, arrival: 0)]
        let r = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: bids), context: ClearingContext())
        #expect(tradeStrings(r) == ["b>wind:4000@5000", "grid>coal:10000@3023", "grid>wind:6000@3023"])
    }

    @Test func splitsDemandAcrossSellersAndBuysTheRestFromGrid() throws {
        var m = MarketConfig()
        m.kproto.numericWeights = ["price": 1, "quantity": 0, "green": 0, "reputation": 0, "loss": 0]
        let offers = [mkOffer("cheap", price: 4000, qty: 6_000, arrival: 0), mkOffer("dear", price: 9000, qty: 3_000, arrival: 1)]
        let bids = [mkBid("b", price: 9000, qty: 10_000, arrival: 0)]
        let r = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: bids, market: m), context: ClearingContext())
        #expect(tradeStrings(r) == ["b>cheap:6000@4000", "b>dear:3000@9000", "b>grid:1000@14167"])
        // A bid of 4000 never reaches the 9000 ask (amended §3.2): the rest goes to the grid.
        let low = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: [mkBid("b", price: 4000, qty: 10_000, arrival: 0)], market: m),
                                                   context: ClearingContext())
        #expect(tradeStrings(low) == ["b>cheap:6000@4000", "b>grid:4000@14167", "grid>dear:3000@3023"])
    }

    @Test func excludesSellersBeyondTheBuyersAcceptableLoss() throws {
        // ~22 km apart at 1 %/km: 22 % loss, above the buyer's 10 %.
        let offers = [mkOffer("far", price: 4000, qty: 5_000, lat: 40.10, lon: 116.40, arrival: 0)]
        let bids = [mkBid("b", price: 4000, qty: 2_000, maxLoss: 10, lat: 39.90, lon: 116.40, arrival: 0)]
        let r = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: bids), context: ClearingContext())
        #expect(tradeStrings(r) == ["b>grid:2000@14167", "grid>far:5000@3023"])
    }

    @Test func refusedMatchMovesBuyerToNextSeller() throws {
        var m = MarketConfig()
        m.kproto.numericWeights = ["price": 0, "quantity": 0, "green": 0, "reputation": 1, "loss": 0]
        let offers = [mkOffer("proud", price: 9000, qty: 5_000, rep: 80, arrival: 0), mkOffer("humble", price: 5000, qty: 5_000, rep: 60, arrival: 1)]
        let bids = [mkBid("b", price: 9500, qty: 2_000, rep: 80, arrival: 0)]
        let all = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: bids, market: m), context: ClearingContext())
        #expect(tradeStrings(all).first == "b>proud:2000@9000")
        let refuseAbove8000 = SellerApprovalPolicy(name: "refuse-above-8000") { $0.price <= 8000 }
        let strict = try KPrototypesMechanism(approval: refuseAbove8000).clear(mkInputs(offers: offers, bids: bids, market: m), context: ClearingContext())
        #expect(tradeStrings(strict).first == "b>humble:2000@5000")
        #expect(strict.extra["refusals"] == "1")
    }

    @Test func sellerQuantityAttributeFollowsItsRemainder() throws {
        // Only quantity matters. After b0 takes 9 kWh from "big" (10 → 1 kWh left), b1
        // (1 kWh) is closest to the *remaining* 1 kWh of big, not to "mid" (5 kWh).
        var m = MarketConfig()
        m.kproto.numericWeights = ["price": 0, "quantity": 1, "green": 0, "reputation": 0, "loss": 0]
        let offers = [mkOffer("big", price: 5000, qty: 10_000, arrival: 0), mkOffer("mid", price: 5000, qty: 5_000, arrival: 1)]
        let bids = [mkBid("b0", price: 5000, qty: 9_000, arrival: 0), mkBid("b1", price: 5000, qty: 1_000, arrival: 1)]
        let r = try KPrototypesMechanism().clear(mkInputs(offers: offers, bids: bids, market: m), context: ClearingContext())
        #expect(tradeStrings(r) == ["b0>big:9000@5000", "b1>big:1000@5000", "grid>mid:5000@3023"])
    }
}
