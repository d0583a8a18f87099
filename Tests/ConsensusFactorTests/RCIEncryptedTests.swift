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

    @Test func packedConsensusFactorsDecryptSlotBySlot() throws {
        var rng = SplitMix64(seed: 12)
        let cipher = RCIAgentCipher(publicKey: Self.key.publicKey, masking: true)
        let platform = RCIPlatformCipher(privateKey: Self.key)
        #expect(cipher.slots == 4)  // (512 − 2) / 104
        let plans = (0..<9).map { i in RCIUpdatePlan(constant: Int64(i) * 1_000_000_007 - 4_000_000_000, lambdaCoefficient: 3, powerCoefficient: -5) }
        let share = try cipher.encrypt(RCIShare(iteration: 0, lambda: 11, power: -13, converged: false), using: &rng)
        var cts: [PaillierCiphertext] = [], masks: [Int128] = []
        for p in plans { let (c, m) = try cipher.evaluate(p, on: share, using: &rng); cts.append(c); masks.append(m) }
        let packed = cipher.pack(cts)
        #expect(packed.count == 3)
        let values = try platform.decryptPacked(packed, count: 9)
        for i in 0..<9 { #expect(values[i] - masks[i] == Int128(try plans[i].evaluate(partnerLambda: 11, partnerPower: -13))) }
        #expect(throws: RCIError.self) { _ = try platform.decryptPacked(packed, count: 13) }
    }

    @Test func updatePlanOnCiphertextsMatchesPlaintextOverRandomCases() throws {
        var rng = SplitMix64(seed: 11)
        let cipher = RCIAgentCipher(publicKey: Self.key.publicKey, masking: true)
        let platform = RCIPlatformCipher(privateKey: Self.key)
        for _ in 0..<40 {
            func r(_ m: Int64) -> Int64 { Int64(bitPattern: rng.next() % UInt64(2 * m + 1)) - m }
            let plan = RCIUpdatePlan(constant: r(1 << 60), lambdaCoefficient: r(10_000_000), powerCoefficient: r(10_000_000))
            let share = RCIShare(iteration: 0, lambda: r(100_000_000_000), power: r(100_000_000_000), converged: false)
            let expected = try plan.evaluate(partnerLambda: share.lambda, partnerPower: share.power)
            let e = try cipher.encrypt(share, using: &rng)
            let (ct, mask) = try cipher.evaluate(plan, on: e, using: &rng)
            let seen = try platform.decryptPacked(cipher.pack([ct]), count: 1)[0]
            #expect(seen - mask == Int128(expected))
            #expect(seen != Int128(expected))
            // blinded reciprocity test agrees with the plaintext test
            let tol = Int64(10_000)
            let own = -share.power + r(20_000)
            let test = RCIReciprocityTest(ownPower: own, tolerance: tol)
            let blinded = try cipher.blindedTest(test, partnerPower: e.power, using: &rng)
            #expect(try platform.verdict(blinded) == test.holds(partnerPower: share.power))
        }
    }
}
