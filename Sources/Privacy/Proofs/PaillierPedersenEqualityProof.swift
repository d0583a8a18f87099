/// Proof that a Paillier ciphertext c = (1+N)^x·r^N mod N² and a Pedersen commitment
/// C = x·G + s·H hide the same integer x: `PaillierPedersenSigma` at bit 0 with α < 2^246, a
/// 112-bit challenge and |z| < 2^247 (its transcript: the domain label, the caller's context,
/// G, H, N, c, C, A, B).
///
/// Guarantees: complete for |x| < 2^63; statistically zero-knowledge (72 bits of slack);
/// sound: an extractor obtains one integer x with |x| < 2^248 < ℓ/2 that is both c's
/// signed plaintext and C's value (mod ℓ), so for a commitment to an `Int64` the ciphertext
/// encrypts exactly that `Int64`. Size: 2·|N| + 32 + 33 + |N| + 32 bytes.
public struct PaillierPedersenEqualityProof: Sendable {
    let sigma: PaillierPedersenSigma
    static let variant = PaillierPedersenSigma.Variant(domain: "GridClear/proof/paillier-pedersen-equality/v1", name: "Paillier–Pedersen equality proof",
                                                       challengeBits: 112, alphaBits: 246, zBits: 247, bindsShift: false)

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
        let proof = PaillierPedersenSigma.prove(variant, x: MPZ(Int(x)), randomness: r, blinding: opening.blinding, ciphertext: c, shift: 0,
                                                commitment: commitment, publicKey: pk, params: params, context: context)
        return (c, PaillierPedersenEqualityProof(sigma: proof))
    }

    /// Throws `proofRejected` unless c and C hide the same integer (see the type's guarantees).
    public func verify(_ c: PaillierCiphertext, _ commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                       params: PedersenParameters = .standard, context: [UInt8]) throws {
        try sigma.verify(Self.variant, c, shift: 0, commitment, publicKey: pk, params: params, context: context)
    }

    /// An integer (any sign, < 2^512) as a scalar mod ℓ.
    static func scalar(_ v: MPZ) -> Scalar { PaillierPedersenSigma.scalar(v) }

    /// Canonical bytes (`PaillierPedersenSigma` encoding).
    public var bytes: [UInt8] { sigma.bytes }

    public init(bytes: [UInt8], publicKey pk: PaillierPublicKey) throws { sigma = try PaillierPedersenSigma(Self.variant, bytes: bytes, publicKey: pk) }

    init(sigma: PaillierPedersenSigma) { self.sigma = sigma }
}
