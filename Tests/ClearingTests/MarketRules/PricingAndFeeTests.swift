import GridClearCore
import Testing
@testable import Clearing

/// Pricing rules and grid fees as market settings (issue 16), hand-worked on one pair:
/// bid 0.6000, ask 0.5000, buyer and seller 0.05° of latitude apart (5.56 km, 5.56 % loss).
@Suite struct PricingAndFeeTests {
    let ctx = ClearingContext()

    func market(_ json: String) throws -> MarketConfig { try MarketConfig().applying(json: Array(json.utf8), file: "market.json") }

    func onePair(_ mech: String, _ json: String, energy: Wh = 1000) throws -> ClearedCycle {
        let inputs = mkInputs(offers: [mkOffer("A", price: 5000, qty: energy, lat: 39.95, arrival: 0)],
                              bids: [mkBid("X", price: 6000, qty: energy, lat: 39.90, arrival: 1)], market: try market(json))
        return try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: mech), context: ctx)
    }

    /// Each rule on each mechanism: midpoint 5500, pay_as_bid 6000, pay_as_offer 5000; the
    /// defaults are today's (CMAP/CDA midpoint, K-prototypes the seller's price, uniform its
    /// clearing price, here the midpoint of [5000, 6000]).
    @Test func eachRuleOnEachMechanism() throws {
        let expected: [String: [String: PriceTicks]] = [
            "cmap": ["": 5500, "midpoint": 5500, "pay_as_bid": 6000, "pay_as_offer": 5000],
            "cda": ["": 5500, "midpoint": 5500, "pay_as_bid": 6000, "pay_as_offer": 5000],
            "kproto": ["": 5000, "midpoint": 5500, "pay_as_bid": 6000, "pay_as_offer": 5000],
            "uniform": ["": 5500, "midpoint": 5500, "pay_as_bid": 6000, "pay_as_offer": 5000, "uniform": 5500],
        ]
        for (mech, rules) in expected {
            for (rule, price) in rules {
                let json = rule.isEmpty ? "{}" : "{\"pricing\": {\"\(mech)\": \"\(rule)\"}}"
                let c = try onePair(mech, json)
                #expect(tradeStrings(c.result) == ["X>A:1000@\(price)"], "\(mech) \(rule)")
                let summary = String(decoding: c.canonicalSummaryJSON, as: UTF8.self)
                #expect(summary.contains("\"pricing\"") == !rule.isEmpty, "\(mech) \(rule)")
            }
        }
        // The string form sets every mechanism.
        for mech in ["cmap", "cda", "kproto", "uniform"] {
            #expect(tradeStrings(try onePair(mech, "{\"pricing\": \"pay_as_bid\"}").result) == ["X>A:1000@6000"])
        }
    }

    /// Without `pricing` and `fees` the outputs have exactly the columns and keys they had.
    @Test func withoutSettingsTheOutputsKeepTheirShape() throws {
        let c = try onePair("cmap", "{}")
        let csv = String(decoding: c.tradesCSV, as: UTF8.self)
        #expect(csv.hasPrefix(ClearingResult.tradeColumns.joined(separator: ",") + "\n"))
        let s = String(decoding: c.canonicalSummaryJSON, as: UTF8.self)
        #expect(!s.contains("fee") && !s.contains("levy") && !s.contains("pricing"))
    }

    @Test func pricingSettingsAreValidated() throws {
        func error(_ json: String) -> String? {
            do { _ = try market(json); return nil } catch { return "\(error)" }
        }
        #expect(error("{\"pricing\": \"uniform\"}")?.contains("uniform mechanism only") == true)
        #expect(error("{\"pricing\": {\"cmap\": \"uniform\"}}")?.contains("market.json:1:") == true)
        #expect(error("{\n \"pricing\": {\"cmapp\": \"midpoint\"}}")?.contains("market.json:2:14: unknown key 'pricing.cmapp'") == true)
        #expect(error("{\"pricing\": \"vickrey\"}")?.contains("must be one of midpoint") == true)
        #expect(error("{\"fees\": {\"network\": {\"bands\": [{\"fee\": \"0.01\"}, {\"up_to_km\": \"3\", \"fee\": \"0.02\"}]}}}")?.contains("only the last band") == true)
        #expect(error("{\"fees\": {\"payer\": \"both\"}}")?.contains("buyer, seller or split") == true)
        #expect(error("{\"fees\": {\"levies\": [{\"name\": \"x\", \"per_kwh\": \"-0.01\"}]}}")?.contains("must not be negative") == true)
        #expect(error("{\"pricing\": ") != nil)
    }

    static let bands = "{\"bands\": [{\"up_to_km\": \"2\", \"fee\": \"0.0100\"}, {\"up_to_km\": \"10\", \"fee\": \"0.0300\"}, {\"fee\": \"0.0500\"}]}"

    /// 5.56 km falls in the second band (0.0300/kWh); levy 0.0051/kWh; 1001 Wh:
    /// network 1001 × 300 = 300300, levy 1001 × 51 = 51051 units, total 351351;
    /// split → seller ⌊351351/2⌋ = 175675, buyer 175676.
    @Test func distanceBandsLeviesAndSplit() throws {
        let json = "{\"fees\": {\"network\": \(Self.bands), \"levies\": [{\"name\": \"renewable\", \"per_kwh\": \"0.0051\"}], \"payer\": \"split\"}}"
        let c = try onePair("cmap", json, energy: 1001)
        let fees = try #require(c.result.trades.first?.fees)
        #expect(fees == TradeFees(network: 300_300, levy: 51_051, buyer: 175_676, seller: 175_675))
        let csv = String(decoding: c.tradesCSV, as: UTF8.self).split(separator: "\n")
        #expect(csv[0].hasSuffix(",status,network_fee_cny,levy_cny,buyer_fee_cny,seller_fee_cny"))
        #expect(csv[1].hasSuffix(",accepted,0.0300300,0.0051051,0.0175676,0.0175675"))
        let s = String(decoding: c.canonicalSummaryJSON, as: UTF8.self)
        #expect(s.contains("\"network_fee_cny\": 0.0300300") && s.contains("\"levy_cny\": 0.0051051"))
        #expect(s.contains("\"buyer_fees_cny\": 0.0175676") && s.contains("\"seller_fees_cny\": 0.0175675"))
        // Beyond 10 km: the open band (0.0500); the payer alone carries everything.
        let far = mkInputs(offers: [mkOffer("A", price: 5000, qty: 1000, lat: 40.05, arrival: 0)],
                           bids: [mkBid("X", price: 6000, qty: 1000, lat: 39.90, arrival: 1)],
                           market: try market("{\"fees\": {\"network\": \(Self.bands), \"payer\": \"seller\"}}"))
        let r = try CyclePipeline.clear(inputs: far, options: ClearOptions(mechanism: "cda"), context: ctx)
        #expect(r.result.trades.first?.fees == TradeFees(network: 500_000, levy: 0, buyer: 0, seller: 500_000))
        // Grid rows carry none.
        #expect(r.result.trades.filter { $0.status == .grid }.allSatisfy { $0.fees == .zero })
    }

    /// By path: S → R (network_fee 0.0100) → B (0.0200) is the least-loss path; the direct
    /// line S → B (0.0005) loses more and is not used. 2 kWh × 300 ticks = 600000 units.
    @Test func networkFeeFollowsTheLeastLossPath() throws {
        let grid = """
        {"nodes": [{"id": "S", "kind": "seller"}, {"id": "R", "kind": "router"}, {"id": "B", "kind": "buyer"}],
         "lines": [{"from": "S", "to": "R", "length_km": "1", "network_fee": "0.0100"},
                   {"from": "R", "to": "B", "length_km": "1", "network_fee": "0.0200"},
                   {"from": "S", "to": "B", "length_km": "9", "network_fee": "0.0005"}]}
        """
        let g = try GridTopology.parse(json: Array(grid.utf8), file: "grid.json")
        var offer = mkOffer("A", price: 5000, qty: 2000, arrival: 0), bid = mkBid("X", price: 6000, qty: 2000, arrival: 1)
        offer.location = .node("S"); bid.location = .node("B")
        var inputs = mkInputs(offers: [offer], bids: [bid], market: try market("{\"fees\": {\"network\": \"grid_path\"}}"))
        inputs.grid = g
        let r = try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: "uniform"), context: ctx)
        #expect(r.result.trades.first?.fees == TradeFees(network: 600_000, levy: 0, buyer: 600_000, seller: 0))
        // Fees summing above 1000 CNY/kWh along a path are refused as an input problem, not an overflow.
        inputs.grid!.lines = inputs.grid!.lines.map { var l = $0; l.networkFee = 6_000_000; return l }
        #expect(throws: InputError.self) { try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: "cda"), context: ctx) }
    }

    /// A by-path network fee needs grid.json: refused at parse, naming market.json.
    @Test func pathFeesWithoutGridAreRefused() throws {
        var files = CycleFiles(cycleID: "20261120T1000Z",
                               offersCSV: Array("offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences\nA,S,0.5,1,solar,39.9,116.4,80,price:1\n".utf8),
                               bidsCSV: Array("bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences\nX,B,0.6,1,39.9,116.4,80,price:1\n".utf8),
                               marketJSON: Array("{\"fees\": {\"network\": \"grid_path\"}}".utf8))
        files.marketName = "Inputs/market.json"
        #expect(throws: InputError.self) { try CyclePipeline.parse(files) }
        do { _ = try CyclePipeline.parse(files) } catch { #expect("\(error)".contains("Inputs/market.json:1:1: 'fees.network' is \"grid_path\"")) }
    }
}
