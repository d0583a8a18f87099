import Foundation
import Testing
@testable import ConsensusFactor

/// Plaintext RCI against the centralised optimum (committed reference) and the KKT conditions.
@Suite struct RCIReferenceTests {
    @Test(arguments: ["case_2x3", "case_5x5"])
    func plaintextMatchesCentralOptimum(_ name: String) throws {
        let c = try loadCase(name)
        let ref = try loadReference(name)
        var run = try RCIInProcessRun(case: c, parameters: RCIParameters())
        let out = try run.run()
        #expect(out.converged)
        for (id, p) in ref.net_power {
            #expect(abs(out.netPowers[id]! - p) < 0.05, "net power of \(id): \(out.netPowers[id]!) vs \(p)")
        }
        for t in out.trades { #expect(abs(t.price - ref.price) < 0.01, "price \(t.from)→\(t.to) \(t.price) vs \(ref.price)") }
        #expect(abs(out.totalCost(c) - ref.total_cost) < 0.01 * abs(ref.total_cost) / 100)
        let kkt = out.kkt(c)
        #expect(kkt.holds(powerTolerance: 0.05, priceTolerance: 0.01), "\(kkt)")
        // The stop rule, with ≤ exactly, holds on the published result itself.
        let t = RCIParameters().thresholds
        #expect(out.residuals.reciprocity <= t.reciprocity, "published |P_nm + P_mn| = \(out.residuals.reciprocity)")
        for r in run.agentResults.values {
            let s = try #require(r.lastReport)
            #expect(s.maxPriceChange <= t.priceChange && s.maxTradeChange <= t.tradeChange)
            #expect(r.finalReciprocityHolds == true)
        }
    }
}

/// The 31-agent New England case needs tens of thousands of iterations to meet the default
/// thresholds (minutes in a debug build; see Benchmarks/rci.sh for the full run). Here: a
/// bounded run of 3 000 iterations with α = 0.2 must already be close to the central optimum.
@Suite struct RCINewEnglandTests {
    @Test func boundedRunApproachesThePoolOptimum() throws {
        let c = try loadCase("new_england_31")
        let ref = try loadReference("new_england_31")
        #expect(abs(ref.price - 57.24) < 0.01)
        var params = RCIParameters(alpha: .constant(0.2))
        params.maxIterations = 3_000
        var run = try RCIInProcessRun(case: c, parameters: params)
        let out = try run.run()
        #expect(out.iterations == 3_000)
        for (id, p) in ref.net_power { #expect(abs(out.netPowers[id]! - p) < 0.2, "net power of \(id)") }
        let trades = out.trades
        let price = trades.reduce(0) { $0 + $1.price * $1.power } / trades.reduce(0) { $0 + $1.power }
        #expect(abs(price - ref.price) < 0.05)
        #expect(abs(out.totalCost(c) - ref.total_cost) < 5)  // 5 € of 92 548 €: balance residual × price
    }
}
