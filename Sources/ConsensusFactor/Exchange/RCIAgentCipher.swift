import Privacy

/// An agent's side of the encrypted exchange, holding only the platform's public key.
///
/// Guarantees: every value leaving the agent for a partner is a fresh Paillier encryption;
/// every value leaving it for the platform is either a packed ciphertext of slots
/// λ^{k+1} + mask + 2¹⁰² (`slotBits` = 104 bits each, `slots` per ciphertext) with a private
/// mask uniform in [0, 2¹⁰⁰) (zero without `masking`), or a blinded sign-test ciphertext
/// Enc(ρ·y + r) with private ρ ∈ [2²⁰, 2⁴⁰), 0 ≤ r < ρ. All randomness comes from the
/// injected generator, so a seeded run is reproducible.
public struct RCIAgentCipher: Sendable {
    public let publicKey: PaillierPublicKey
    public let masking: Bool

    /// Bits per packed slot, and the offset that keeps every slot non-negative.
    public static let slotBits = 104
    public static let slotOffset: Int128 = 1 << 102
    /// Consensus factors per packed ciphertext under this key.
    public let slots: Int

    public init(publicKey: PaillierPublicKey, masking: Bool) {
        self.publicKey = publicKey; self.masking = masking
        slots = PaillierPacking.slots(of: publicKey, slotBits: Self.slotBits)
    }

    /// Enc(P) and, when `withPrice`, Enc(λ) (empty otherwise), with the fixed-base (DJN)
    /// randomiser: bits/12 modular multiplications instead of a full exponentiation by N.
    public func encrypt<G: RandomNumberGenerator>(_ s: RCIShare, withPrice: Bool = true, using rng: inout G) throws -> RCIEncryptedShare {
        RCIEncryptedShare(iteration: s.iteration, lambda: withPrice ? try publicKey.encryptFast(s.lambda, using: &rng).bytes : [],
                          power: try publicKey.encryptFast(s.power, using: &rng).bytes, converged: s.converged)
    }

    /// Enc(plan(λ_mn, P_mn) + mask + `slotOffset`), and what to subtract from the platform's
    /// answer (mask + offset).
    public func evaluate<G: RandomNumberGenerator>(_ plan: RCIUpdatePlan, on share: RCIEncryptedShare,
                                                   using rng: inout G) throws -> (ciphertext: PaillierCiphertext, mask: Int128) {
        let p = try PaillierCiphertext(bytes: share.power, publicKey: publicKey)
        var c = publicKey.multiply(p, by: plan.powerCoefficient)
        if plan.lambdaCoefficient != 0 {
            guard !share.lambda.isEmpty else { throw RCIError.protocolViolation("share without Enc(λ) for a plan that needs it") }
            let l = try PaillierCiphertext(bytes: share.lambda, publicKey: publicKey)
            c = publicKey.add(publicKey.multiply(l, by: plan.lambdaCoefficient), c)
        }
        var mask: Int128 = 0
        if masking {
            let hi = rng.next() >> 26, lo = rng.next() >> 2  // hi < 2^38, lo < 2^62
            mask = Int128(hi) << 62 + Int128(lo)
        }
        c = publicKey.addPlaintext(c, wide: Int128(plan.constant) + mask + Self.slotOffset)
        return (c, mask + Self.slotOffset)
    }

    /// The evaluated ciphertexts packed `slots` to a ciphertext, in order.
    public func pack(_ cs: [PaillierCiphertext]) -> [[UInt8]] {
        stride(from: 0, to: cs.count, by: slots).map { i in
            publicKey.pack(Array(cs[i..<min(i + slots, cs.count)]), slotBits: Self.slotBits).bytes
        }
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
