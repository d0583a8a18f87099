import Foundation
import GridClearCore
import Privacy
import Testing
@testable import ConsensusFactor

/// The Paillier exchange computes exactly the plaintext core's integers.
@Suite struct RCIEncryptedTests {
    static let key = try! PaillierPrivateKey.generate(bits: 512)

    @Test(arguments: [RCIAlgorithm.rci, .admm], [false, true])
    func encryptedEqualsPlaintextOnSmallCase(algorithm: RCIAlgorithm, masking: Bool) throws {
        let c = try loadCase("case_2x3")
        var params = RCIParameters(algorithm: algorithm)
        params.maxIterations = 25
        var plain = try RCIInProcessRun(case: c, parameters: params)
        var enc = try RCIInProcessRun(case: c, parameters: params, encryption: (Self.key, masking), seed: 3)
        let a = try plain.run()
        let b = try enc.run()
        #expect(a == b)  // bit-identical: same integers at result scale
        #expect(try #require(enc.summary).decryptions >= 25 * 5)  // one packed ciphertext per agent per iteration
        for (x, y) in zip(plain.agents, enc.agents) {
            #expect(x.consensus!.trades == y.consensus!.trades && x.consensus!.outcome == y.consensus!.outcome)
        }
    }

    /// Senders shift their shares into the receiver's slots; the receiver evaluates a whole
    /// packed ciphertext at once; the platform's slot-by-slot decryption gives each plan's value.
    @Test(arguments: [true, false])
    func packedConsensusFactorsDecryptSlotBySlot(uniform: Bool) throws {
        var rng = SplitMix64(seed: 12)
        let cipher = RCIAgentCipher(publicKey: Self.key.publicKey, masking: true)
        let platform = RCIPlatformCipher(privateKey: Self.key)
        #expect(cipher.slots == 5)  // (512 − 2) / 101
        let plans = (0..<12).map { i in
            RCIUpdatePlan(constant: Int64(i) * 1_000_000_007 - 4_000_000_000, lambdaCoefficient: uniform ? 3 : Int64(i), powerCoefficient: -5)
        }
        let shares = (0..<12).map { i in RCIShare(iteration: 0, lambda: 11 + Int64(i), power: -13 * Int64(i), converged: false) }
        let encrypted = try shares.indices.map { try cipher.encrypt(shares[$0], slot: cipher.slot(ofPartner: $0), using: &rng) }
        let (packed, masks) = try cipher.evaluate(plans, on: encrypted, using: &rng)
        #expect(packed.count == 3)
        let values = try platform.decryptPacked(packed, count: 12)
        for i in 0..<12 {
            #expect(values[i] - masks[i] == Int128(try plans[i].evaluate(partnerLambda: shares[i].lambda, partnerPower: shares[i].power)))
        }
        #expect(throws: RCIError.self) { _ = try platform.decryptPacked(packed, count: 17) }
    }

    @Test func updatePlanOnCiphertextsMatchesPlaintextOverRandomCases() throws {
        var rng = SplitMix64(seed: 11)
        let cipher = RCIAgentCipher(publicKey: Self.key.publicKey, masking: true)
        let platform = RCIPlatformCipher(privateKey: Self.key)
        for round in 0..<40 {
            func r(_ m: Int64) -> Int64 { Int64(bitPattern: rng.next() % UInt64(2 * m + 1)) - m }
            let plan = RCIUpdatePlan(constant: r(1 << 60), lambdaCoefficient: r(10_000_000), powerCoefficient: r(10_000_000))
            let share = RCIShare(iteration: 0, lambda: r(100_000_000_000), power: r(100_000_000_000), converged: false)
            let expected = try plan.evaluate(partnerLambda: share.lambda, partnerPower: share.power)
            let slot = round % cipher.slots
            let e = try cipher.encrypt(share, slot: slot, using: &rng)
            // partner number `slot` of a one-ciphertext request: the other slots carry zero plans
            var plans = Array(repeating: RCIUpdatePlan(constant: 0, lambdaCoefficient: 0, powerCoefficient: 0), count: slot + 1)
            plans[slot] = plan
            var shares = try (0..<(slot + 1)).map { try cipher.encrypt(RCIShare(iteration: 0, lambda: 0, power: 0, converged: false), slot: $0, using: &rng) }
            shares[slot] = e
            let (packed, masks) = try cipher.evaluate(plans, on: shares, using: &rng)
            let seen = try platform.decryptPacked(packed, count: slot + 1)[slot]
            #expect(seen - masks[slot] == Int128(expected))
            #expect(seen != Int128(expected))
            // blinded reciprocity test agrees with the plaintext test
            let tol = Int64(10_000)
            let own = -share.power + r(20_000)
            let test = RCIReciprocityTest(ownPower: own, tolerance: tol)
            let blinded = try cipher.blindedTest(test, partnerPower: e.power, slot: slot, using: &rng)
            #expect(try platform.verdict(blinded) == test.holds(partnerPower: share.power))
        }
    }
}
