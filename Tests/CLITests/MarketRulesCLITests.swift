import Foundation
import GridClearTestSupport
import Testing

/// `bills`, `forecast` and `settle --rule priority-matrix` as a user runs them (issue 16).
@Suite(.serialized) struct MarketRulesCLITests {
    func scratch() throws -> TemporaryFolder { try TemporaryFolder("MarketRulesCLITests") }

    /// clear --ledger writes bills.csv; `bills` over the period prints the same rows; after a
    /// priority-matrix settlement into the same ledger, the period bill shows B3's penalty.
    @Test func clearThenBillsThenPriorityMatrixSettle() throws {
        let tmp = try scratch(), d = tmp.url
        let root = packageRoot.path
        let c = try runGridclear(["clear", root + "/Inputs/20261120T1000Z", "--ledger", d.path + "/L", "--out", d.path + "/Out"])
        #expect(c.status == 0 && c.stdout.contains("bills.csv") && c.stderr.contains("differs from the ledger's"), "\(c.stderr)")
        let bills = try String(contentsOfFile: d.path + "/Out/20261120T1000Z/bills.csv", encoding: .utf8)
        let b = try runGridclear(["bills", "--ledger", d.path + "/L", "--from", "20261120T1000Z", "--to", "20261120T1000Z"])
        #expect(b.status == 0 && b.stdout == bills)
        let s = try runGridclear(["settle", "20261120T1000Z", "--meters", root + "/scripts/meter_example/meter-data.log", "--rule", "priority-matrix",
                                  "--matrix", root + "/scripts/meter_example/price-matrix.csv", "--out", d.path + "/Set", "--now", "20261120T1200Z",
                                  "--ledger", d.path + "/L"])
        #expect(s.status == 0 && s.stdout.contains("incomplete data from B3"), "\(s.stdout)\(s.stderr)")
        let after = try runGridclear(["bills", "--ledger", d.path + "/L", "--from", "20261120T1000Z", "--to", "20261120T1000Z", "--out", d.path + "/period.csv"])
        #expect(after.status == 0 && after.stdout.contains("(1 settled)"))
        let period = try String(contentsOfFile: d.path + "/period.csv", encoding: .utf8)
        #expect(period.split(separator: "\n").contains { $0.hasPrefix("B3,") && $0.contains(",10.000,") })
        let bad = try runGridclear(["bills", "--ledger", d.path + "/L", "--from", "20261120T1007Z", "--to", "20261120T1000Z"])
        #expect(bad.status == 64 && bad.stderr.split(separator: "\n").count == 1)
        let noMatrix = try runGridclear(["settle", "20261120T1000Z", "--meters", "x", "--rule", "priority-matrix"])
        #expect(noMatrix.status == 64 && noMatrix.stderr.contains("needs --matrix"))
    }

    @Test func forecastPrintsTheBacktestAndTheNextCycles() throws {
        let r = try runGridclear(["forecast", "--participant", "B2", "--cycles", "3", "--meter-data", "Inputs/meter-history/meter-data.log"])
        let lines = r.stdout.split(separator: "\n")
        #expect(r.status == 0 && lines.count == 1 + 5 + 3, "\(r.stdout)\(r.stderr)")
        #expect(lines.filter { $0.contains("backtest MAE") && $0.contains("(chosen)") }.count == 1)
        #expect(lines.last?.hasPrefix("20261116T0030Z deficit ") == true)
        let missing = try runGridclear(["forecast", "--participant", "NOPE", "--meter-data", "Inputs/meter-history/meter-data.log"])
        #expect(missing.status == 1 && missing.stderr.contains("no history for participant 'NOPE'"))
    }
}
