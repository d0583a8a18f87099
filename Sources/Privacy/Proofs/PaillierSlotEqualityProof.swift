/// Proof that a Paillier ciphertext c = (1+N)^(2^S·x)·r^N mod N² (x shifted into a packing
/// slot at bit S) and a Pedersen commitment C = x·G + s·H hide the same integer x, for slot
/// values |x| < 2^101: `PaillierPedersenSigma` at bit S with α < 2^245, a 96-bit challenge and
/// |z| < 2^246 (its transcript: the domain label, the caller's context (run, iteration,
/// agents), G, H, N, S, c, C, A, B).
///
/// Guarantees: complete for |x| < 2^101; statistically zero-knowledge (2^-47 slack: α
/// exceeds e·x by 2^47); sound with error 2^-96: an extractor obtains one integer x with
/// |x| < 2^247 < ℓ/2 that is both c's slot value and C's value, so a commitment to a slot
/// value pins the ciphertext's plaintext exactly. Changing any public value (including the
/// context or S) changes the challenge.
public struct PaillierSlotEqualityProof: Sendable {
    let sigma: PaillierPedersenSigma
    static let valueBits = 101
    static let variant = PaillierPedersenSigma.Variant(domain: "GridClear/proof/paillier-slot-equality/v1", name: "slot equality proof",
                                                       challengeBits: 96, alphaBits: 245, zBits: 246, bindsShift: true)

    /// The proof that `opening.ciphertext` hides `opening.value`, the value committed in
    /// `commitment` with `blinding`. Throws when the value is wider than 101 bits.
    public static func prove(_ opening: PaillierSlotOpening, blinding: Scalar, commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                             params: PedersenParameters = .standard, context: [UInt8]) throws -> PaillierSlotEqualityProof {
        let x = PaillierSlotOpening.mpz(opening.value)
        guard x.bitWidth <= valueBits else { throw PrivacyError.proofRejected("slot value wider than \(valueBits) bits") }
        return PaillierSlotEqualityProof(sigma: PaillierPedersenSigma.prove(variant, x: x, randomness: opening.randomness, blinding: blinding,
                                                                            ciphertext: opening.ciphertext, shift: opening.shift, commitment: commitment,
                                                                            publicKey: pk, params: params, context: context))
    }

    /// Throws `proofRejected` unless c (slot at bit `shift`) and C hide the same integer.
    public func verify(_ c: PaillierCiphertext, shift: Int, _ commitment: PedersenCommitment, publicKey pk: PaillierPublicKey,
                       params: PedersenParameters = .standard, context: [UInt8]) throws {
        try sigma.verify(Self.variant, c, shift: shift, commitment, publicKey: pk, params: params, context: context)
    }

    /// Canonical bytes (`PaillierPedersenSigma` encoding).
    public var bytes: [UInt8] { sigma.bytes }

    public init(bytes: [UInt8], publicKey pk: PaillierPublicKey) throws { sigma = try PaillierPedersenSigma(Self.variant, bytes: bytes, publicKey: pk) }

    /// Encoded size under a key with an N of `modulusBytes` bytes.
    public static func byteCount(modulusBytes nn: Int) -> Int { PaillierPedersenSigma.byteCount(modulusBytes: nn) }

    init(sigma: PaillierPedersenSigma) { self.sigma = sigma }
}
