import GridClearCore
import Foundation
import Testing
@testable import Clearing

/// Seeded random instances: exact integer constraints, agreement of every path
/// (and of the raw, unpolished simplex) to 1e-9 relative, determinism.
@Suite struct CMAPSolverPropertyTests {
    static func instance(_ seed: UInt64) -> CMAPRoundProblem {
        var rng = SplitMix64(seed: 77 &+ seed)
        let m = Int.random(in: 1...14, using: &rng), n = Int.random(in: 1...14, using: &rng)
        let excluded = [0.0, 0.0, 0.3, 0.7][Int(seed % 4)]
        return CMAPInstances.random(m: m, n: n, seed: seed, maxWh: Wh([50, 5_000, 200_000][Int(seed % 3)]),
                                    excluded: excluded, grain: seed % 5 == 0 ? 3 : 0, zeroSupply: 0.15)
    }

    @Test(arguments: 0..<60)
    func pathsAgreeAndConstraintsHoldExactly(seed: UInt64) throws {
        let p = Self.instance(seed)
        var solutions: [CMAPRoundSolution] = []
        for path in CMAPSolverPath.available {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(cmapViolation(p, s) == nil, "seed \(seed) \(path): \(cmapViolation(p, s) ?? "")")
            #expect(s.path == path)
            solutions.append(s)
        }
        let raw = try CMAPRoundSolver.solve(p, path: .simplex, clock: cmapTestClock,
                                            options: .init(polishSimplex: false))
        #expect(cmapViolation(p, raw) == nil)
        solutions.append(raw)
        let ref = solutions[0]
        for s in solutions.dropFirst() {
            #expect(s.gridCapacity == ref.gridCapacity)
            #expect(cmapClose(s.z1Max, ref.z1Max) && cmapClose(s.z1Min, ref.z1Min), "seed \(seed) \(s.path) z1")
            #expect(cmapClose(s.z2Max, ref.z2Max) && cmapClose(s.z2Min, ref.z2Min), "seed \(seed) \(s.path) z2")
            #expect(cmapClose(s.objective, ref.objective), "seed \(seed) \(s.path) objective \(s.objective) vs \(ref.objective)")
        }
        // Bounds: every Z lies between its min and max; objective ≤ w1 + w2.
        for s in solutions {
            #expect(s.z1 <= s.z1Max + 1e-9 * max(1, s.z1Max) && s.z1 >= s.z1Min - 1e-9 * max(1, s.z1Max))
            #expect(s.objective <= p.weights.0 + p.weights.1 + 1e-12)
        }
    }

    @Test func sameInputSameFlows() throws {
        let p = Self.instance(3)
        for path in CMAPSolverPath.available {
            let s1 = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            let s2 = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(s1.flows == s2.flows && s1.gridFlows == s2.gridFlows)
        }
    }

    /// The global lock serialises GLPK: concurrent solves give the same results as serial ones.
    @Test func concurrentSolvesAreSerialisedAndDeterministic() async throws {
        let problems = (0..<6).map { Self.instance(100 + UInt64($0)) }
        let serial = try problems.map { try CMAPRoundSolver.solve($0, path: .simplex, clock: cmapTestClock).flows }
        let parallel = try await withThrowingTaskGroup(of: (Int, [Wh]).self) { group in
            for (k, p) in problems.enumerated() {
                group.addTask { (k, try CMAPRoundSolver.solve(p, path: .simplex, clock: cmapTestClock).flows) }
            }
            var out = [[Wh]](repeating: [], count: problems.count)
            for try await (k, f) in group { out[k] = f }
            return out
        }
        #expect(parallel == serial)
    }

    /// The largest-remainder repair keeps every constraint exact on noisy values.
    @Test func roundingRepairKeepsConstraintsExact() throws {
        let p = CMAPRoundProblem(demands: [10, 7], supplies: [9, 9], a: [1, 0, 0, 1], b: [0, 0, 0, 0])
        let net = try CMAPNetwork.build(p)
        // Noisy vertex values: nearest rounding would give buyer 0 = 11 Wh.
        let values: [Double] = [5.6, 4.6, 3.4, 3.4, 0, 0]
        let arcs = try CMAPRounding.arcFlows(net, columnValues: values)
        #expect(Array(arcs[0..<4]) == [6, 4, 3, 4])
        try CMAPRounding.verify(net, arcs)
    }
}
