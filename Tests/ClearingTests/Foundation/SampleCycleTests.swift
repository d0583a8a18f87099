import GridClearCore
import Testing
@testable import Clearing

/// The bundled sample cycle `Inputs/20261120T1000Z`, worked out by hand.
///
/// Sellers O1 (solar, 0.50, 100 kWh), O2 (wind, 0.60, 150 kWh), O3 (thermal, 0.40, 200 kWh) sit at
/// latitudes 39.90 / 39.95 / 40.00 on one meridian; buyers B1 (0.80, 100), B2 (0.70, 150),
/// B3 (0.45, 250) sit at the same three points. Neighbours are d = 6371·0.05·π/180 = 5.5597 km
/// apart (loss 5.56 % of L_max = 30 %), so loss satisfaction is 10, 8.1468 or 6.2935.
///
/// Buyer composite a (price .5, loss .3, green .2): diagonal B1O1 = B2O2 = 10 (max); B1O3 is 11.12 %
/// away, above B1's max_loss_pct 10, so it has no variable and takes no part in the normalisation
/// (issue 16); the minimum is B2O3 = 5 + 2.444 + 0 = 7.444; B3O3 = 5 + 3 + 0 = 8 →
/// a' = (8 − 7.444)/(10 − 7.444) = 0.2175 (0.3573 before issue 16, when B1O3 = 6.888 was the minimum).
/// B3's bid 0.45 is below O1's and O2's asks: those pairs are normalised but get no variable.
/// Seller composite b (price .5, demand .3, loss .2): O1B1 = 1.875 + 3 + 2 = 6.875 (max);
/// O1B3 = 0 + 3 + 1.2587 = 4.2587 (min, B3's bid is below O1's ask);
/// O2B2 = 0.714 + 3 + 2 = 5.714 → b' = 0.5564; O3B3 = 0.556 + 3 + 2 = 5.556 → b' = 0.4957.
///
/// Supply 450 < demand 500: the grid seller has capacity 50. The diagonal maximises Z1 and Z2 at
/// once (every buyer at its own best seller, and each seller's best buyer available), so the
/// combined objective is 1. Then B3 rejects O3 (a' = 0.357 < 0.43): its 200 kWh return in round 2,
/// where no allowed pair with supply is left (O1, O2 sold out; O3 rejected), so B3 buys 250 kWh from
/// the grid and O3 sells its 200 kWh to the grid. Prices are the means of the quotes.
@Suite struct SampleCycleTests {
    static let sample = CycleFiles.sampleFromRepository()

    @Test(arguments: [CMAPSolverPath.network, .simplex])
    func tradesExactly(path: CMAPSolverPath) throws {
        let f = try #require(Self.sample)
        let c = try CyclePipeline.clear(f, options: ClearOptions(solver: path.rawValue), context: ClearingContext())
        let rows = c.result.trades.map { "\($0.bidID) \($0.offerID) \(Units.kWhString($0.energy)) \(Units.priceString($0.price)) \($0.status.rawValue)" }
        #expect(rows == [
            "B1 O1 100.000 0.6500 accepted",
            "B2 O2 150.000 0.6500 accepted",
            "B3 O3 200.000 0.4250 rejected",
            "B3 grid 250.000 1.4167 grid",
            "grid O3 200.000 0.3023 grid",
        ])
        let t = c.result.trades
        #expect(abs(t[2].buyerSatisfaction! - (8 - 7.44403) / (10 - 7.44403)) < 2e-4)
        #expect(abs(t[1].sellerSatisfaction! - (5.7143 - 4.2587) / (6.875 - 4.2587)) < 2e-4)
        #expect(abs(t[2].sellerSatisfaction! - (5.5556 - 4.2587) / (6.875 - 4.2587)) < 2e-4)
        #expect(c.result.rounds.count == 1)
        #expect(abs(c.result.rounds[0].objective - 1) < 1e-9)
        // Z1max = 100·1 + 150·1 + 200·a'(B3,O3): x in kWh.
        #expect(abs(c.result.rounds[0].z1Max - (250 + 200 * t[2].buyerSatisfaction!)) < 1e-6)
        let text = String(decoding: c.tradesCSV, as: UTF8.self)
        #expect(text.hasPrefix("bid_id,offer_id,buyer_id,seller_id,energy_kwh,price,amount_cny,loss_pct,distance_km,buyer_satisfaction,seller_satisfaction,status\nB1,O1,P1,S1,100.000,0.6500,65.0000000,0.000000,0.000000,1.000000,1.000000,accepted\n"))
    }
}

extension CycleFiles {
    /// The sample cycle from the repository checkout (tests run from the package root or below).
    static func sampleFromRepository() -> CycleFiles? {
        var dir = #filePath
        for _ in 0..<4 { dir = String(dir[..<dir.lastIndex(of: "/")!]) }
        return try? CycleFiles.load(cycleDirectory: dir + "/Inputs/20261120T1000Z")
    }
}
