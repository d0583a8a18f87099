import GridClearCore
import Testing
@testable import Clearing

/// `compare` keeps the mechanisms that succeeded and names the one that failed.
@Suite struct CMAPCompareFailureTests {
    @Test func failedMechanismIsNamedAndOthersCompared() throws {
        let inputs = randomInstance(seed: 5, bids: 8, offers: 6)
        var c = MechanismComparison(inputs: inputs)
        c.add(try UniformPriceAuction().clear(inputs, context: ClearingContext()), seconds: 0.1)
        c.addFailure(mechanism: "cmap", reason: "solver failed: injected\nsecond line dropped")
        #expect(c.failures == [.init(mechanism: "cmap", reason: "solver failed: injected")])
        let md = c.markdown()
        #expect(md.contains("| metric | uniform |"))
        #expect(md.contains("- cmap failed and is not in the table: solver failed: injected\n"))
    }
}
