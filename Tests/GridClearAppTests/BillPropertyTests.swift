import Testing
import Clearing
@testable import GridClearApp
import GridClearCore
import LedgerLite

/// Bills sum exactly to the trades on random cycles, every mechanism, with fees split between
/// buyer and seller: Σ paid_local = Σ received_local = the accepted amounts; Σ paid_grid and
/// Σ received_grid = the grid rows; Σ fees = the fee columns; each participant's net = what
/// its rows move minus its fees (recomputed here from the Trade values, not from the CSV).
@Suite struct BillPropertyTests {
    static let market = """
    {"pricing": "pay_as_bid", "fees": {"network": {"bands": [{"up_to_km": "5", "fee": "0.0070"}, {"fee": "0.0210"}]},
     "levies": [{"name": "l", "per_kwh": "0.0013"}], "payer": "split"}}
    """

    func instance(seed: UInt64) throws -> CycleInputs {
        var g = SplitMix64(seed: seed)
        let sp = Preferences<SellerCriterion>([(.price, 0.5), (.demand, 0.3), (.loss, 0.2)])
        let bp = Preferences<BuyerCriterion>([(.price, 0.5), (.loss, 0.3), (.green, 0.2)])
        func loc() -> Location { .coordinates(lat: Double.random(in: 39.80...40.03, using: &g), lon: Double.random(in: 116.25...116.55, using: &g)) }
        // Some participants hold several quotes, so bills aggregate rows.
        let offers = (0..<9).map { i in
            Offer(id: "o\(i)", sellerID: "S\(i % 5)", price: PriceTicks.random(in: 3023...9000, using: &g), quantity: Wh.random(in: 1...40_000, using: &g),
                  energyType: EnergyType.allCases.randomElement(using: &g)!, location: loc(), reputation: 70, preferences: sp, arrival: i)
        }
        let bids = (0..<10).map { i in
            Bid(id: "b\(i)", buyerID: "B\(i % 6)", price: PriceTicks.random(in: 5000...14000, using: &g), quantity: Wh.random(in: 1...40_000, using: &g),
                maxLossPct: Bool.random(using: &g) ? Double.random(in: 5...40, using: &g) : nil, location: loc(), reputation: 70, preferences: bp, arrival: 9 + i)
        }
        let m = try MarketConfig().applying(json: Array(Self.market.utf8), file: "market.json")
        return CycleInputs(cycleID: "20261120T1000Z", market: m, offers: offers, bids: bids)
    }

    @Test(arguments: [UInt64(31), 32, 33])
    func billsSumExactlyToTheTrades(seed: UInt64) throws {
        let inputs = try instance(seed: seed)
        for mech in ["cmap", "kproto", "cda", "uniform"] {
            let c = try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: mech), context: ClearingContext(seed: 1))
            var book = BillBook()
            try book.add(cycle: c.cycleID, trades: TradeTable(csv: c.tradesCSV))
            let bills = book.bills.values
            var net: [String: Int64] = [:]
            var accepted: Int64 = 0, gridPaid: Int64 = 0, gridReceived: Int64 = 0, fees: Int64 = 0
            for t in c.result.trades {
                let f = t.fees ?? .zero
                switch t.status {
                case .accepted:
                    accepted += t.amount
                    net[t.buyerID, default: 0] -= t.amount + f.buyer
                    net[t.sellerID, default: 0] += t.amount - f.seller
                case .grid where t.sellerID == Trade.gridID: gridPaid += t.amount; net[t.buyerID, default: 0] -= t.amount
                case .grid: gridReceived += t.amount; net[t.sellerID, default: 0] += t.amount
                case .rejected: #expect(t.amount == 0 && f == .zero)
                }
                fees += f.buyer + f.seller
            }
            #expect(bills.reduce(0) { $0 + $1.paidLocal } == accepted && bills.reduce(0) { $0 + $1.receivedLocal } == accepted, "\(mech)")
            #expect(bills.reduce(0) { $0 + $1.paidGrid } == gridPaid && bills.reduce(0) { $0 + $1.receivedGrid } == gridReceived, "\(mech)")
            #expect(bills.reduce(0) { $0 + $1.fees } == fees && fees > 0, "\(mech)")
            for b in bills { #expect(b.net == net[b.participant, default: 0], "\(mech): \(b.participant)") }
            #expect(Set(book.bills.keys) == Set(net.keys))
        }
    }
}
