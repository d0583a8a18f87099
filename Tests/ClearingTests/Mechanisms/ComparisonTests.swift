import GridClearCore
import Testing
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Clearing

@Suite struct ComparisonTests {
    func comparison() throws -> MechanismComparison {
        let inp = randomInstance(seed: 42, bids: 25, offers: 20)
        var c = MechanismComparison(inputs: inp)
        for m in [KPrototypesMechanism() as ClearingMechanism, ContinuousDoubleAuction(), UniformPriceAuction()] {
            c.add(try m.clear(inp, context: ClearingContext()), seconds: 0.5)
        }
        return c
    }

    @Test func markdownHasOneColumnPerMechanismAndTheMetrics() throws {
        let c = try comparison()
        let md = c.markdown()
        #expect(md.contains("| metric | kproto | cda | uniform |"))
        let rows = md.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| metric") }
        #expect(rows.count >= 20)
        #expect(rows.allSatisfy { $0.split(separator: "|").count == 4 })
        let matched = c.entries.map { Units.kWhString($0.metrics.matchedWh) }
        #expect(md.contains("| matched energy (kWh) | " + matched.joined(separator: " | ") + " |"))
    }

    @Test func svgIsWellFormedAndDeterministic() throws {
        let a = try comparison().svg(), b = try comparison().svg()
        #expect(a == b)
        let parser = XMLParser(data: Data(a.utf8))
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        #expect(a.contains("<path d=\"M"))
    }

    @Test func niceTickSteps() {
        #expect(MechanismComparison.niceStep(0.033) == 0.05)
        #expect(abs(MechanismComparison.niceStep(6001) - 10000) < 1e-9)
        #expect(MechanismComparison.niceStep(2) == 2)
        #expect(abs(MechanismComparison.niceStep(0.0101) - 0.02) < 1e-12)
    }
}
