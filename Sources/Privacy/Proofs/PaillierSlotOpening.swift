/// A Paillier ciphertext of a value shifted into a packing slot, c = (1+N)^(2^shift·value)·r^N
/// mod N², held together with its opening (value, randomness r) by the party that made it.
///
/// Guarantees: `encrypt` draws r from the system CSPRNG and computes r^N in constant time;
/// `init(ciphertext:randomness:shift:publicKey:)` accepts an opening only when re-encrypting
/// the recovered value with r gives exactly the ciphertext, so an opening handed over by
/// another party either is what it claims or is refused. Products combine openings
/// (values add, randomness multiplies). The randomness is wiped when the last copy goes.
public struct PaillierSlotOpening: Sendable {
    public let ciphertext: PaillierCiphertext
    /// The slot value before the shift (|value| < 2^126).
    public let value: Int128
    public let shift: Int
    let randomness: MPZ

    /// Enc(2^shift·value) with fresh randomness.
    public static func encrypt(_ value: Int128, shift: Int, publicKey pk: PaillierPublicKey) -> PaillierSlotOpening {
        var rng = SystemCSPRNG()
        let r = MPZ.randomUnit(mod: pk.n, using: &rng)
        let c = (pk.encodeResidue(mpz(value).shiftedLeft(shift)) * r.powSecret(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        return PaillierSlotOpening(ciphertext: PaillierCiphertext(value: c, key: pk), value: value, shift: shift, randomness: r)
    }

    /// An opening received from its maker: checks that `randomness` is a unit below N and that
    /// `ciphertext` is exactly Enc(2^shift·v; randomness) for a v with |v| < 2^126 (recovered here).
    public init(ciphertext c: PaillierCiphertext, randomness bytes: [UInt8], shift: Int, publicKey pk: PaillierPublicKey) throws {
        guard c.keyFingerprint == pk.fingerprint, bytes.count == pk.modulusByteCount else {
            throw PrivacyError.proofRejected("slot opening under another key or of the wrong size")
        }
        let r = MPZ(bytes: bytes)
        guard !r.isZero, r.compare(pk.n) < 0, r.gcd(pk.n).compare(1) == 0, let rInv = r.powPublic(pk.n, mod: pk.nSquared).inverse(mod: pk.nSquared) else {
            throw PrivacyError.proofRejected("slot opening randomness is not a unit mod N")
        }
        let u = (c.value * rInv).mod(pk.nSquared) - 1
        guard u.mod(pk.n).isZero else { throw PrivacyError.proofRejected("the ciphertext is not an encryption under this randomness") }
        var m = u.divExact(pk.n)  // the plaintext 2^shift·v mod N
        if m.compare(pk.n.shiftedRight(1)) > 0 { m = m - pk.n }
        let v = m.shiftedRight(shift)
        guard v.shiftedLeft(shift).compare(m) == 0, v.bitWidth <= 126, let value = Self.int128(v) else {
            throw PrivacyError.proofRejected("the ciphertext's plaintext is not a slot value at shift \(shift)")
        }
        self.init(ciphertext: c, value: value, shift: shift, randomness: r)
    }

    init(ciphertext: PaillierCiphertext, value: Int128, shift: Int, randomness: MPZ) {
        self.ciphertext = ciphertext; self.value = value; self.shift = shift; self.randomness = randomness
    }

    /// The randomness as |N| big-endian bytes (hand it only to a party allowed to see the value).
    public var randomnessBytes: [UInt8] { randomness.bytes(length: ciphertext.byteCount / 2)! }

    /// Enc(2^shift·(self + other)) with the product randomness; both at the same shift under `pk`.
    public func combined(with other: PaillierSlotOpening, publicKey pk: PaillierPublicKey) -> PaillierSlotOpening {
        precondition(shift == other.shift && ciphertext.keyFingerprint == pk.fingerprint && other.ciphertext.keyFingerprint == pk.fingerprint)
        return PaillierSlotOpening(ciphertext: PaillierCiphertext(value: (ciphertext.value * other.ciphertext.value).mod(pk.nSquared), key: pk),
                                   value: value + other.value, shift: shift, randomness: (randomness * other.randomness).mod(pk.n))
    }

    static func mpz(_ v: Int128) -> MPZ {
        let mag = v.magnitude
        let x = MPZ(Int(Int64(bitPattern: UInt64(truncatingIfNeeded: mag >> 64)))).shiftedLeft(64) + UInt(UInt64(truncatingIfNeeded: mag))
        return v < 0 ? -x : x
    }

    static func int128(_ v: MPZ) -> Int128? {
        guard v.bitWidth <= 126 else { return nil }
        let mag = v.sign < 0 ? -v : v
        let bytes = mag.bytes(length: 16)!
        let u = bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }
        return v.sign < 0 ? -Int128(u) : Int128(u)
    }
}

extension Scalar {
    /// A signed 128-bit integer mapped into Z_ℓ.
    public init(_ v: Int128) {
        let mag = v.magnitude
        let two32 = Scalar(UInt64(1) << 32)
        let m = Scalar(UInt64(truncatingIfNeeded: mag >> 64)) * two32 * two32 + Scalar(UInt64(truncatingIfNeeded: mag))
        self = v < 0 ? -m : m
    }
}
