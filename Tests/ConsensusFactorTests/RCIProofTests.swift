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
        #expect(q == 11)
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
}
