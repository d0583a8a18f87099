/// Proof that a Paillier ciphertext c = (1+N)^x·r^N mod N² and a Pedersen commitment
/// C = x·G + s·H hide the same integer x (plaintext-equality Sigma protocol over the
/// integers, Fiat–Shamir).
///
/// Prover: α uniform in [0, 2^246), ρ ∈ Z_N*, σ ∈ Z_ℓ; A = (1+N)^α·ρ^N mod N²,
/// B = α·G + σ·H; e = 112-bit challenge from a Merlin transcript holding the domain label,
/// the caller's context, G, H, N, c, C, A and B; responses z = α + e·x over the integers,
/// w = ρ·r^e mod N, t = σ + e·s mod ℓ. Verifier: |z| < 2^247, 0 < w < N,
/// (1+N)^z·w^N ≡ A·c^e (mod N²) and z·G + t·H = B + e·C.
///
/// Guarantees: complete for |x| < 2^63; statistically zero-knowledge (72 bits of slack);
/// sound: an extractor obtains one integer x with |x| < 2^248 < ℓ/2 that is both c's
/// signed plaintext and C's value (mod ℓ), so for a commitment to an `Int64` the ciphertext
/// encrypts exactly that `Int64`. Size: 2·|N| + 32 + 33 + |N| + 32 bytes.
public struct PaillierPedersenEqualityProof: Sendable {
    let a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar
    /// Byte length of the key's N (fixes the encoding's length).
    let modulusBytes: Int
    static let domain = "GridClear/proof/paillier-pedersen-equality/v1"
    static let challengeBits = 112, alphaBits = 246, zBits = 247

    /// c = Enc(value; r) with a fresh r, and the proof that c hides `opening.value` — the value committed in `commitment`.
    public static func encryptAndProve(_ opening: PedersenOpening, commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                                       params: PedersenParameters = .standard, context: [UInt8]) -> (ciphertext: PaillierCiphertext, proof: PaillierPedersenEqualityProof) {
        encryptAndProve(value: opening.value, opening, commitment: commitment, publicKey: pk, params: params, context: context)
    }

    /// As above with the encrypted value given separately (tests: a ciphertext that does not match its commitment).
    public static func encryptAndProve(value x: Int64, _ opening: PedersenOpening, commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                                       params: PedersenParameters = .standard, context: [UInt8]) -> (ciphertext: PaillierCiphertext, proof: PaillierPedersenEqualityProof) {
        var rng = SystemCSPRNG()
        let r = MPZ.randomUnit(mod: pk.n, using: &rng)
        defer { r.wipe() }
        let c = PaillierCiphertext(value: (pk.encodeResidue(MPZ(Int(x))) * r.powSecret(pk.n, mod: pk.nSquared)).mod(pk.nSquared), key: pk)
        let alpha = MPZ.random(below: MPZ(1).shiftedLeft(alphaBits), using: &rng)
        let rho = MPZ.randomUnit(mod: pk.n, using: &rng)
        defer { alpha.wipe(); rho.wipe() }
        let sigma = Scalar.random(using: &rng)
        let a = (pk.encodeResidue(alpha) * rho.powSecret(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let b = scalar(alpha) * params.g + sigma * params.h
        let (eInt, eScalar) = challenge(pk, c, commitment, a, b, params, context)
        let z = alpha + eInt * MPZ(Int(x))
        let w = (rho * r.powSecret(eInt, mod: pk.n)).mod(pk.n)
        return (c, PaillierPedersenEqualityProof(a: a, b: b, z: z, w: w, t: sigma + eScalar * opening.blinding, modulusBytes: pk.modulusByteCount))
    }

    /// Throws `proofRejected` unless c and C hide the same integer (see the type's guarantees).
    public func verify(_ c: PaillierCiphertext, _ commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                       params: PedersenParameters = .standard, context: [UInt8]) throws {
        guard c.keyFingerprint == pk.fingerprint else { throw PrivacyError.proofRejected("ciphertext is under another Paillier key") }
        guard modulusBytes == pk.modulusByteCount, z.bitWidth <= Self.zBits, !w.isZero, w.compare(pk.n) < 0, w.gcd(pk.n).compare(1) == 0,
              !a.isZero, a.compare(pk.nSquared) < 0 else {
            throw PrivacyError.proofRejected("Paillier–Pedersen equality proof is out of range")
        }
        let (eInt, eScalar) = Self.challenge(pk, c, commitment, a, b, params, context)
        let lhs = (pk.encodeResidue(z) * w.powPublic(pk.n, mod: pk.nSquared)).mod(pk.nSquared)
        let rhs = (a * c.value.powPublic(eInt, mod: pk.nSquared)).mod(pk.nSquared)
        guard lhs.compare(rhs) == 0 else { throw PrivacyError.proofRejected("Paillier–Pedersen equality proof: the ciphertext side does not verify") }
        guard Self.scalar(z) * params.g + t * params.h == b + eScalar * commitment.point else {
            throw PrivacyError.proofRejected("Paillier–Pedersen equality proof: the ciphertext does not encrypt the committed value")
        }
    }

    /// The 112-bit challenge as an integer and as a scalar (the same number).
    private static func challenge(_ pk: PaillierPublicKey, _ c: PaillierCiphertext, _ cm: PedersenCommitment, _ a: MPZ, _ b: Point,
                                  _ p: PedersenParameters, _ ctx: [UInt8]) -> (MPZ, Scalar) {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        p.appendTo(&t)
        t.append(label: "N", pk.modulus)
        t.append(label: "c", c.bytes)
        t.append(label: "C", cm.point)
        t.append(label: "A", a.bytes(length: pk.ciphertextByteCount)!)
        t.append(label: "B", b)
        let eb = t.challengeBytes(label: "challenge", count: challengeBits / 8)
        let e = MPZ(bytes: eb)
        return (e, scalar(e))
    }

    /// An integer (any sign, < 2^512) as a scalar mod ℓ.
    static func scalar(_ v: MPZ) -> Scalar {
        let mag = v.sign < 0 ? -v : v
        let s = Scalar.reduce(Array(mag.bytes(length: 64)!.reversed()))
        return v.sign < 0 ? -s : s
    }

    // MARK: canonical bytes: A (2|N|) ‖ B (32) ‖ sign(z) (1) ‖ |z| (32) ‖ w (|N|) ‖ t (32)

    public var bytes: [UInt8] {
        a.bytes(length: 2 * modulusBytes)! + b.bytes + [z.sign < 0 ? 1 : 0] + (z.sign < 0 ? -z : z).bytes(length: 32)!
            + w.bytes(length: modulusBytes)! + t.bytes
    }

    public init(bytes: [UInt8], publicKey pk: PaillierPublicKey) throws {
        let nc = pk.ciphertextByteCount, nn = pk.modulusByteCount
        guard bytes.count == nc + 32 + 1 + 32 + nn + 32 else { throw PrivacyError.malformedEncoding("Paillier–Pedersen equality proof has \(bytes.count) bytes") }
        var i = 0
        func take(_ k: Int) -> [UInt8] { defer { i += k }; return Array(bytes[i..<(i + k)]) }
        let a = MPZ(bytes: take(nc)), b = try Point(canonical: take(32))
        let sign = take(1)[0], mag = MPZ(bytes: take(32))
        guard sign <= 1, !(sign == 1 && mag.isZero) else { throw PrivacyError.malformedEncoding("equality proof response sign") }
        let w = MPZ(bytes: take(nn)), t = try Scalar(canonical: take(32))
        self.init(a: a, b: b, z: sign == 1 ? -mag : mag, w: w, t: t, modulusBytes: nn)
    }

    init(a: MPZ, b: Point, z: MPZ, w: MPZ, t: Scalar, modulusBytes: Int) { self.a = a; self.b = b; self.z = z; self.w = w; self.t = t; self.modulusBytes = modulusBytes }
}
