import GridClearCore
import Foundation
import Testing
@testable import Clearing

/// Values against scipy's HiGHS (`scripts/cmap_reference.py fixtures`, output committed
/// as Fixtures/cmap/reference.json so CI needs no Python).
@Suite struct CMAPHiGHSReferenceTests {
    struct Case: Decodable {
        struct Values: Decodable { let gridCapacity: Wh; let z1Max, z1Min, z2Max, z2Min, objective: Double }
        let name: String
        let problem: CMAPRoundProblem.JSONForm
        let highs: Values
    }
    struct File: Decodable { let cases: [Case] }

    static func cases() throws -> [Case] {
        let url = try #require(Bundle.module.url(forResource: "reference", withExtension: "json", subdirectory: "Fixtures/cmap"))
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    @Test func valuesMatchHiGHS() throws {
        let cases = try Self.cases()
        #expect(cases.count >= 5)
        for c in cases {
            let f = c.problem
            let p = CMAPRoundProblem(demands: f.demands, supplies: f.supplies, a: f.a, b: f.b, allowed: f.allowed,
                                     weights: (f.weights[0], f.weights[1]))
            for path in CMAPSolverPath.available {
                let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
                let h = c.highs
                #expect(cmapViolation(p, s) == nil)
                #expect(s.gridCapacity == h.gridCapacity, "\(c.name) \(path)")
                for (what, x, y) in [("z1Max", s.z1Max, h.z1Max), ("z1Min", s.z1Min, h.z1Min), ("z2Max", s.z2Max, h.z2Max),
                                     ("z2Min", s.z2Min, h.z2Min), ("objective", s.objective, h.objective)] {
                    #expect(cmapClose(x, y, 1e-9), "\(c.name) \(path) \(what): \(x) vs HiGHS \(y)")
                }
            }
        }
    }
}
