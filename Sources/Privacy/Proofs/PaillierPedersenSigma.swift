/// The one Paillier–Pedersen plaintext-equality Σ-protocol (over the integers, Fiat–Shamir)
/// behind `PaillierPedersenEqualityProof` (Int64 values at bit 0) and
/// `PaillierSlotEqualityProof` (values below 2^101 shifted into a packing slot at bit S): c =
/// (1+N)^(2^S·x)·r^N mod N² and C = x·G + s·H hide the same integer x.
///
/// Prover: α uniform in [0, 2^alphaBits), ρ ∈ Z_N*, σ ∈ Z_ℓ; A = (1+N)^(2^S·α)·ρ^N mod N²,
/// B = α·G + σ·H; e = the challenge (`challengeBits`) from the transcript `challenge` builds;
/// z = α + e·x over the integers, w = ρ·r^e mod N, t = σ + e·s mod ℓ. Verifier: |z| < 2^zBits,
/// w a unit below N, A a nonzero residue below N², (1+N)^(2^S·z)·w^N ≡ A·c^e (mod N²) and
/// z·G + t·H = B + e·C.
///
/// Guarantees: one transcript builder for both proofs — domain label, caller's context, G, H,
/// N, the shift (only for the slot proof, which is this protocol at any S; the Int64 proof is
/// it at S = 0 with the shift left out of its transcript, so its committed proofs stay valid),
/// c, C, A, B — and one prover, verifier and encoding
/// (A (2|N|) ‖ B (32) ‖ sign(z) (1) ‖ |z| (32) ‖ w (|N|) ‖ t (32)).
struct PaillierPedersenSigma: Sendable {
    /// The parameters that tell the two proofs apart.
    struct Variant: Sendable {
        let domain: String
        let name: String
        let challengeBits: Int, alphaBits: Int, zBits: Int
        /// Whether the shift is part of the transcript (the slot proof).
        let bindsShift: Bool
    }

    let a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar
    let modulusBytes: Int

    /// The proof for c = Enc(2^shift·x; r) and a commitment to x with blinding `s`.
    static func prove(_ v: Variant, x: MPZ, randomness r: MPZ, blinding s: Scalar, ciphertext c: PaillierCiphertext, shift: Int,
                      commitment: PedersenCommitment, publicKey pk: PaillierPublicKey, params: PedersenParameters,
                      context: [UInt8]) -> PaillierPedersenSigma {
        var rng = SystemCSPRNG()
        let alpha = MPZ.random(below: MPZ(1).shiftedLeft(v.alphaBits), using: &rng)
        let rho = MPZ.randomUnit(mod: pk.n, using: &rng)
        defer { alpha.wipe(); rho.wipe() }
        let sigma = Scalar.random(using: &rng)
        let a = (pk.encodeResidue(alpha.shiftedLeft(shift)) * rho.powSecret(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let b = scalar(alpha) * params.g + sigma * params.h
        let (eInt, eScalar) = challenge(v, pk, c, shift, commitment, a, b, params, context)
        return PaillierPedersenSigma(a: a, b: b, z: alpha + eInt * x, w: (rho * r.powSecret(eInt, mod: pk.n)).mod(pk.n),
                                     t: sigma + eScalar * s, modulusBytes: pk.modulusByteCount)
    }

    /// Throws `proofRejected` unless c (at bit `shift`) and C hide the same integer.
    func verify(_ v: Variant, _ c: PaillierCiphertext, shift: Int, _ commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                params: PedersenParameters, context: [UInt8]) throws {
        guard c.keyFingerprint == pk.fingerprint else { throw PrivacyError.proofRejected("ciphertext is under another Paillier key") }
        guard shift >= 0, modulusBytes == pk.modulusByteCount, z.bitWidth <= v.zBits, !w.isZero, w.compare(pk.n) < 0,
              w.gcd(pk.n).compare(1) == 0, !a.isZero, a.compare(pk.nSquared) < 0 else {
            throw PrivacyError.proofRejected("\(v.name) is out of range")
        }
        let (eInt, eScalar) = Self.challenge(v, pk, c, shift, commitment, a, b, params, context)
        let lhs = (pk.encodeResidue(z.shiftedLeft(shift)) * w.powPublic(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let rhs = (a * c.value.powPublic(eInt, mod: pk.nSquared)).mod(pk.nSquared)
        guard lhs.compare(rhs) == 0 else { throw PrivacyError.proofRejected("\(v.name): the ciphertext side does not verify") }
        guard Self.scalar(z) * params.g + t * params.h == b + eScalar * commitment.point else {
            throw PrivacyError.proofRejected("\(v.name): the ciphertext does not encrypt the committed value")
        }
    }

    /// The one transcript builder: the challenge as an integer and as a scalar (the same number).
    static func challenge(_ v: Variant, _ pk: PaillierPublicKey, _ c: PaillierCiphertext, _ shift: Int, _ cm: PedersenCommitment,
                          _ a: MPZ, _ b: Point, _ p: PedersenParameters, _ ctx: [UInt8]) -> (MPZ, Scalar) {
        var t = Transcript(label: v.domain)
        t.append(label: "context", ctx)
        p.appendTo(&t)
        t.append(label: "N", pk.modulus)
        if v.bindsShift { t.append(label: "shift", UInt64(shift)) } else { precondition(shift == 0) }
        t.append(label: "c", c.bytes)
        t.append(label: "C", cm.point)
        t.append(label: "A", a.bytes(length: pk.ciphertextByteCount)!)
        t.append(label: "B", b)
        let e = MPZ(bytes: t.challengeBytes(label: "challenge", count: v.challengeBits / 8))
        return (e, scalar(e))
    }

    /// An integer (any sign, < 2^512) as a scalar mod ℓ.
    static func scalar(_ v: MPZ) -> Scalar {
        let mag = v.sign < 0 ? -v : v
        let s = Scalar.reduce(Array(mag.bytes(length: 64)!.reversed()))
        return v.sign < 0 ? -s : s
    }

    var bytes: [UInt8] {
        a.bytes(length: 2 * modulusBytes)! + b.bytes + [z.sign < 0 ? 1 : 0] + (z.sign < 0 ? -z : z).bytes(length: 32)!
            + w.bytes(length: modulusBytes)! + t.bytes
    }

    /// Encoded size under a key with an N of `modulusBytes` bytes.
    static func byteCount(modulusBytes nn: Int) -> Int { 3 * nn + 97 }

    init(_ v: Variant, bytes: [UInt8], publicKey pk: PaillierPublicKey) throws {
        let nc = pk.ciphertextByteCount, nn = pk.modulusByteCount
        guard bytes.count == Self.byteCount(modulusBytes: nn) else { throw PrivacyError.malformedEncoding("\(v.name) has \(bytes.count) bytes") }
        var i = 0
        func take(_ k: Int) -> [UInt8] { defer { i += k }; return Array(bytes[i..<(i + k)]) }
        let a = MPZ(bytes: take(nc)), b = try Point(canonical: take(32))
        let sign = take(1)[0], mag = MPZ(bytes: take(32))
        guard sign <= 1, !(sign == 1 && mag.isZero) else { throw PrivacyError.malformedEncoding("\(v.name) response sign") }
        let w = MPZ(bytes: take(nn)), t = try Scalar(canonical: take(32))
        self.init(a: a, b: b, z: sign == 1 ? -mag : mag, w: w, t: t, modulusBytes: nn)
    }

    init(a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar, modulusBytes: Int) { self.a = a; self.b = b; self.z = z; self.w = w; self.t = t; self.modulusBytes = modulusBytes }
}
