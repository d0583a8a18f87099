import GridClearCore
import Testing
@testable import Clearing

/// The network path on the awkward cases: heavy ties, degenerate supplies (every partial sum
/// can balance exactly), zero- and one-party sides, surplus and shortfall — against GLPK's
/// simplex, exact in integers; and its parallel schedule against the sequential one.
@Suite struct CMAPNetworkPropertyTests {
    enum Shape: CaseIterable { case ties, allEqual, degenerate, oneBuyer, oneSeller, shortfall, surplus }

    static func instance(_ shape: Shape, seed: UInt64) -> CMAPRoundProblem {
        var rng = SplitMix64(seed: 0xC0DE &+ seed)
        var m = Int.random(in: 2...12, using: &rng), n = Int.random(in: 2...12, using: &rng)
        if shape == .oneBuyer { m = 1 }
        if shape == .oneSeller { n = 1 }
        let grain: Int = shape == .ties ? 2 : (shape == .allEqual ? 0 : 0)
        var p = CMAPInstances.random(m: m, n: n, seed: seed, maxWh: 1_000, grain: grain, zeroSupply: 0)
        switch shape {
        case .allEqual:
            p.a = p.a.map { _ in 0.5 }; p.b = p.b.map { _ in 0.5 }
        case .degenerate:
            // Supplies equal to demands (permuted and split), so many bases are degenerate.
            let unit = Wh.random(in: 1...50, using: &rng)
            p.demands = p.demands.map { _ in unit * Wh.random(in: 1...3, using: &rng) }
            let total = p.demands.reduce(0, +)
            var supplies = [Wh](repeating: 0, count: n)
            var left = total
            for j in 0..<n { let s = j == n - 1 ? left : min(left, unit * Wh.random(in: 0...3, using: &rng)); supplies[j] = s; left -= s }
            p.supplies = supplies
        case .shortfall: p.supplies = p.supplies.map { $0 / 5 }
        case .surplus: p.supplies = p.supplies.map { $0 * 5 }
        default: break
        }
        return p
    }

    @Test(arguments: Shape.allCases)
    func networkAgreesWithSimplexExactly(shape: Shape) throws {
        for seed in 0..<12 as Range<UInt64> {
            let p = Self.instance(shape, seed: seed)
            let net = try CMAPRoundSolver.solve(p, path: .network, clock: cmapTestClock)
            let glpk = try CMAPRoundSolver.solve(p, path: .simplex, clock: cmapTestClock)
            #expect(cmapViolation(p, net) == nil, "\(shape) \(seed): \(cmapViolation(p, net) ?? "")")
            #expect(net.gridCapacity == glpk.gridCapacity)
            for (x, y) in [(net.z1Max, glpk.z1Max), (net.z1Min, glpk.z1Min), (net.z2Max, glpk.z2Max),
                           (net.z2Min, glpk.z2Min), (net.objective, glpk.objective)] {
                #expect(cmapClose(x, y), "\(shape) seed \(seed): \(x) vs \(y)")
            }
        }
    }

    @Test func zeroPartySides() throws {
        let noBuyers = CMAPRoundProblem(demands: [], supplies: [5, 7], a: [], b: [])
        let s = try CMAPRoundSolver.solve(noBuyers, path: .network, clock: cmapTestClock)
        #expect(s.flows.isEmpty && s.gridFlows.isEmpty && s.gridCapacity == 0 && s.objective == 1)
        let noSellers = CMAPRoundProblem(demands: [4, 6], supplies: [], a: [], b: [])
        let t = try CMAPRoundSolver.solve(noSellers, path: .network, clock: cmapTestClock)
        #expect(t.gridFlows == [4, 6] && t.gridCapacity == 10)
        let zeroSupply = CMAPRoundProblem(demands: [4], supplies: [0, 0], a: [0.2, 0.9], b: [0.1, 0.3])
        let u = try CMAPRoundSolver.solve(zeroSupply, path: .network, clock: cmapTestClock)
        #expect(u.flows == [0, 0] && u.gridFlows == [4])
    }

    /// Rounds large enough to run the two chains in parallel give the same flows as the
    /// sequential schedule (determinism does not depend on threads).
    @Test func parallelScheduleEqualsSequential() throws {
        let p = CMAPInstances.random(m: 200, n: 190, seed: 9, maxWh: 100_000, grain: 20, zeroSupply: 0.05)
        #expect(200 * 190 >= CMAPNetworkRound.parallelArcs)
        let parallel = try CMAPRoundSolver.solve(p, path: .network, clock: cmapTestClock)
        var options = CMAPRoundSolver.Options(); options.sequential = true
        let sequential = try CMAPRoundSolver.solve(p, path: .network, clock: cmapTestClock, options: options)
        #expect(parallel.flows == sequential.flows && parallel.gridFlows == sequential.gridFlows)
        #expect(cmapViolation(p, parallel) == nil)
    }

    /// Totals far beyond GLPK's old 2^29 Wh limit clear exactly.
    @Test func totalsBeyondTheOldLimit() throws {
        var p = CMAPInstances.random(m: 6, n: 5, seed: 2, maxWh: 1_000, zeroSupply: 0)
        p.demands = p.demands.map { $0 * 4_000_000 }          // up to 4·10^9 Wh per buyer
        p.supplies = p.supplies.map { $0 * 4_000_000 }
        let s = try CMAPRoundSolver.solve(p, path: .network, clock: cmapTestClock)
        #expect(cmapViolation(p, s) == nil)
        #expect(p.demands.reduce(0, +) > Wh(Int32.max))
    }
}
