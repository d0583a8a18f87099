import Privacy

/// A share as it travels between partners in the encrypted protocol: Enc(λ_nm), Enc(P_nm)
/// under the platform's Paillier key (value scale), plus the plaintext convergence flag.
public struct RCIEncryptedShare: Sendable, Equatable {
    public var iteration: Int
    public var lambda: [UInt8]
    public var power: [UInt8]
    public var converged: Bool
    public init(iteration: Int, lambda: [UInt8], power: [UInt8], converged: Bool) {
        self.iteration = iteration; self.lambda = lambda; self.power = power; self.converged = converged
    }
}

/// An agent's side of the encrypted exchange, holding only the platform's public key.
///
/// Guarantees: every value leaving the agent for a partner is a fresh Paillier encryption;
/// every value leaving it for the platform is either Enc(λ^{k+1} + mask) with a private mask
/// uniform in [0, 2¹⁰⁰) (when `masking` is on) or a blinded sign-test ciphertext
/// Enc(ρ·y + r) with private ρ ∈ [2²⁰, 2⁴⁰), 0 ≤ r < ρ.
public struct RCIAgentCipher: @unchecked Sendable {
    public let publicKey: PaillierPublicKey
    public let masking: Bool

    public init(publicKey: PaillierPublicKey, masking: Bool) {
        self.publicKey = publicKey; self.masking = masking
    }

    public func encrypt<G: RandomNumberGenerator>(_ s: RCIShare, using rng: inout G) throws -> RCIEncryptedShare {
        RCIEncryptedShare(iteration: s.iteration, lambda: try publicKey.encrypt(s.lambda, using: &rng).bytes,
                          power: try publicKey.encrypt(s.power, using: &rng).bytes, converged: s.converged)
    }

    /// Enc(plan(λ_mn, P_mn) + mask), and the mask to remove from the platform's answer.
    public func evaluate<G: RandomNumberGenerator>(_ plan: RCIUpdatePlan, on share: RCIEncryptedShare,
                                                   using rng: inout G) throws -> (ciphertext: [UInt8], mask: Int128) {
        let l = try PaillierCiphertext(bytes: share.lambda, publicKey: publicKey)
        let p = try PaillierCiphertext(bytes: share.power, publicKey: publicKey)
        var c = publicKey.add(publicKey.multiply(l, by: plan.lambdaCoefficient), publicKey.multiply(p, by: plan.powerCoefficient))
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

/// The platform's side: the Paillier private key. It decrypts exactly two kinds of
/// ciphertext — masked consensus factors (returned to their sender only) and blinded sign
/// tests (of which only the conjunction "all ≥ 0" is returned).
public struct RCIPlatformCipher: @unchecked Sendable {
    public let privateKey: PaillierPrivateKey
    public init(privateKey: PaillierPrivateKey) { self.privateKey = privateKey }

    public func decrypt(_ bytes: [UInt8]) throws -> Int128 {
        let c = try PaillierCiphertext(bytes: bytes, publicKey: privateKey.publicKey)
        let text = privateKey.decryptDecimal(c)
        guard let v = Int128(text) else { throw RCIError.arithmeticOverflow("decrypted value wider than 128 bits") }
        return v
    }

    public func verdict(_ blinded: [[UInt8]]) throws -> Bool {
        try blinded.allSatisfy { try decrypt($0) >= 0 }
    }
}

/// Both sides in one place, for the in-process encrypted run (tests, benchmarks): encrypts
/// the partners' shares, evaluates the plans on ciphertexts, lets the platform decrypt.
public final class RCIPaillierExchange {
    public let agent: RCIAgentCipher
    public let platform: RCIPlatformCipher
    private var rng: RCISeededRandom
    public private(set) var decryptions = 0

    public init(privateKey: PaillierPrivateKey, masking: Bool, seed: UInt64) {
        agent = RCIAgentCipher(publicKey: privateKey.publicKey, masking: masking)
        platform = RCIPlatformCipher(privateKey: privateKey)
        rng = RCISeededRandom(seed: seed)
    }

    /// One agent's iteration against the platform: new λ (result scale) per partner and the
    /// reciprocity verdict (nil when `tests` is nil).
    public func roundTrip(plans: [RCIUpdatePlan], incoming: [RCIShare], tests: [RCIReciprocityTest]?) throws -> ([Int64], Bool?) {
        var lambdas: [Int64] = []
        var blinded: [[UInt8]] = []
        for (i, plan) in plans.enumerated() {
            let share = try agent.encrypt(incoming[i], using: &rng)
            let (c, mask) = try agent.evaluate(plan, on: share, using: &rng)
            let v = try platform.decrypt(c) - mask
            decryptions += 1
            guard let l = Int64(exactly: v) else { throw RCIError.arithmeticOverflow("consensus factor") }
            lambdas.append(l)
            if let tests { blinded += try agent.blindedTest(tests[i], partnerPower: share.power, using: &rng) }
        }
        var verdict: Bool? = nil
        if tests != nil { verdict = try platform.verdict(blinded); decryptions += blinded.count }
        return (lambdas, verdict)
    }
}
