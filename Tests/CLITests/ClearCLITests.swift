import Testing
import Foundation
import GridClearTestSupport

/// `gridclear clear`: every documented example runs, and bad input gives one located line,
/// a non-zero exit and no output.
@Suite(.serialized) struct ClearCLITests {
    /// The examples printed by `gridclear clear --help`, run as documented.
    @Test func documentedExamplesRun() throws {
        let help = try runGridclear(["clear", "--help"])
        #expect(help.status == 0)
        let examples = help.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("gridclear clear ") }
        #expect(examples.count >= 3)
        let folder = try TemporaryFolder("ClearCLITests"), tmp = folder.url("out")
        for ex in examples {
            var args = ex.split(separator: " ").dropFirst().map(String.init)
            // Examples without --out would write to ./Outputs; keep the checkout clean.
            if let k = args.firstIndex(of: "--out"), k + 1 < args.count { args[k + 1] = tmp.path } else { args += ["--out", tmp.path] }
            let r = try runGridclear(args)
            #expect(r.status == 0, "\(ex): \(r.stderr)")
            #expect(r.stdout.contains("Cycle 20261120T1000Z"))
            let trades = try String(contentsOf: tmp.appendingPathComponent("20261120T1000Z/trades.csv"), encoding: .utf8)
            #expect(trades.contains("B1,O1,P1,S1,100.000,0.6500"))
            let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: tmp.appendingPathComponent("20261120T1000Z/summary.json"))) as! [String: Any]
            for key in ["cycle", "mechanism", "rounds", "matched_kwh", "grid_kwh", "rejected_kwh", "clean_share", "apet", "mean_loss_pct"] {
                #expect(summary[key] != nil, "summary.json lacks \(key)")
            }
            let round = (summary["rounds"] as! [[String: Any]])[0]
            for key in ["z1", "z2", "z1_max", "z1_min", "z2_max", "z2_min", "objective", "solver", "solve_seconds"] {
                #expect(round[key] != nil, "round lacks \(key)")
            }
        }
    }

    @Test func malformedInputWritesNothing() throws {
        let folder = try TemporaryFolder("ClearCLITests"), tmp = folder.url
        let cycle = tmp.appendingPathComponent("in/20261120T1000Z")
        try FileManager.default.createDirectory(at: cycle, withIntermediateDirectories: true)
        try "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation\nO1,S1,0.5,1.0005,solar,39.9,116.4,80\n"
            .write(to: cycle.appendingPathComponent("offers.csv"), atomically: true, encoding: .utf8)
        try "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation\nB1,P1,0.8,1,39.9,116.4,80\n"
            .write(to: cycle.appendingPathComponent("bids.csv"), atomically: true, encoding: .utf8)
        let out = tmp.appendingPathComponent("out")
        let r = try runGridclear(["clear", cycle.path, "--out", out.path])
        #expect(r.status != 0)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("offers.csv:2:4: column 'quantity_kwh': '1.0005' has 4 decimals"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test func unknownMechanismAndSolver() throws {
        let tmp = try TemporaryFolder("ClearCLITests"), unused = tmp.path("unused")
        let r = try runGridclear(["clear", "Inputs/20261120T1000Z", "--mechanism", "magic", "--out", unused])
        #expect(r.status != 0 && r.stderr.contains("unknown mechanism 'magic'"))
        let s = try runGridclear(["clear", "Inputs/20261120T1000Z", "--solver", "magic", "--out", unused])
        #expect(s.status != 0 && s.stderr.contains("unknown solver 'magic'"))
    }

    /// Progress goes to a terminal only: with stderr piped, a clear leaves stderr empty.
    @Test func nonTerminalStderrStaysClean() throws {
        let tmp = try TemporaryFolder("ClearCLITests"), out = tmp.path("out")
        for args in [["clear", "Inputs/20261120T1000Z", "--out", out],
                     ["clear", "Inputs/20261120T1000Z", "--out", out, "--solver", "network", "--quiet"]] {
            let r = try runGridclear(args)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(r.stderr.isEmpty, "\(args): \(r.stderr)")
        }
        let legacy = try runGridclear(["clear", "Inputs/20261120T1000Z", "--out", out, "--solver", "relax4", "--quiet"])
        #expect(legacy.status == 0, "retired solver names still clear (ledger replay): \(legacy.stderr)")
    }
}
