import Privacy

/// An agent's side of the encrypted exchange, holding only the platform's public key.
///
/// Packing is done by the senders: the receiver packs its partners in roster order, partner
/// i in slot i mod `slots` of ciphertext ⌊i / slots⌋, and every agent's place among its own
/// role is public, so a sender encrypts its share already shifted into its slot,
/// Enc(2^(slotBits·slot)·P). The receiver then evaluates all its update plans of one packed
/// ciphertext at once — the product of the partners' ciphertexts raised to the (common) step
/// coefficient, times the shifted constants — instead of one exponentiation per partner
/// and `slotBits` squarings per slot to pack.
///
/// Guarantees: every value leaving the agent for a partner is a fresh Paillier encryption
/// (DJN fixed-base randomiser, or one from a precomputed pool); every value leaving it for
/// the platform is either a packed ciphertext of slots λ^{k+1} + mask + 2⁹⁹ (`slotBits` =
/// 101 bits each) with a private mask uniform in [0, 2⁹⁹) (zero without `masking`), or a
/// blinded sign-test ciphertext Enc(ρ·2^S·y + r) with private ρ ∈ [2²⁰, 2⁴⁰),
/// 0 ≤ r < ρ·2^S. All randomness comes from the injected generator or pool.
public struct RCIAgentCipher: Sendable {
    public let publicKey: PaillierPublicKey
    public let masking: Bool

    /// Bits per packed slot, and the offset that keeps every slot non-negative:
    /// |λ^{k+1}·R| < 2⁶², mask < 2⁹⁹, so every slot value is in (0, 2¹⁰¹).
    public static let slotBits = 101
    public static let slotOffset: Int128 = 1 << 99
    /// Consensus factors per packed ciphertext under this key.
    public let slots: Int

    public init(publicKey: PaillierPublicKey, masking: Bool) {
        self.publicKey = publicKey; self.masking = masking
        slots = PaillierPacking.slots(of: publicKey, slotBits: Self.slotBits)
    }

    /// The slot of partner number `index` (in the receiver's partner order).
    public func slot(ofPartner index: Int) -> Int { index % slots }

    /// x·2^(slotBits·slot) as a wide plaintext.
    static func shifted(_ x: Int64, slot: Int) -> PaillierBigInt { PaillierBigInt(x).shifted(slotBits * slot) }

    static func wide(_ v: Int128) -> PaillierBigInt {
        let hi = Int64(v >> 62), lo = Int64(v & ((1 << 62) - 1))
        return PaillierBigInt(hi).shifted(62) + PaillierBigInt(lo)
    }

    /// Enc(2^S·P) and, when `withPrice`, Enc(2^S·λ) (empty otherwise), S = slotBits·slot: the
    /// sender's place in its receivers' packing. Uses a pool entry when one is left.
    public func encrypt<G: RandomNumberGenerator>(_ s: RCIShare, withPrice: Bool = true, slot: Int = 0,
                                                  pool: PaillierRandomnessPool? = nil, using rng: inout G) throws -> RCIEncryptedShare {
        func enc(_ x: Int64) throws -> [UInt8] {
            let m = Self.shifted(x, slot: slot)
            if let pool, pool.available > 0 { return try publicKey.encrypt(m, pool: Optional(pool)).bytes }
            return try publicKey.encryptFast(m, using: &rng).bytes
        }
        return RCIEncryptedShare(iteration: s.iteration, lambda: withPrice ? try enc(s.lambda) : [], power: try enc(s.power), converged: s.converged)
    }

    /// The packed request: plan i evaluated on partner i's share, partner i in slot i mod
    /// `slots` of ciphertext ⌊i / slots⌋, plus mask and offset; and per partner what to
    /// subtract from the platform's answer (mask + offset).
    public func evaluate<G: RandomNumberGenerator>(_ plans: [RCIUpdatePlan], on shares: [RCIEncryptedShare],
                                                   using rng: inout G) throws -> (packed: [[UInt8]], masks: [Int128]) {
        guard plans.count == shares.count, !plans.isEmpty else { throw RCIError.protocolViolation("one share per plan expected") }
        var packed: [[UInt8]] = [], masks: [Int128] = []
        for start in stride(from: 0, to: plans.count, by: slots) {
            let group = start..<min(start + slots, plans.count)
            var acc: PaillierCiphertext?
            func add(_ c: PaillierCiphertext) { acc = acc.map { publicKey.add($0, c) } ?? c }
            func product(_ cs: [[UInt8]]) throws -> PaillierCiphertext {
                try PaillierCiphertext(validatingProductOf: cs, publicKey: publicKey)
            }
            let first = plans[group.lowerBound]
            let uniform = group.allSatisfy { plans[$0].lambdaCoefficient == first.lambdaCoefficient && plans[$0].powerCoefficient == first.powerCoefficient }
            let needsPrice = group.contains { plans[$0].lambdaCoefficient != 0 }
            if needsPrice, group.contains(where: { shares[$0].lambda.isEmpty }) {
                throw RCIError.protocolViolation("share without Enc(λ) for a plan that needs it")
            }
            if uniform {
                // Σ_i k·x_i·2^(S_i) = k·(Σ_i x_i·2^(S_i)): one exponentiation per coefficient
                if first.powerCoefficient != 0 { add(publicKey.multiply(try product(group.map { shares[$0].power }), by: first.powerCoefficient)) }
                if first.lambdaCoefficient != 0 { add(publicKey.multiply(try product(group.map { shares[$0].lambda }), by: first.lambdaCoefficient)) }
            } else {
                for i in group {
                    add(publicKey.multiply(try PaillierCiphertext(bytes: shares[i].power, publicKey: publicKey), by: plans[i].powerCoefficient))
                    if plans[i].lambdaCoefficient != 0 {
                        add(publicKey.multiply(try PaillierCiphertext(bytes: shares[i].lambda, publicKey: publicKey), by: plans[i].lambdaCoefficient))
                    }
                }
            }
            var constant = PaillierBigInt(0)
            for i in group {
                var mask: Int128 = 0
                if masking {
                    let hi = rng.next() >> 27, lo = rng.next() >> 2  // hi < 2^37, lo < 2^62
                    mask = Int128(hi) << 62 + Int128(lo)
                }
                masks.append(mask + Self.slotOffset)
                constant = constant + Self.wide(Int128(plans[i].constant) + mask + Self.slotOffset).shifted(Self.slotBits * slot(ofPartner: i))
            }
            let base: PaillierCiphertext
            if let acc { base = acc } else { base = try publicKey.encryptFast(Int64(0), using: &rng) }
            packed.append(publicKey.addPlaintext(base, constant).bytes)
        }
        return (packed, masks)
    }

    /// The two blinded ciphertexts deciding |P_nm + P_mn| ≤ tolerance on the partner's share
    /// in slot `slot` (so Enc(2^S·P_mn), S = slotBits·slot): Enc(ρ₁·2^S(t − x) + r₁) and
    /// Enc(ρ₂·2^S(t + x) + r₂) with x = P_nm + P_mn and 0 ≤ r < ρ·2^S; both decrypt to ≥ 0
    /// exactly when the test holds.
    public func blindedTest<G: RandomNumberGenerator>(_ test: RCIReciprocityTest, partnerPower: [UInt8], slot: Int = 0,
                                                      using rng: inout G) throws -> [[UInt8]] {
        let bits = Self.slotBits * slot
        let x = publicKey.addPlaintext(try PaillierCiphertext(bytes: partnerPower, publicKey: publicKey), Self.shifted(test.ownPower, slot: slot))
        func blind(_ sign: Int64) -> [UInt8] {
            let rho = Int64(1 << 20) + Int64(rng.next() % UInt64((1 << 40) - (1 << 20)))
            var r = PaillierBigInt(Int64(rng.next() % UInt64(rho))).shifted(bits)  // uniform in [0, ρ·2^S)
            for chunk in stride(from: 0, to: bits, by: 62) {
                let width = min(62, bits - chunk)
                r = r + PaillierBigInt(Int64(rng.next() >> UInt64(64 - width))).shifted(chunk)
            }
            let t = (PaillierBigInt(rho) * PaillierBigInt(test.tolerance)).shifted(bits)
            return publicKey.addPlaintext(publicKey.multiply(x, by: sign * rho), t + r).bytes
        }
        return [blind(-1), blind(1)]
    }
}
