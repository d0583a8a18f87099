import Foundation
import Testing
@testable import ConsensusFactor

/// The consensus-ADMM variant reaches the same central optimum, on all three cases, in far
/// fewer iterations than RCI.
@Suite struct ADMMTests {
    @Test(arguments: ["case_2x3", "case_5x5", "new_england_31"])
    func admmMatchesCentralOptimum(_ name: String) throws {
        let c = try loadCase(name)
        let ref = try loadReference(name)
        var run = try ADMMInProcessRun(case: c)
        let out = run.run()
        #expect(out.converged)
        #expect(out.iterations < 2_000)
        for (id, p) in ref.net_power { #expect(abs(out.netPowers[id]! - p) < 0.05, "net power of \(id)") }
        for t in out.trades { #expect(abs(t.price - ref.price) < 0.01, "price \(t.from)→\(t.to)") }
        #expect(abs(out.totalCost(c) - ref.total_cost) < 1)
        #expect(out.kkt(c).holds(powerTolerance: 0.05, priceTolerance: 0.01), "\(out.kkt(c))")
    }
}
