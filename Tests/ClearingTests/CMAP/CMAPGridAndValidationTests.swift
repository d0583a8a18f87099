import GridClearCore
import Foundation
import Testing
@testable import Clearing

@Suite struct CMAPGridAndValidationTests {
    /// Round 1, all pairs allowed: grid capacity = max(0, ΣPE − ΣSE), and the
    /// closed form agrees with the max-flow solve.
    @Test(arguments: [(1 as UInt64, 0.5), (2, 1.0), (3, 2.0), (4, 0.0)])
    func roundOneGridCapacityIsShortfall(seed: UInt64, supplyFactor: Double) throws {
        let p = CMAPRoundProblem.random(buyers: 12, sellers: 9, seed: seed, maxWh: 20_000, supplyFactor: supplyFactor)
        let shortfall = max(0, p.demands.reduce(0, +) - p.supplies.reduce(0, +))
        #expect(try CMAPNetwork.build(p).gridCapacity == shortfall)
        #expect(try CMAPNetwork.build(p, forceMaxflow: true).gridCapacity == shortfall)
        let s = try CMAPRoundSolver.solve(p, path: .simplex, clock: cmapTestClock)
        #expect(s.gridCapacity == shortfall && s.gridFlows.reduce(0, +) == shortfall)
        #expect(cmapViolation(p, s) == nil)
    }

    /// Later rounds: a buyer cut off from every seller buys everything from the grid even
    /// though total supply covers total demand.
    @Test func excludedPairsGoToGridAndCarryZero() throws {
        let p = CMAPRoundProblem(demands: [3000, 2000], supplies: [4000, 4000],
                                 a: [1, 1, 1, 1], b: [1, 1, 1, 1], allowed: [false, false, true, false])
        for path in CMAPSolverPath.available {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(s.gridCapacity == 3000)
            #expect(s.flows == [0, 0, 2000, 0] && s.gridFlows == [3000, 0])
            // Z1 and Z2 are forced (only one feasible flow): μ ≡ 1.
            #expect(s.z1Max == 2 && s.z1Min == 2 && s.objective == 1)
        }
    }

    @Test func noSellersOrNoAllowedPairs() throws {
        let p = CMAPRoundProblem(demands: [5, 6], supplies: [], a: [], b: [])
        for path in CMAPSolverPath.available {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(s.gridFlows == [5, 6] && s.flows.isEmpty && s.gridCapacity == 11)
        }
    }

    /// The network simplex is the default; retired path names read as the default, so
    /// ledgers written by earlier versions still replay.
    @Test func networkIsTheDefaultAndRetiredNamesMapToIt() throws {
        let p = CMAPRoundProblem(demands: [5], supplies: [7], a: [0.5], b: [0.5])
        #expect(CMAPSolverPath.fastestAvailable == .network)
        #expect(try CMAPRoundSolver.solve(p, path: .network, clock: cmapTestClock).flows == [5])
        for name in ["auto", "relax4", "okalg", "glpk-relax4", "network"] { #expect(CMAPSolverPath(solverName: name) == .network) }
        #expect(CMAPSolverPath(solverName: "simplex") == .simplex)
        #expect(CMAPSolverPath(solverName: "nope") == nil)
    }

    static let bad: [(String, CMAPRoundProblem)] = [
        ("a size", CMAPRoundProblem(demands: [1, 2], supplies: [3], a: [0.1], b: [0.1, 0.2])),
        ("allowed size", CMAPRoundProblem(demands: [1], supplies: [3], a: [0.1], b: [0.1], allowed: [true, false])),
        ("zero demand", CMAPRoundProblem(demands: [0], supplies: [3], a: [0.1], b: [0.1])),
        ("negative supply", CMAPRoundProblem(demands: [1], supplies: [-3], a: [0.1], b: [0.1])),
        ("NaN", CMAPRoundProblem(demands: [1], supplies: [3], a: [.nan], b: [0.1])),
        ("above 1", CMAPRoundProblem(demands: [1], supplies: [3], a: [0.1], b: [1.5])),
        ("infinite", CMAPRoundProblem(demands: [1], supplies: [3], a: [0.1], b: [-.infinity])),
        ("weights", CMAPRoundProblem(demands: [1], supplies: [3], a: [0.1], b: [0.1], weights: (-0.5, 1.5))),
        ("weights zero", CMAPRoundProblem(demands: [1], supplies: [3], a: [0.1], b: [0.1], weights: (0, 0))),
        ("total", CMAPRoundProblem(demands: [CMAPRoundProblem.maxTotalWh], supplies: [1], a: [0.1], b: [0.1])),
        ("parties", CMAPRoundProblem(demands: [Wh](repeating: 1, count: CMAPRoundProblem.maxParties + 1), supplies: [], a: [], b: [])),
        ("overflow", CMAPRoundProblem(demands: [Wh.max, Wh.max], supplies: [1], a: [0.1, 0.1], b: [0.1, 0.1])),
    ]

    @Test(arguments: 0..<bad.count)
    func invalidModelsAreRejectedBeforeGLPK(index: Int) throws {
        let (name, p) = Self.bad[index]
        for path in CMAPSolverPath.allCases {
            do {
                _ = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
                Issue.record("\(name): accepted")
            } catch let e as CMAPSolverError {
                guard case .invalidModel = e else { Issue.record("\(name): \(e)"); continue }
            }
        }
    }

    @Test func jsonRoundTrip() throws {
        let p = CMAPInstances.random(m: 3, n: 4, seed: 9, excluded: 0.3)
        let q = try CMAPRoundProblem(json: try p.jsonData())
        #expect(q.demands == p.demands && q.supplies == p.supplies && q.a == p.a && q.b == p.b && q.allowed == p.allowed)
        #expect(q.weights == p.weights)
    }
}
