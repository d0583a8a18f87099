/// Proof that a Paillier ciphertext c = (1+N)^(2^S·x)·r^N mod N² (x shifted into a packing
/// slot at bit S) and a Pedersen commitment C = x·G + s·H hide the same integer x, for slot
/// values |x| < 2^101 (plaintext-equality Sigma protocol over the integers, Fiat–Shamir).
///
/// Prover: α uniform in [0, 2^245), ρ ∈ Z_N*, σ ∈ Z_ℓ; A = (1+N)^(2^S·α)·ρ^N mod N²,
/// B = α·G + σ·H; e = 96-bit challenge from a Merlin transcript holding the domain label, the
/// caller's context (run, iteration, agents), G, H, N, S, c, C, A and B; responses
/// z = α + e·x over the integers, w = ρ·r^e mod N, t = σ + e·s mod ℓ. Verifier: |z| < 2^246,
/// w a unit below N, (1+N)^(2^S·z)·w^N ≡ A·c^e (mod N²) and z·G + t·H = B + e·C.
///
/// Guarantees: complete for |x| < 2^101; statistically zero-knowledge (2^-47 slack: α
/// exceeds e·x by 2^47); sound with error 2^-96: an extractor obtains one integer x with
/// |x| < 2^247 < ℓ/2 that is both c's slot value and C's value, so a commitment to a slot
/// value pins the ciphertext's plaintext exactly. Changing any public value (including the
/// context or S) changes the challenge. Same layout as `PaillierPedersenEqualityProof`
/// (which proves Int64 values at slot 0 with a 112-bit challenge).
public struct PaillierSlotEqualityProof: Sendable {
    let a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar
    let modulusBytes: Int
    static let domain = "GridClear/proof/paillier-slot-equality/v1"
    static let challengeBits = 96, alphaBits = 245, zBits = 246, valueBits = 101

    /// The proof that `opening.ciphertext` hides `opening.value`, the value committed in
    /// `commitment` with `blinding`. Throws when the value is wider than 101 bits.
    public static func prove(_ opening: PaillierSlotOpening, blinding: Scalar, commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                             params: PedersenParameters = .standard, context: [UInt8]) throws -> PaillierSlotEqualityProof {
        let x = PaillierSlotOpening.mpz(opening.value)
        guard x.bitWidth <= valueBits else { throw PrivacyError.proofRejected("slot value wider than \(valueBits) bits") }
        var rng = SystemCSPRNG()
        let alpha = MPZ.random(below: MPZ(1).shiftedLeft(alphaBits), using: &rng)
        let rho = MPZ.randomUnit(mod: pk.n, using: &rng)
        defer { alpha.wipe(); rho.wipe() }
        let sigma = Scalar.random(using: &rng)
        let a = (pk.encodeResidue(alpha.shiftedLeft(opening.shift)) * rho.powSecret(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let b = PaillierPedersenEqualityProof.scalar(alpha) * params.g + sigma * params.h
        let (eInt, eScalar) = challenge(pk, opening.ciphertext, opening.shift, commitment, a, b, params, context)
        let z = alpha + eInt * x
        let w = (rho * opening.randomness.powSecret(eInt, mod: pk.n)).mod(pk.n)
        return PaillierSlotEqualityProof(a: a, b: b, z: z, w: w, t: sigma + eScalar * blinding, modulusBytes: pk.modulusByteCount)
    }

    /// Throws `proofRejected` unless c (slot at bit `shift`) and C hide the same integer.
    public func verify(_ c: PaillierCiphertext, shift: Int, _ commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                       params: PedersenParameters = .standard, context: [UInt8]) throws {
        guard c.keyFingerprint == pk.fingerprint else { throw PrivacyError.proofRejected("ciphertext is under another Paillier key") }
        guard shift >= 0, modulusBytes == pk.modulusByteCount, z.bitWidth <= Self.zBits, !w.isZero, w.compare(pk.n) < 0,
              w.gcd(pk.n).compare(1) == 0, !a.isZero, a.compare(pk.nSquared) < 0 else {
            throw PrivacyError.proofRejected("slot equality proof is out of range")
        }
        let (eInt, eScalar) = Self.challenge(pk, c, shift, commitment, a, b, params, context)
        let lhs = (pk.encodeResidue(z.shiftedLeft(shift)) * w.powPublic(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let rhs = (a * c.value.powPublic(eInt, mod: pk.nSquared)).mod(pk.nSquared)
        guard lhs.compare(rhs) == 0 else { throw PrivacyError.proofRejected("slot equality proof: the ciphertext side does not verify") }
        guard PaillierPedersenEqualityProof.scalar(z) * params.g + t * params.h == b + eScalar * commitment.point else {
            throw PrivacyError.proofRejected("slot equality proof: the ciphertext does not encrypt the committed value")
        }
    }

    private static func challenge(_ pk: PaillierPublicKey, _ c: PaillierCiphertext, _ shift: Int, _ cm: PedersenCommitment, _ a: MPZ, _ b: Point,
                                  _ p: PedersenParameters, _ ctx: [UInt8]) -> (MPZ, Scalar) {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        p.appendTo(&t)
        t.append(label: "N", pk.modulus)
        t.append(label: "shift", UInt64(shift))
        t.append(label: "c", c.bytes)
        t.append(label: "C", cm.point)
        t.append(label: "A", a.bytes(length: pk.ciphertextByteCount)!)
        t.append(label: "B", b)
        let e = MPZ(bytes: t.challengeBytes(label: "challenge", count: challengeBits / 8))
        return (e, PaillierPedersenEqualityProof.scalar(e))
    }

    // MARK: canonical bytes: A (2|N|) ‖ B (32) ‖ sign(z) (1) ‖ |z| (32) ‖ w (|N|) ‖ t (32)

    public var bytes: [UInt8] {
        a.bytes(length: 2 * modulusBytes)! + b.bytes + [z.sign < 0 ? 1 : 0] + (z.sign < 0 ? -z : z).bytes(length: 32)!
            + w.bytes(length: modulusBytes)! + t.bytes
    }

    public init(bytes: [UInt8], publicKey pk: PaillierPublicKey) throws {
        let nc = pk.ciphertextByteCount, nn = pk.modulusByteCount
        guard bytes.count == nc + 32 + 1 + 32 + nn + 32 else { throw PrivacyError.malformedEncoding("slot equality proof has \(bytes.count) bytes") }
        var i = 0
        func take(_ k: Int) -> [UInt8] { defer { i += k }; return Array(bytes[i..<(i + k)]) }
        let a = MPZ(bytes: take(nc)), b = try Point(canonical: take(32))
        let sign = take(1)[0], mag = MPZ(bytes: take(32))
        guard sign <= 1, !(sign == 1 && mag.isZero) else { throw PrivacyError.malformedEncoding("slot equality proof response sign") }
        let w = MPZ(bytes: take(nn)), t = try Scalar(canonical: take(32))
        self.init(a: a, b: b, z: sign == 1 ? -mag : mag, w: w, t: t, modulusBytes: nn)
    }

    /// Encoded size under a key with an N of `modulusBytes` bytes.
    public static func byteCount(modulusBytes nn: Int) -> Int { 3 * nn + 97 }

    init(a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar, modulusBytes: Int) { self.a = a; self.b = b; self.z = z; self.w = w; self.t = t; self.modulusBytes = modulusBytes }
}
