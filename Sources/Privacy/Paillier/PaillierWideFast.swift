extension PaillierPublicKey {
    /// `encryptFast` of a wide plaintext (|m| ≤ ⌊N/2⌋) with the DJN exponent drawn from `rng`
    /// (the caller's generator: the system CSPRNG in production, a seeded one for reproducible runs).
    public func encryptFast<G: RandomNumberGenerator>(_ m: PaillierBigInt, using rng: inout G) throws -> PaillierCiphertext {
        let mag = m.signum < 0 ? -m.value : m.value
        guard mag.compare(halfN) <= 0 else { throw PrivacyError.plaintextOutOfRange("|m| exceeds N/2; use a larger key") }
        let rn = fixedBase.randomizer(using: &rng)
        defer { rn.wipe() }
        return PaillierCiphertext(value: (encodeResidue(m.value) * rn).mod(nSquared), key: self)
    }
}

extension PaillierRandomnessPool {
    /// Adds `count` DJN fixed-base randomisers (about bits/16 Montgomery multiplications each instead of
    /// a full exponentiation by N; same assumptions as `encryptFast`): the cheap way to fill a
    /// pool in a party's idle time.
    public func refillFast<G: RandomNumberGenerator>(count: Int, using rng: inout G) {
        var fresh: [MPZ] = []
        fresh.reserveCapacity(count)
        for _ in 0..<count { fresh.append(publicKey.fixedBase.randomizer(using: &rng)) }
        append(fresh)
    }
}
