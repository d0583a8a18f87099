import Foundation
import Testing
@testable import ConsensusFactor

@Suite struct RCICoreTests {
    @Test func fixedPointRoundingIsExactAndSymmetric() {
        #expect(RCIFixedPoint.resultToValue(15_000_000) == 2)
        #expect(RCIFixedPoint.resultToValue(-15_000_000) == -2)
        #expect(RCIFixedPoint.resultToValue(14_999_999) == 1)
        #expect(RCIFixedPoint.resultToValue(-14_999_999) == -1)
        #expect(RCIFixedPoint.resultToValue(0) == 0)
    }

    @Test func planMatchesTheSpecEquation() throws {
        // λ_new = λ_nm − β(λ_nm − λ_mn) − α(P_nm + P_mn), by hand on one pair.
        let spec = RCIAgentSpec(id: "G", role: .generator, a: 0.1, b: 20, pMin: 0, pMax: 100)
        var p = RCIParameters(alpha: .constant(0.05), beta: .constant(0.2))
        p.initialPrice = 30
        var agent = try RCIAgent(spec: spec, partners: ["C"], parameters: p)
        let plan = try agent.plans()[0]
        let partner = RCIShare(iteration: 0, lambda: 40_000_000, power: -12_500_000, converged: false)  // 40 €/MWh, −12.5 MW
        let new = RCIFixedPoint.fromResult(try plan.evaluate(partnerLambda: partner.lambda, partnerPower: partner.power))
        let expected = 30 - 0.2 * (30 - 40) - 0.05 * (0 + -12.5)
        #expect(abs(new - expected) < 1e-12)
    }

    @Test func tradeStepProjectsOntoTheRoleSign() throws {
        let spec = RCIAgentSpec(id: "G", role: .generator, a: 0.1, b: 50, pMin: 0, pMax: 100)
        var agent = try RCIAgent(spec: spec, partners: ["C1", "C2"], parameters: RCIParameters())
        // price far below marginal cost: target negative, trades stay at 0
        try agent.advance(newLambdas: [10 * RCIFixedPoint.resultScale, 10 * RCIFixedPoint.resultScale], reciprocityHolds: nil)
        #expect(agent.trades == [0, 0])
        // price above: T = (60 − 50)/0.1 = 100, split by equal weights
        try agent.advance(newLambdas: [60 * RCIFixedPoint.resultScale, 60 * RCIFixedPoint.resultScale], reciprocityHolds: nil)
        #expect(abs(agent.trades[0] - 50) < 1e-9 && abs(agent.trades[1] - 50) < 1e-9)
        #expect(!agent.converged)
    }

    @Test func localStopNeedsPriceAndTradeThresholds() throws {
        let spec = RCIAgentSpec(id: "C", role: .consumer, a: 0.1, b: 50, pMin: -100, pMax: 0)
        var agent = try RCIAgent(spec: spec, partners: ["G"], parameters: RCIParameters(initialPrice: 50))
        let same = [agent.lambdas[0]]
        try agent.advance(newLambdas: same, reciprocityHolds: nil)  // price and trade unchanged
        #expect(agent.converged && agent.wantsReciprocityTest)     // → the reciprocity test is asked for
        try agent.advance(newLambdas: [same[0] + RCIFixedPoint.resultScale], reciprocityHolds: true)  // λ moved by 1 €/MWh
        #expect(!agent.converged && !agent.wantsReciprocityTest)
        // the reciprocity tolerance leaves room for the rounding of both shares
        let t = try #require(try agent.reciprocityTests().first)
        #expect(t.tolerance == 10_000 - 2)
    }

    @Test func caseParsingRejectsBadRowsWithTheLine() throws {
        #expect(throws: RCICaseError.malformed(line: 2, reason: "role must be generator or consumer, not 'seller'")) {
            try RCICase.parseCSV("agent,role,a,b,p_min_mw,p_max_mw\nX,seller,1,2,0,1\n")
        }
        #expect(throws: RCICaseError.invalidAgent(id: "G", reason: "a = 0.0 must be > 0 (strictly convex cost)")) {
            try RCICase.parseCSV("agent,role,a,b,p_min_mw,p_max_mw\nG,generator,0,2,0,1\nC,consumer,1,2,-1,0\n")
        }
        let c = try RCICase.parseCSV("agent,role,a,b,p_min_mw,p_max_mw,gamma\nG,generator,1,2,0,1,C:0.5\nC,consumer,1,2,-1,0\n")
        #expect(c.agents[0].gamma == ["C": 0.5])
        let ne = try loadCase("new_england_31")
        #expect(ne.agents.count == 31 && ne.agents.filter { $0.role == .generator }.count == 10)
    }

    @Test func perturbedRunStillReachesTheOptimum() throws {
        let c = try loadCase("case_2x3")
        let ref = try loadReference("case_2x3")
        var run = try RCIInProcessRun(case: c, parameters: RCIParameters(), perturbation: RCIPerturbationOption(spread: 0.3, seed: 5))
        let out = try run.run()
        #expect(out.converged)
        for (id, p) in ref.net_power { #expect(abs(out.netPowers[id]! - p) < 0.05) }
        #expect(out.kkt(c).holds(powerTolerance: 0.05, priceTolerance: 0.02))
    }

    @Test func kktCheckRejectsAWrongSolution() throws {
        let c = try loadCase("case_2x3")
        var run = try RCIInProcessRun(case: c, parameters: RCIParameters())
        var out = try run.run()
        out.agents[0].trades[0].price += 1  // a generator's price 1 €/MWh off
        out.agents[0].netPower -= 5        // and 5 MW short of its bound
        #expect(!out.kkt(c).holds(powerTolerance: 0.05, priceTolerance: 0.01))
    }
}
