import Foundation
import Privacy
import Testing
@testable import ConsensusFactor
import GridClearCore

@Suite struct RCIProofTests {
    @Test func bundlesVerifyAndCancelPairwise() throws {
        var rng = SplitMix64(seed: 9)
        let g = RCIAgentSpec(id: "G", role: .generator, a: 0.1, b: 20, pMin: 0, pMax: 300)
        let c = RCIAgentSpec(id: "C", role: .consumer, a: 0.1, b: 70, pMin: -400, pMax: -10)
        let r = Scalar.random(using: &rng)
        let og = PedersenOpening(value: RCIResultProof.kW(250.0004), blinding: r)
        let oc = PedersenOpening(value: -og.value, blinding: -r)
        let bg = try RCIResultProof.Bundle.make(agent: g, settled: [("C", og)], using: &rng)
        let bc = try RCIResultProof.Bundle.make(agent: c, settled: [("G", oc)], using: &rng)
        let decoded = try RCIResultProof.Bundle(bytes: bg.bytes)
        try decoded.verify(verifier: "C", mine: bc.commitments[0].commitment)
        try bc.verify(verifier: "G", mine: bg.commitments[0].commitment)
        // each side commits its own value: within the pair tolerance q the check passes, beyond it fails
        let q = RCIResultProof.pairToleranceKW(reciprocityThreshold: 0.01)
        #expect(q == 12)
        let near = try RCIResultProof.Bundle.make(agent: c, settled: [("G", PedersenOpening(value: -og.value + q, blinding: -r))], using: &rng)
        try bg.verify(verifier: "C", mine: near.commitments[0].commitment, pairToleranceKW: q)
        let wrong = try RCIResultProof.Bundle.make(agent: c, settled: [("G", PedersenOpening(value: -og.value - q - 1, blinding: -r))], using: &rng)
        #expect(throws: (any Error).self) { try bg.verify(verifier: "C", mine: wrong.commitments[0].commitment, pairToleranceKW: q) }
    }

    @Test func outOfBoundsResultCannotBeProven() throws {
        var rng = SplitMix64(seed: 10)
        let g = RCIAgentSpec(id: "G", role: .generator, a: 0.1, b: 20, pMin: 0, pMax: 300)
        let over = PedersenOpening(value: RCIResultProof.kW(300) + RCIResultProof.boundSlackKW + 1, blinding: .random(using: &rng))
        #expect(throws: (any Error).self) { _ = try RCIResultProof.Bundle.make(agent: g, settled: [("C", over)], using: &rng) }
    }

    @Test func committedKWStayWithinBoundsAndWithinOneKWOfEachTrade() {
        // net 300.0014 MW against p_max 300 MW: plain rounding would commit 300.002 MW
        let trades = [100.0004, 100.0005, 100.0005]
        let s = RCIResultProof.committedKW(trades, minKW: 0, maxKW: 300_000)
        #expect(s.reduce(0, +) == 300_000)
        for (x, k) in zip(trades, s) { #expect(abs(x * 1000 - Double(k)) < 1) }
        #expect(RCIResultProof.committedKW([-1.2344, -2.0], minKW: -400_000, maxKW: 0) == [-1234, -2000])
        #expect(RCIResultProof.committedKW([-1.2344, -2.0], minKW: -400_000, maxKW: -10_000).reduce(0, +) == -10_000)  // net outside: clipped
    }

    @Test func certifiedRunProvesAgainstRegistrarBoundsAndCatchesAFalseClaim() throws {
        let c = try loadCase("case_2x3")
        let registrar = try RCIRegistrar(seed: Array(repeating: 7, count: 32))
        var p = RCIParameters(algorithm: .admm)
        p.maxIterations = 400
        var honest = try RCIInProcessRun(case: c, parameters: p, registrar: registrar)
        _ = try honest.run()
        for r in honest.agentResults.values { #expect(r.failed.isEmpty, "\(r.outcome.id): \(r.failed)") }
        #expect(honest.agentResults.values.reduce(0) { $0 + $1.verified.count } == 12)
        var cheating = try RCIInProcessRun(case: c, parameters: p, registrar: registrar,
                                           faults: ["C1": RCIAgentFaults(claimedUpperBound: -5)])
        _ = try cheating.run()
        for g in ["G1", "G2"] {
            let why = try #require(cheating.agentResults[g]?.failed["C1"])
            #expect(why.contains("differ from its certificate"))
        }
        // a certificate signed by another registrar is refused at setup
        let other = try RCIRegistrar(seed: Array(repeating: 8, count: 32))
        var rng = SplitMix64(seed: 1)
        let forged = try other.certify(c.agents[0], using: &rng)
        #expect(throws: RCIError.self) { try forged.certificate.verify(registrar: registrar.publicKey, agent: c.agents[0].id) }
        #expect(try RCICertifiedBounds(fileText: forged.fileText) == forged)
    }
}
