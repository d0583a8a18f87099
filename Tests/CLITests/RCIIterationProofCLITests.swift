import Foundation
import Testing

/// Per-iteration proofs across real processes (issue 19 item 4).
extension RCICLITests {
    /// Encrypted ADMM with proofs every 4th iteration: exactly the unproven run's result (which
    /// is the reference optimum within 0.1 €/MWh and 0.5 MW), every 4th iteration checked.
    @Test func provenEncryptedRunEqualsUnprovenAndMatchesReference() throws {
        let base = ["--encrypted", "--key-bits", "512", "--mask", "--seed", "7"]
        let plain = try tempDir("unproven"), proven = try tempDir("proven")
        let a = try runGridclear(["rci", "run", "Inputs/rci/case_2x3.csv", "--out", plain.path] + base)
        #expect(a.status == 0, "\(a.stderr)")
        let b = try runGridclear(["rci", "run", "Inputs/rci/case_2x3.csv", "--out", proven.path, "--prove-every", "4"] + base)
        #expect(b.status == 0, "\(b.stderr)")
        let ra = try result(plain), rb = try result(proven)
        #expect(ra["agents"] as! [String: Double] == rb["agents"] as! [String: Double])
        #expect(ra["iterations"] as? Int == rb["iterations"] as? Int)
        let ref = try reference("case_2x3")
        let agents = rb["agents"] as! [String: Double]
        for (id, p) in ref["net_power"] as! [String: Double] { #expect(abs(agents[id]! - p) < 0.5) }
        for t in rb["trades"] as! [[String: Any]] { #expect(abs((t["price"] as! Double) - (ref["price"] as! Double)) < 0.1) }
        let k = try #require(rb["iterations"] as? Int)
        #expect(b.stdout.contains("per-iteration proofs checked for \((k + 3) / 4) iterations: 0, 4, 8"), "\(b.stdout)")
        #expect(b.stdout.contains("per-iteration proofs: agents proving"))
    }

    /// A cheating agent (test flag: one wrong update) in a proven iteration is caught in that
    /// iteration: the run fails naming the agent and the iteration.
    @Test func wrongUpdateInAProvenIterationFailsTheRun() throws {
        let r = try runGridclear(["rci", "run", "Inputs/rci/case_2x3.csv", "--encrypted", "--key-bits", "512", "--mask",
                                  "--prove-every", "5", "--cheat-update", "C2:10"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("agent C2 cheated at iteration 10: its update does not match its commitments"), "\(r.stderr)")
    }

    /// Issue 19: a partner that alters the contribution headers it forwards (to frame its
    /// partners) is blamed itself, with signed evidence that `rci check-evidence` re-checks
    /// offline from the roster alone.
    @Test func aPartnerTamperingWithForwardedContributionsIsBlamedWithCheckableEvidence() throws {
        let (r, c) = try cheatingProvenRun(["--tamper-forwarded", "C1:5"], folder: "tamper")
        #expect(r.stderr.contains("agent C1 cheated at iteration 5") && r.stderr.contains("is not blamed"), "\(r.stderr)")
        #expect(c.stdout.contains("convicts: agent C1 cheated at iteration 5"), "\(c.stdout)")
    }

    /// Issue 19 item 4: a wrong share ciphertext Enc(P) (test flag) in a proven iteration fails
    /// its share proof: the run fails naming the sender and the iteration, and the evidence
    /// convicts it offline.
    @Test func wrongShareInAProvenIterationFailsTheRun() throws {
        let (r, c) = try cheatingProvenRun(["--cheat-share", "G1:10"], folder: "share")
        #expect(r.stderr.contains("agent G1 cheated at iteration 10: its share to C") && r.stderr.contains("does not encrypt the trade it committed"),
                "\(r.stderr)")
        #expect(c.stdout.contains("convicts: agent G1 cheated at iteration 10"), "\(c.stdout)")
    }

    /// An encrypted 2×3 run proven every 5th iteration with a test fault (`fault`): it must exit
    /// 1; then `rci check-evidence` on the blame evidence it wrote must exit 0. Returns both.
    private func cheatingProvenRun(_ fault: [String], folder: String) throws -> (run: CLIResult, check: CLIResult) {
        let out = try tempDir(folder)
        let r = try runGridclear(["rci", "run", "Inputs/rci/case_2x3.csv", "--encrypted", "--key-bits", "512", "--mask",
                                  "--prove-every", "5", "--out", out.path] + fault)
        #expect(r.status == 1)
        let c = try runGridclear(["rci", "check-evidence", out.appendingPathComponent("blame.evidence").path,
                                  "--identities", out.appendingPathComponent("roster.csv").path])
        #expect(c.status == 0, "\(c.stderr)")
        return (r, c)
    }
}
