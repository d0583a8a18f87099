/// A signed integer of any size, used as a Paillier plaintext or scalar where 64 bits are
/// too few (squared fixed-point distances reach ~2^110; see `EncryptedFeatureRow`).
///
/// Guarantees: immutable value semantics (every operation returns a fresh integer);
/// conversions are exact except `doubleValue`, which rounds to nearest.
public struct PaillierBigInt: @unchecked Sendable, Equatable, CustomStringConvertible {
    let value: MPZ

    init(_ value: MPZ) { self.value = value }
    public init(_ v: Int64) { value = MPZ(Int(v)) }
    /// Parses a signed decimal integer; nil if it is not one.
    public init?(decimal: String) {
        guard let m = MPZ(decimal: decimal) else { return nil }
        value = m
    }

    public var decimal: String { value.decimal }
    public var description: String { decimal }
    /// The nearest `Double` (via the exact decimal form, which `Double(String)` rounds correctly).
    public var doubleValue: Double { Double(value.decimal) ?? .nan }
    /// The value if it fits an `Int64`.
    public var int64Value: Int64? { value.int64Value }

    public static func + (a: Self, b: Self) -> Self { Self(a.value + b.value) }
    public static func - (a: Self, b: Self) -> Self { Self(a.value - b.value) }
    public static func * (a: Self, b: Self) -> Self { Self(a.value * b.value) }
    public static func == (a: Self, b: Self) -> Bool { a.value.compare(b.value) == 0 }
    public var signum: Int { value.sign }
    /// self · 2^k.
    public func shifted(_ k: Int) -> PaillierBigInt { PaillierBigInt(value.shiftedLeft(k)) }
}

extension PaillierPublicKey {
    /// Encrypts a big plaintext with fresh CSPRNG randomness; throws if |m| > ⌊N/2⌋.
    public func encrypt(_ m: PaillierBigInt) throws -> PaillierCiphertext {
        try checkRange(m)
        var rng = SystemCSPRNG()
        return PaillierCiphertext(value: (encodeResidue(m.value) * randomizer(using: &rng)).mod(nSquared), key: self)
    }

    /// Encrypts a big plaintext using one precomputed r^N from `pool` (one multiplication online).
    public func encrypt(_ m: PaillierBigInt, pool: PaillierRandomnessPool?) throws -> PaillierCiphertext {
        guard let pool else { return try encrypt(m) }
        try checkRange(m)
        let zero = try encrypt(Int64(0), pool: pool)
        return PaillierCiphertext(value: (encodeResidue(m.value) * zero.value).mod(nSquared), key: self)
    }

    /// Encrypts a big plaintext with the DJN fixed-base randomiser (see `encryptFast(_: Int64)`).
    public func encryptFast(_ m: PaillierBigInt) throws -> PaillierCiphertext {
        try checkRange(m)
        var rng = SystemCSPRNG()
        let rn = fixedBase.randomizer(using: &rng)
        defer { rn.wipe() }
        return PaillierCiphertext(value: (encodeResidue(m.value) * rn).mod(nSquared), key: self)
    }

    /// Re-randomises with the DJN fixed-base randomiser: unlinkable to `a` under the same
    /// assumptions as `encryptFast`, several times cheaper than `rerandomize`.
    public func rerandomizeFast(_ a: PaillierCiphertext) -> PaillierCiphertext {
        check(a)
        var rng = SystemCSPRNG()
        let rn = fixedBase.randomizer(using: &rng)
        defer { rn.wipe() }
        return PaillierCiphertext(value: (a.value * rn).mod(nSquared), key: self)
    }

    /// Enc(a + m) for a big plaintext m (not re-randomised).
    public func addPlaintext(_ a: PaillierCiphertext, _ m: PaillierBigInt) -> PaillierCiphertext {
        check(a)
        return PaillierCiphertext(value: (a.value * encodeResidue(m.value)).mod(nSquared), key: self)
    }

    /// Enc(k·a) for a big scalar k of either sign (not re-randomised).
    public func multiply(_ a: PaillierCiphertext, by k: PaillierBigInt) -> PaillierCiphertext {
        check(a)
        if k.signum == 0 { return PaillierCiphertext(value: MPZ(1), key: self) }
        let base = k.signum < 0 ? a.value.inverse(mod: nSquared)! : a.value
        let e = k.signum < 0 ? -k.value : k.value
        return PaillierCiphertext(value: base.powPublic(e, mod: nSquared), key: self)
    }

    /// Enc(Σ k_i·a_i) for non-negative scalars, as Π a_i^{k_i} (terms with k_i = 0 are skipped).
    public func linearCombination(_ terms: [(PaillierCiphertext, Int64)]) -> PaillierCiphertext {
        var acc = MPZ(1)
        for (c, k) in terms where k != 0 {
            check(c)
            precondition(k > 0, "linearCombination takes non-negative scalars")
            acc = (acc * c.value.powPublic(MPZ(Int(k)), mod: nSquared)).mod(nSquared)
        }
        return PaillierCiphertext(value: acc, key: self)
    }

    /// The largest plaintext magnitude ⌊N/2⌋, as a big integer.
    public var maxPlaintextMagnitude: PaillierBigInt { PaillierBigInt(MPZ(copying: halfN)) }

    private func checkRange(_ m: PaillierBigInt) throws {
        let mag = m.signum < 0 ? -m.value : m.value
        guard mag.compare(halfN) <= 0 else { throw PrivacyError.plaintextOutOfRange("|m| exceeds N/2; use a larger key or a smaller fixed-point scale") }
    }
}

extension PaillierPrivateKey {
    /// The signed plaintext of `c` at full width (no 64-bit limit).
    public func decryptBig(_ c: PaillierCiphertext) -> PaillierBigInt { PaillierBigInt(decryptSignedBig(c)) }
}
