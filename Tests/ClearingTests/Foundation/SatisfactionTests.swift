import Testing
@testable import Clearing

/// Hand-computed satisfaction values for each criterion and its edge cases (SPEC §3.1).
@Suite struct SatisfactionTests {
    @Test func buyerPrice() {
        #expect(CMAPSatisfaction.buyerPrice(ask: 3000, bid: 8000, priceMin: 3023) == 0)     // implausibly low ask
        #expect(CMAPSatisfaction.buyerPrice(ask: 3023, bid: 8000, priceMin: 3023) == 10)    // boundary: not below min
        #expect(CMAPSatisfaction.buyerPrice(ask: 8000, bid: 8000, priceMin: 3023) == 10)
        #expect(CMAPSatisfaction.buyerPrice(ask: 10000, bid: 8000, priceMin: 3023) == 8)    // 10·0.8/1.0
    }
    @Test func sellerPrice() {
        #expect(CMAPSatisfaction.sellerPrice(ask: 5000, bid: 4999, priceMax: 14167) == 0)   // bid below ask
        #expect(CMAPSatisfaction.sellerPrice(ask: 5000, bid: 14167, priceMax: 14167) == 0)  // implausibly high bid
        #expect(CMAPSatisfaction.sellerPrice(ask: 5000, bid: 5000, priceMax: 14167) == 0)   // 10·(1 − 1)
        #expect(abs(CMAPSatisfaction.sellerPrice(ask: 5000, bid: 8000, priceMax: 14167) - 3.75) < 1e-12)
    }
    @Test func quantityCriteria() {
        #expect(CMAPSatisfaction.supply(need: 100, supply: 150) == 10)
        #expect(CMAPSatisfaction.supply(need: 200, supply: 150) == 7.5)
        #expect(CMAPSatisfaction.demand(need: 200, supply: 150) == 10)
        #expect(abs(CMAPSatisfaction.demand(need: 100, supply: 150) - 20.0 / 3) < 1e-12)
    }
    @Test func lossCriterion() {
        #expect(CMAPSatisfaction.loss(lossPct: 0, maxLossPct: 30) == 10)
        #expect(CMAPSatisfaction.loss(lossPct: 15, maxLossPct: 30) == 5)
        #expect(CMAPSatisfaction.loss(lossPct: 30, maxLossPct: 30) == 0)
        #expect(CMAPSatisfaction.loss(lossPct: 30.0001, maxLossPct: 30) == 0)               // L > L_max
        #expect(CMAPSatisfaction.loss(lossPct: .infinity, maxLossPct: 30) == 0)             // unreachable
    }
    @Test func categoricalCriteria() {
        #expect(CMAPSatisfaction.energyType(wanted: .solar, offered: .solar) == 10)
        #expect(CMAPSatisfaction.energyType(wanted: .solar, offered: .wind) == 0)
        #expect(CMAPSatisfaction.green(.thermal) == 0 && CMAPSatisfaction.green(.biomass) == 10)
        #expect(CMAPSatisfaction.reputation(73) == 7.3)
    }
    @Test func normalisation() {
        #expect(CMAPSatisfaction.normalise([2, 4, 6], include: [true, true, true]) == [0, 0.5, 1])
        #expect(CMAPSatisfaction.normalise([3, 3, 3], include: [true, true, true]) == [1, 1, 1])   // max = min → all 1
        #expect(CMAPSatisfaction.normalise([2, 100, 6], include: [true, false, true]) == [0, 0, 1]) // excluded pair takes no part
    }
    @Test func lossModel() {
        // 0.05° of latitude on the 6371.0 km sphere.
        let d = LossModel.haversineKm(lat1: 39.90, lon1: 116.4, lat2: 39.95, lon2: 116.4)
        #expect(abs(d - 6371.0 * 0.05 * Double.pi / 180) < 1e-9)
        // Beijing → Shanghai, a published great-circle distance of about 1067 km.
        let bs = LossModel.haversineKm(lat1: 39.9042, lon1: 116.4074, lat2: 31.2304, lon2: 121.4737)
        #expect(abs(bs - 1067) < 3)
        // grid.json path: S → R (2 km) → B (3 km) with a 0.5 % router vs a direct 6 km line.
        let g = GridTopology(nodes: [.init(id: "S", kind: "seller"), .init(id: "R", kind: "router", conversionLossPct: 0.5),
                                     .init(id: "B", kind: "buyer")],
                             lines: [.init(from: "S", to: "R", lengthKm: 2), .init(from: "R", to: "B", lengthKm: 3),
                                     .init(from: "S", to: "B", lengthKm: 6)])
        var m = MarketConfig(); m.lossPctPerKm = 1
        let lm = LossModel(market: m, grid: g)
        let p = lm.pair(from: .node("S"), to: .node("B"))
        #expect(abs(p.lossPct - 5.5) < 1e-12 && p.distanceKm == 5)    // 2 + 0.5 + 3 < 6
        #expect(lm.pair(from: .node("B"), to: .node("S")).reachable == false)   // lines are directed
    }
}
