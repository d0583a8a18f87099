import GridClearCore
import Testing
@testable import Clearing

/// Invariants every mechanism keeps on random cycles (seeded), checked from the trades alone.
@Suite struct MechanismInvariantTests {
    static let names = ["kproto", "cda", "uniform"]

    @Test(arguments: names)
    func invariantsOnRandomCycles(_ name: String) throws {
        let mech = try #require(extraMechanism(named: name))
        for seed in UInt64(1)...40 {
            let inp = randomInstance(seed: seed &* 7919 &+ UInt64(name.count), bids: Int(seed % 17) + 1, offers: Int(seed % 13) + 1,
                                     withTimes: seed % 2 == 0)
            let r = try mech.clear(inp, context: ClearingContext(seed: seed))
            #expect(r.mechanism == name)
            // Energy conserved in Wh for every quote; no trade above a quote's quantity.
            for b in inp.bids {
                let rows = r.trades.filter { $0.bidID == b.id }
                #expect(rows.reduce(0) { $0 + $1.energy } == b.quantity, "\(name) seed \(seed): bid \(b.id)")
                #expect(rows.allSatisfy { $0.energy > 0 && $0.energy <= b.quantity })
            }
            for o in inp.offers {
                let rows = r.trades.filter { $0.offerID == o.id }
                #expect(rows.reduce(0) { $0 + $1.energy } == o.quantity, "\(name) seed \(seed): offer \(o.id)")
            }
            let byBid = Dictionary(uniqueKeysWithValues: inp.bids.map { ($0.id, $0) })
            let byOffer = Dictionary(uniqueKeysWithValues: inp.offers.map { ($0.id, $0) })
            for t in r.trades where t.status == .accepted {
                let b = try #require(byBid[t.bidID]), o = try #require(byOffer[t.offerID])
                #expect(t.buyerID == b.buyerID && t.sellerID == o.sellerID)
                if name != "kproto" {
                    // Auctions: no buyer pays above its bid, no seller receives below its ask.
                    #expect(t.price <= b.price && t.price >= o.price, "\(name) seed \(seed): \(t)")
                } else {
                    #expect(t.price == o.price)
                    #expect(t.lossPct <= (b.maxLossPct ?? inp.market.maxLossPct))
                }
            }
            // Grid rows at the market's grid prices; canonical order (accepted, grid buys, grid sells).
            let kinds = r.trades.map { $0.status == .accepted ? 0 : ($0.offerID == Trade.gridID ? 1 : 2) }
            #expect(kinds == kinds.sorted())
            #expect(r.trades.filter { kinds[r.trades.firstIndex(of: $0)!] == 1 }.allSatisfy { $0.price == inp.market.gridBuyPrice })
            // Deterministic: a second run gives the same trades.
            #expect(try mech.clear(inp, context: ClearingContext(seed: seed)).trades == r.trades)
        }
    }

    @Test func uniformPriceIsOneAndClearsTheCrossing() throws {
        for seed in UInt64(1)...60 {
            // Without loss limits every pair is admissible, so the traded volume is the curves' Q*
            // (with limits it can be less: MechanismPropertyTests).
            var inp = randomInstance(seed: seed, bids: 9, offers: 7)
            for i in inp.bids.indices { inp.bids[i].maxLossPct = nil }
            let r = try UniformPriceAuction().clear(inp, context: ClearingContext())
            let prices = Set(r.trades.filter { $0.status == .accepted }.map(\.price))
            #expect(prices.count <= 1)
            // Brute force: Q* is the largest q such that the q-th Wh demanded at the highest bids
            // is priced ≥ the q-th Wh supplied at the lowest asks.
            let demand = inp.bids.sorted { $0.price > $1.price }.flatMap { b in [(b.price, b.quantity)] }
            let supply = inp.offers.sorted { $0.price < $1.price }.map { ($0.price, $0.quantity) }
            func priceAt(_ steps: [(PriceTicks, Wh)], _ q: Wh) -> PriceTicks? {
                var acc: Wh = 0
                for (p, w) in steps { acc += w; if q <= acc { return p } }
                return nil
            }
            // Q* lies where the curves cross: check the Wh just below and just above.
            let matched = r.trades.filter { $0.status == .accepted }.reduce(Wh(0)) { $0 + $1.energy }
            if matched > 0 {
                #expect(priceAt(demand, matched)! >= priceAt(supply, matched)!)
            }
            if let d = priceAt(demand, matched + 1), let s = priceAt(supply, matched + 1) { #expect(d < s) }
        }
    }
}
