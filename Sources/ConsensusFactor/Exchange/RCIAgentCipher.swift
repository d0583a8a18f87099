import Privacy

/// An agent's side of the encrypted exchange, holding only the platform's public key.
///
/// Guarantees: every value leaving the agent for a partner is a fresh Paillier encryption;
/// every value leaving it for the platform is either Enc(λ^{k+1} + mask) with a private mask
/// uniform in [0, 2¹⁰⁰) (when `masking` is on) or a blinded sign-test ciphertext
/// Enc(ρ·y + r) with private ρ ∈ [2²⁰, 2⁴⁰), 0 ≤ r < ρ. All randomness comes from the
/// injected generator, so a seeded run is reproducible.
public struct RCIAgentCipher: Sendable {
    public let publicKey: PaillierPublicKey
    public let masking: Bool

    public init(publicKey: PaillierPublicKey, masking: Bool) {
        self.publicKey = publicKey; self.masking = masking
    }

    /// Enc(P) and, when `withPrice`, Enc(λ) (empty otherwise).
    public func encrypt<G: RandomNumberGenerator>(_ s: RCIShare, withPrice: Bool = true, using rng: inout G) throws -> RCIEncryptedShare {
        RCIEncryptedShare(iteration: s.iteration, lambda: withPrice ? try publicKey.encrypt(s.lambda, using: &rng).bytes : [],
                          power: try publicKey.encrypt(s.power, using: &rng).bytes, converged: s.converged)
    }

    /// Enc(plan(λ_mn, P_mn) + mask), and the mask to remove from the platform's answer.
    public func evaluate<G: RandomNumberGenerator>(_ plan: RCIUpdatePlan, on share: RCIEncryptedShare,
                                                   using rng: inout G) throws -> (ciphertext: [UInt8], mask: Int128) {
        let p = try PaillierCiphertext(bytes: share.power, publicKey: publicKey)
        var c = publicKey.multiply(p, by: plan.powerCoefficient)
        if plan.lambdaCoefficient != 0 {
            guard !share.lambda.isEmpty else { throw RCIError.protocolViolation("share without Enc(λ) for a plan that needs it") }
            let l = try PaillierCiphertext(bytes: share.lambda, publicKey: publicKey)
            c = publicKey.add(publicKey.multiply(l, by: plan.lambdaCoefficient), c)
        }
        c = publicKey.addPlaintext(c, plan.constant)
        var mask: Int128 = 0
        if masking {
            let hi = Int64(rng.next() >> 26), lo = Int64(rng.next() >> 2)  // hi < 2^38, lo < 2^62
            mask = Int128(hi) << 62 + Int128(lo)
            let trivialHi = publicKey.addPlaintext(publicKey.multiply(c, by: 0), hi)
            c = publicKey.add(c, publicKey.multiply(trivialHi, by: 1 << 62))
            c = publicKey.addPlaintext(c, lo)
        }
        return (c.bytes, mask)
    }

    /// The two blinded ciphertexts deciding |P_nm + P_mn| ≤ tolerance: Enc(ρ₁(t − x) + r₁) and
    /// Enc(ρ₂(t + x) + r₂) with x = P_nm + P_mn; both decrypt to ≥ 0 exactly when the test holds.
    public func blindedTest<G: RandomNumberGenerator>(_ test: RCIReciprocityTest, partnerPower: [UInt8],
                                                      using rng: inout G) throws -> [[UInt8]] {
        let x = publicKey.addPlaintext(try PaillierCiphertext(bytes: partnerPower, publicKey: publicKey), test.ownPower)
        func blind(_ sign: Int64) -> [UInt8] {
            let rho = Int64(1 << 20) + Int64(rng.next() % UInt64((1 << 40) - (1 << 20)))
            let r = Int64(rng.next() % UInt64(rho))
            return publicKey.addPlaintext(publicKey.multiply(x, by: sign * rho), rho * test.tolerance + r).bytes
        }
        return [blind(-1), blind(1)]
    }
}
