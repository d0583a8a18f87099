import Foundation
import Testing
@testable import Clearing
import GridClearCore

/// 250 / 500 / 1000 a side against OR-Tools reference values (`scripts/cmap_reference_large.py`,
/// which regenerates the same `CMAPRoundProblem.random` instances from their parameters; the
/// 250 case also agreed with HiGHS when generated). Values to 1e-9 relative, every constraint
/// exact in integers.
@Suite struct CMAPLargeReferenceTests {
    struct Case: Decodable {
        struct Values: Decodable { let gridCapacity: Wh; let z1Max, z1Min, z2Max, z2Min, objective: Double }
        let name: String
        let buyers, sellers: Int
        let seed: UInt64
        let maxWh: Wh
        let supplyFactor: Double
        let reference: Values
    }
    struct File: Decodable { let cases: [Case] }

    static let cases: [Case] = {
        guard let url = Bundle.module.url(forResource: "reference_large", withExtension: "json", subdirectory: "Fixtures/cmap"),
              let data = try? Data(contentsOf: url), let file = try? JSONDecoder().decode(File.self, from: data) else { return [] }
        return file.cases
    }()

    @Test func fixturesPresent() { #expect(Self.cases.map(\.buyers) == [250, 500, 1000]) }

    @Test(arguments: 0..<3)
    func networkMatchesReference(index: Int) throws {
        let c = try #require(Self.cases.count > index ? Self.cases[index] : nil)
        let p = CMAPRoundProblem.random(buyers: c.buyers, sellers: c.sellers, seed: c.seed, maxWh: c.maxWh, supplyFactor: c.supplyFactor)
        var paths: [CMAPSolverPath] = [.network]
        if c.buyers <= 250 { paths.append(.simplex) }   // GLPK's simplex is slow beyond that in debug builds
        for path in paths {
            let s = try CMAPRoundSolver.solve(p, path: path, clock: cmapTestClock)
            #expect(cmapViolation(p, s) == nil, "\(c.name) \(path)")
            let h = c.reference
            #expect(s.gridCapacity == h.gridCapacity, "\(c.name) \(path)")
            for (what, x, y) in [("z1Max", s.z1Max, h.z1Max), ("z1Min", s.z1Min, h.z1Min), ("z2Max", s.z2Max, h.z2Max),
                                 ("z2Min", s.z2Min, h.z2Min), ("objective", s.objective, h.objective)] {
                #expect(cmapClose(x, y, 1e-9), "\(c.name) \(path) \(what): \(x) vs reference \(y)")
            }
        }
    }
}
