import Foundation
import Testing
@testable import ConsensusFactor

/// The consensus-ADMM variant, run by the same protocol machines as RCI, reaches the same
/// central optimum on all three cases in far fewer iterations.
@Suite struct ADMMTests {
    static let parameters = RCIParameters(algorithm: .admm, thresholds: RCIThresholds(priceChange: 1, reciprocity: 1e-3, tradeChange: 1e-3))

    @Test(arguments: ["case_2x3", "case_5x5", "new_england_31"])
    func admmMatchesCentralOptimum(_ name: String) throws {
        let c = try loadCase(name)
        let ref = try loadReference(name)
        var run = try RCIInProcessRun(case: c, parameters: Self.parameters)
        let out = try run.run()
        #expect(out.converged)
        #expect(out.iterations < 2_000)
        for (id, p) in ref.net_power { #expect(abs(out.netPowers[id]! - p) < 0.05, "net power of \(id)") }
        for t in out.trades { #expect(abs(t.price - ref.price) < 0.01, "price \(t.from)→\(t.to)") }
        #expect(abs(out.totalCost(c) - ref.total_cost) < 1)
        #expect(out.kkt(c).holds(powerTolerance: 0.05, priceTolerance: 0.01), "\(out.kkt(c))")
        // the stop rule held with ≤ on every agent's own residuals
        for r in run.agentResults.values {
            let s = try #require(r.lastReport)
            #expect(try #require(s.maxReciprocity) <= 1e-3 && s.maxTradeChange <= 1e-3)
        }
        #expect(run.agentResults.values.allSatisfy { $0.failed.isEmpty && $0.verified.count == $0.outcome.trades.count })
    }

    @Test func admmRecoversPartnerTradesExactlyFromTheUpdate() throws {
        let c = try loadCase("case_2x3")
        var params = Self.parameters
        params.maxIterations = 5
        var run = try RCIInProcessRun(case: c, parameters: params)
        _ = try run.run()
        // every agent's view of its partner's trade equals the partner's own (value-scale) trade
        let byID = Dictionary(uniqueKeysWithValues: run.agents.map { ($0.spec.id, $0.consensus as! ADMMAgent) })
        for a in byID.values {
            for (i, p) in a.partners.enumerated() {
                let other = byID[p]!
                let mine = other.partners.firstIndex(of: a.spec.id)!
                #expect(abs(a.partnerTrades[i] - other.trades[mine]) <= 1e-6)
            }
        }
    }
}
