import GridClearCore
import Testing
@testable import Clearing

/// The one `ClearingResult` invariant check: every mechanism's results pass it, and each kind
/// of broken result is caught with a message naming what broke.
@Suite struct ClearingInvariantTests {
    @Test(arguments: ["cmap", "kproto", "cda", "uniform"])
    func everyMechanismValidates(_ name: String) throws {
        let mech = try CyclePipeline.mechanism(named: name, solver: "auto")
        for seed in UInt64(1)...12 {
            let inp = randomInstance(seed: seed &* 31 &+ 5, bids: Int(seed % 7) + 1, offers: Int(seed % 5) + 1, withTimes: seed % 2 == 0)
            let r = try mech.clear(inp, context: ClearingContext(seed: seed))
            try r.validate(against: inp)
        }
    }

    @Test func brokenResultsAreCaught() throws {
        let inp = randomInstance(seed: 9, bids: 4, offers: 3)
        let good = try ContinuousDoubleAuction().clear(inp, context: ClearingContext())
        try good.validate(against: inp)
        func failure(_ change: (inout [Trade]) -> Void) -> String {
            var r = good
            change(&r.trades)
            do { try r.validate(against: inp); return "passed" } catch { return error.description }
        }
        // Energy not conserved.
        #expect(failure { $0[0].energy -= 1 }.contains("quantity is"))
        // A pair carrying more than a quote holds.
        #expect(failure { $0[0].energy = 60_001 }.contains("more than the quotes hold") || good.trades[0].status == .grid)
        // A row dropped entirely.
        #expect(failure { $0.removeLast() }.contains("quantity is"))
        // A grid purchase at a price other than the grid buy price.
        #expect(failure { t in
            if let i = t.firstIndex(where: { $0.status == .grid }) { t[i].price += 1 }
        }.contains("grid"))
        // Wrong party on a participant row, or an unknown quote.
        #expect(failure { $0[0].buyerID = "someone-else" }.contains("quotes' parties") || good.trades[0].status == .grid)
        #expect(failure { $0[0].bidID = "nope" }.contains("internal invariant violated"))
        // Money that cannot be represented.
        #expect(failure { $0[0].price = .max }.contains("overflows") || failure { $0[0].price = .max }.contains("grid"))
        // No energy on a row.
        #expect(failure { $0[0].energy = 0 }.contains("positive energy"))
    }

    @Test func rejectedRowsAreProposalsNotDeliveries() throws {
        // The sample cycle's CMAP result has a rejected row: it neither counts towards the
        // quotes' energy nor the money paid.
        let f = try #require(CycleFiles.sampleFromRepository())
        let c = try CyclePipeline.clear(f, options: ClearOptions(), context: ClearingContext())
        try c.result.validate(against: c.inputs)
        #expect(c.result.trades.contains { $0.status == .rejected })
        let paid = CycleMetrics.compute(inputs: c.inputs, result: c.result)
        #expect(paid.matchedWh == c.result.trades.filter { $0.status == .accepted }.reduce(0) { $0 + $1.energy })
    }
}

/// `DeviationSettlement` and `LateDataSettlement` follow the one `LateDataRule`.
@Suite struct LateDataRuleTests {
    @Test func verdicts() {
        let r = LateDataRule(lateCycles: 2)
        #expect(r.verdict(missingData: false, cyclesElapsed: 0) == .settle)
        #expect(r.verdict(missingData: true, cyclesElapsed: 0) == .wait(cyclesLeft: 2))
        #expect(r.verdict(missingData: true, cyclesElapsed: 1) == .wait(cyclesLeft: 1))
        #expect(r.verdict(missingData: true, cyclesElapsed: 2) == .settle)
        #expect(LateDataRule(lateCycles: 0).verdict(missingData: true, cyclesElapsed: 0) == .settle)
        #expect(LateDataRule.cyclesElapsed(cycle: 5, currentCycle: 6) == 0)
    }

    @Test(arguments: [0, 1, 2, 4])
    func bothEnginesCloseTheWindowAtTheSameCycle(_ n: Int) throws {
        // Cycle 10, seller S reported, buyer B never does.
        let trade = Trade(bidID: "b", offerID: "o", buyerID: "B", sellerID: "S", energy: 1_000, price: 5000, status: .accepted)
        let deviation = DeviationSettlement(toleranceBP: 500, lateCycles: n, gridBuyPrice: 9000, gridSellPrice: 3000)
        var engine = LateDataSettlement(expected: ["S", "B"], matrix: try PriceMatrix([]), gridBuyPrice: 9000, gridSellPrice: 3000, lateCycles: n)
        _ = engine.step(.reading(cycle: 10, participant: "S", netWh: 1_000))
        for now in 11...(11 + n + 1) {
            let elapsed = LateDataRule.cyclesElapsed(cycle: 10, currentCycle: now)
            let pending: Bool
            if case .pending = deviation.settle(trades: [trade], metered: [MeteredParty(participant: "S", role: .seller, wh: 1_000)],
                                                cyclesElapsed: elapsed) { pending = true } else { pending = false }
            let decisions = engine.step(.tick(currentCycle: now))
            let settledNow = decisions.contains { if case .settled = $0 { return true } else { return false } }
            let alreadySettled = engine.unsettledCycles.isEmpty && !settledNow
            #expect(pending == (!settledNow && !alreadySettled), "n=\(n) now=\(now)")
            if settledNow {
                #expect(ReputationBook.events(for: decisions) == [LateDataRule.penalty("B")])
            }
        }
    }
}
