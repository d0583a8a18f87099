import GridClearCore
import Testing
@testable import Clearing

/// Properties of the market rules on random cycles, every mechanism × every pricing rule it
/// allows, with distance-band fees and a levy: the pipeline's result keeps every clearing
/// invariant; no trade above a buyer's loss limit or to an unreachable seller; a buyer never
/// pays above its bid (every rule prices between ask and bid); energy conserved in exact Wh;
/// trades.csv amounts sum to the summary's total; fee columns sum exactly to the summary's
/// fee totals, and buyer + seller fees = network + levy.
@Suite struct MarketRulePropertyTests {
    static let fees = """
    "fees": {"network": {"bands": [{"up_to_km": "3", "fee": "0.0050"}, {"up_to_km": "12", "fee": "0.0170"}, {"fee": "0.0333"}]},
             "levies": [{"name": "a", "per_kwh": "0.0011"}, {"name": "b", "per_kwh": "0.0020"}], "payer": "split"}
    """

    func column(_ csv: [UInt8], _ name: String) -> [Int64] {
        let lines = String(decoding: csv, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        guard let col = lines[0].firstIndex(where: { $0 == name }) else { return [] }
        return lines.dropFirst().map { Int64(String($0[col].filter { $0 != "." }))! }
    }

    func summaryMoney(_ json: [UInt8], _ key: String) -> Int64? {
        let s = String(decoding: json, as: UTF8.self)
        guard let r = s.range(of: "\"\(key)\": ") else { return nil }
        return Int64(String(s[r.upperBound...].prefix { $0 != "," && $0 != "\n" }.filter { $0 != "." }))
    }

    @Test(arguments: [UInt64(21), 22, 23, 24])
    func everyMechanismAndRule(seed: UInt64) throws {
        var inputs = randomInstance(seed: seed, bids: 12, offers: 10, withTimes: seed % 2 == 0)
        let loss = LossModel(market: inputs.market, grid: nil)
        let bids = Dictionary(uniqueKeysWithValues: inputs.bids.map { ($0.id, $0) })
        let offers = Dictionary(uniqueKeysWithValues: inputs.offers.map { ($0.id, $0) })
        for mech in ["cmap", "kproto", "cda", "uniform"] {
            for rule in PricingRule.allowed(for: mech) {
                inputs.market = try MarketConfig().applying(json: Array("{\"pricing\": {\"\(mech)\": \"\(rule.rawValue)\"}, \(Self.fees)}".utf8), file: "market.json")
                let c = try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: mech), context: ClearingContext(seed: 3))
                try c.result.validate(against: inputs)
                var got = [String: Wh](), sold = [String: Wh]()
                for t in c.result.trades where t.status != .rejected {
                    if t.status == .accepted {
                        let b = try #require(bids[t.bidID]), o = try #require(offers[t.offerID])
                        let p = loss.pair(b, o)
                        #expect(p.reachable && (b.maxLossPct.map { p.lossPct <= $0 } ?? true), "\(mech)/\(rule): \(t.bidID)>\(t.offerID)")
                        #expect(t.price <= b.price && t.price >= o.price, "\(mech)/\(rule): \(t.bidID)>\(t.offerID) at \(t.price)")
                        if rule == .payAsBid { #expect(t.price == b.price) }
                        if rule == .payAsOffer { #expect(t.price == o.price) }
                    }
                    if t.bidID != Trade.gridID { got[t.bidID, default: 0] += t.energy }
                    if t.offerID != Trade.gridID { sold[t.offerID, default: 0] += t.energy }
                    let f = try #require(t.fees)
                    #expect(f.buyer + f.seller == f.network + f.levy)
                }
                for b in inputs.bids { #expect(got[b.id, default: 0] == b.quantity, "\(mech)/\(rule): bid \(b.id)") }
                for o in inputs.offers { #expect(sold[o.id, default: 0] == o.quantity, "\(mech)/\(rule): offer \(o.id)") }
                #expect(column(c.tradesCSV, "amount_cny").reduce(0, +) == summaryMoney(c.canonicalSummaryJSON, "total_amount_cny"))
                for (col, key) in [("network_fee_cny", "network_fee_cny"), ("levy_cny", "levy_cny"), ("buyer_fee_cny", "buyer_fees_cny"), ("seller_fee_cny", "seller_fees_cny")] {
                    #expect(column(c.tradesCSV, col).reduce(0, +) == summaryMoney(c.canonicalSummaryJSON, key), "\(mech)/\(rule): \(col)")
                }
            }
        }
    }
}
