import Foundation
import Privacy
import Testing
@testable import ConsensusFactor

/// The Paillier exchange computes exactly the plaintext core's integers.
@Suite struct RCIEncryptedTests {
    static let key = try! PaillierPrivateKey.generate(bits: 512)

    @Test(arguments: [false, true])
    func encryptedEqualsPlaintextOnSmallCase(masking: Bool) throws {
        let c = try loadCase("case_2x3")
        var params = RCIParameters()
        params.maxIterations = 25
        var plain = try RCIInProcessRun(case: c, parameters: params)
        var enc = try RCIInProcessRun(case: c, parameters: params)
        let a = try plain.run()
        let exchange = RCIPaillierExchange(privateKey: Self.key, masking: masking, seed: 3)
        let b = try enc.run(exchange: exchange)
        #expect(a == b)  // bit-identical: same integers at result scale
        #expect(exchange.decryptions >= 25 * 12)
        for (x, y) in zip(plain.agents, enc.agents) { #expect(x.lambdas == y.lambdas && x.trades == y.trades) }
    }

    @Test func updatePlanOnCiphertextsMatchesPlaintextOverRandomCases() throws {
        var rng = RCISeededRandom(seed: 11)
        let cipher = RCIAgentCipher(publicKey: Self.key.publicKey, masking: true)
        let platform = RCIPlatformCipher(privateKey: Self.key)
        for _ in 0..<40 {
            func r(_ m: Int64) -> Int64 { Int64(bitPattern: rng.next() % UInt64(2 * m + 1)) - m }
            let plan = RCIUpdatePlan(constant: r(1 << 60), lambdaCoefficient: r(10_000_000), powerCoefficient: r(10_000_000))
            let share = RCIShare(iteration: 0, lambda: r(100_000_000_000), power: r(100_000_000_000), converged: false)
            let expected = try plan.evaluate(partnerLambda: share.lambda, partnerPower: share.power)
            let e = try cipher.encrypt(share, using: &rng)
            let (ct, mask) = try cipher.evaluate(plan, on: e, using: &rng)
            let seen = try platform.decrypt(ct)
            #expect(seen - mask == Int128(expected))
            #expect(seen != Int128(expected) || mask == 0)
            // blinded reciprocity test agrees with the plaintext test
            let tol = Int64(10_000)
            let own = -share.power + r(20_000)
            let test = RCIReciprocityTest(ownPower: own, tolerance: tol)
            let blinded = try cipher.blindedTest(test, partnerPower: e.power, using: &rng)
            #expect(try platform.verdict(blinded) == test.holds(partnerPower: share.power))
        }
    }
}
