import Testing
import Foundation
import GridClearCore
import GridClearTestSupport

/// Tracing through the real binary (issue 14, item 1): after `private run --meters`, the
/// one winner that did not deliver (S2, short beyond σ; everyone else delivered exactly) is
/// traced by the registration authority with t = 2 of n = 3 trustees' shares, and
/// traced.csv names exactly its registered identity; with t − 1 trustees answering nothing
/// is traced, no identity is written, and the run exits 2 (something due was not done).
/// The same messages run in process, with every role in its own process over unix sockets,
/// over loopback TCP, and as deployed role processes (`--deploy-dir`).
@Suite struct PrivateTracingCLITests {
    static func transport(_ mode: String, _ dir: URL) -> [String] {
        switch mode {
        case "in-process": return ["--in-process"]
        case "tcp": return ["--transport", "tcp"]
        case "deploy": return ["--deploy-dir", dir.path + "/deploy"]
        default: return []
        }
    }

    func run(_ dir: URL, _ extra: [String]) throws -> CLIResult {
        let meters = dir.path + "/meters.log"
        try SampleCycleMeters.file(["S1": 100_000, "S2": 140_000, "S3": 200_000, "P1": 100_000, "P2": 150_000, "P3": 250_000],
                                      sellers: ["S1", "S2", "S3"]).write(toFile: meters, atomically: true, encoding: .utf8)
        return try runGridclear(["private", "run", "Inputs/20261120T1000Z", "--out", dir.path + "/out",
                                 "--paillier-bits", "1024", "--candidates", "2", "--threshold", "2", "--trustees", "3",
                                 "--meters", meters, "--now", "20261120T1200Z"] + extra)
    }

    func tempDir() throws -> TemporaryFolder { try TemporaryFolder("PrivateTracingCLITests") }

    @Test(arguments: ["in-process", "unix", "tcp", "deploy"])
    func tTrusteesTraceTheNonDeliverer(mode: String) throws {
        let tmp = try tempDir(), dir = tmp.url
        let r = try run(dir, Self.transport(mode, dir))
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("equal to plaintext settle: yes") && r.stdout.contains("to S2#O2: seller deviated"), "\(r.stdout)")
        let cycle = dir.appendingPathComponent("out/20261120T1000Z")
        let csv = try String(contentsOf: cycle.appendingPathComponent("traced.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst()
        #expect(rows.count == 1 && rows.first?.split(separator: ",")[1] == "S2#O2", "\(csv)")
        // The authority learns the one identity; each trustee is asked about one tag only.
        let ra = try String(contentsOf: cycle.appendingPathComponent("private/registration-authority.transcript"), encoding: .utf8)
        #expect(ra.contains("traced a pseudonym to S2#O2 with 2 shares"))
        // Balances: each buyer's commitment debited by settled Wh × price ticks, proven b′ ≥ 0 and
        // checked by the matching service (closed form for the two records settled in full:
        // 100 000 Wh × 5 000 and 200 000 Wh × 4 000).
        #expect(r.stdout.contains("balances: 3 buyer balance commitments debited"), "\(r.stdout)")
        let ms = try String(contentsOf: cycle.appendingPathComponent("private/matching-service.transcript"), encoding: .utf8)
        #expect(ms.contains("balance debited 500000000, b' >= 0 proven") && ms.contains("balance debited 800000000, b' >= 0 proven"), "\(ms)")
        for t in 1...3 {
            let tt = try String(contentsOf: cycle.appendingPathComponent("private/trustee-\(t).transcript"), encoding: .utf8)
            #expect(tt.components(separatedBy: "trace-request").count == 2 && !tt.contains("S2"), "\(tt)")
        }
    }

    @Test(arguments: ["in-process", "unix"])
    func fewerThanTTrusteesCannotTrace(mode: String) throws {
        let tmp = try tempDir(), dir = tmp.url
        let r = try run(dir, ["--trustees-answering", "1"] + Self.transport(mode, dir))
        #expect(r.status == 2, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("NOT traced") && r.stdout.contains("fewer than 2 trustees answered; no identity written"), "\(r.stdout)")
        let cycle = dir.appendingPathComponent("out/20261120T1000Z")
        #expect(!FileManager.default.fileExists(atPath: cycle.appendingPathComponent("traced.csv").path))
        let ra = try String(contentsOf: cycle.appendingPathComponent("private/registration-authority.transcript"), encoding: .utf8)
        #expect(ra.contains("could not trace a pseudonym: 1 of the 2 shares needed") && !ra.contains("traced a pseudonym to"))
    }
}
