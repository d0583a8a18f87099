import GridClearCore
import Testing
@testable import Clearing

/// Independent oracle: enumerate every integer flow of a tiny instance. The
/// transportation polytope with integer data has integer vertices, so the LP
/// optima equal the best enumerated integer points.
struct CMAPBruteForce {
    let p: CMAPRoundProblem
    var points: [[Wh]] = []        // pair flows (m*n) of every feasible integer point, grid implied
    var maxFlow: Wh = 0

    init(_ p: CMAPRoundProblem) {
        self.p = p
        let m = p.demands.count, n = p.supplies.count
        var all: [[Wh]] = []
        var x = [Wh](repeating: 0, count: m * n)
        func rec(_ cell: Int, _ used: [Wh], _ bought: Wh) {
            if cell == m * n { all.append(x); return }
            let i = cell / n, j = cell % n
            let boughtSoFar = j == 0 ? 0 : bought
            let room = min(p.demands[i] - boughtSoFar, p.supplies[j] - used[j])
            let top = p.allowed[cell] ? room : 0
            for v in 0...max(top, 0) {
                x[cell] = v
                var u = used; u[j] += v
                rec(cell + 1, u, boughtSoFar + v)
            }
            x[cell] = 0
        }
        rec(0, [Wh](repeating: 0, count: n), 0)
        maxFlow = all.map { $0.reduce(0, +) }.max() ?? 0
        points = all.filter { $0.reduce(0, +) == maxFlow }
    }

    func z(_ c: [Double], _ x: [Wh]) -> Double { zip(c, x).reduce(0) { $0 + $1.0 * Double($1.1) } / 1000 }
    func best(_ f: ([Wh]) -> Double) -> Double { points.map(f).max()! }
}

@Suite struct CMAPBruteForceTests {
    @Test(arguments: 0..<40)
    func tinyInstancesMatchEnumeration(seed: UInt64) throws {
        var rng = SplitMix64(seed: 1000 + seed)
        let m = Int.random(in: 1...3, using: &rng), n = Int.random(in: 1...3, using: &rng)
        let p = CMAPInstances.random(m: m, n: n, seed: seed, maxWh: 4, excluded: 0.25,
                                     grain: seed % 2 == 0 ? 4 : 0, zeroSupply: 0.15)
        let bf = CMAPBruteForce(p)
        let total = p.demands.reduce(0, +)
        let z1Max: Double = bf.best { bf.z(p.a, $0) }
        let z1Min: Double = -bf.best { -bf.z(p.a, $0) }
        let z2Max: Double = bf.best { bf.z(p.b, $0) }
        let z2Min: Double = -bf.best { -bf.z(p.b, $0) }
        let d1 = CMAPRoundSolver.spread(z1Max, z1Min), d2 = CMAPRoundSolver.spread(z2Max, z2Min)
        let (w1, w2) = p.weights
        let objective = bf.best { (x: [Wh]) -> Double in
            let mu1: Double = d1 > 0 ? (bf.z(p.a, x) - z1Min) / d1 : 1
            let mu2: Double = d2 > 0 ? (bf.z(p.b, x) - z2Min) / d2 : 1
            return w1 * mu1 + w2 * mu2
        }
        for path in CMAPSolverPath.available {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(cmapViolation(p, s) == nil, "\(path): \(cmapViolation(p, s) ?? "")")
            #expect(s.gridCapacity == total - bf.maxFlow)
            #expect(cmapClose(s.z1Max, z1Max, 1e-12) && cmapClose(s.z1Min, z1Min, 1e-12), "\(path) z1 \(s.z1Max) \(z1Max) \(s.z1Min) \(z1Min)")
            #expect(cmapClose(s.z2Max, z2Max, 1e-12) && cmapClose(s.z2Min, z2Min, 1e-12), "\(path) z2")
            #expect(cmapClose(s.objective, objective, 1e-12), "\(path) objective \(s.objective) vs \(objective)")
        }
    }

    /// Hand-worked 2×2: buyer 0 prefers seller 1, buyer 1 prefers seller 0.
    @Test func handWorkedTwoByTwo() throws {
        let p = CMAPRoundProblem(demands: [1000, 2000], supplies: [2500, 1500],
                                 a: [0.2, 1.0, 0.9, 0.1], b: [0.5, 0.5, 0.5, 0.5])
        for path in CMAPSolverPath.available {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            // Z1max: buyer 0 takes 1000 from seller 1, buyer 1 takes 2000 from seller 0.
            #expect(s.z1Max == (1.0 * 1000 + 0.9 * 2000) / 1000)
            // Z1min: buyer 0 ← 1000 from seller 0 (0.2), buyer 1 ← 1500 from seller 1 (0.1) + 500 from seller 0 (0.9).
            #expect(cmapClose(s.z1Min, (0.2 * 1000 + 0.1 * 1500 + 0.9 * 500) / 1000, 1e-15))
            // b' constant → Z2 constant → μ2 ≡ 1; combined = Z1max flows.
            #expect(s.z2Max == s.z2Min)
            #expect(s.flows == [0, 1000, 2000, 0])
            #expect(s.gridFlows == [0, 0] && s.gridCapacity == 0)
            #expect(cmapClose(s.objective, 1.0, 1e-15))
        }
    }
}
