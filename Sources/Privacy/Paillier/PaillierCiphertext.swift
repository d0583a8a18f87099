/// A Paillier ciphertext bound to the key that made or validated it.
///
/// Guarantees: its value c satisfies 0 < c < N² and gcd(c, N) = 1; it serialises
/// to exactly `publicKey.ciphertextByteCount` big-endian bytes.
public struct PaillierCiphertext: @unchecked Sendable {
    let value: MPZ
    let keyFingerprint: [UInt8]
    let byteCount: Int

    init(value: MPZ, key: PaillierPublicKey) {
        self.value = value
        self.keyFingerprint = key.fingerprint
        self.byteCount = key.ciphertextByteCount
    }

    /// Fixed-length big-endian encoding.
    public var bytes: [UInt8] { value.bytes(length: byteCount)! }

    /// Parses and validates a ciphertext for `publicKey`: exact length, 0 < c < N², gcd(c, N) = 1.
    public init(bytes: [UInt8], publicKey: PaillierPublicKey) throws {
        guard bytes.count == publicKey.ciphertextByteCount else {
            throw PrivacyError.invalidCiphertext("length \(bytes.count), expected \(publicKey.ciphertextByteCount)")
        }
        let c = MPZ(bytes: bytes)
        try self.init(validating: c, publicKey: publicKey)
    }

    /// Parses a ciphertext given as a decimal integer (python-paillier's `ciphertext()`).
    public init(decimal: String, publicKey: PaillierPublicKey) throws {
        guard let c = MPZ(decimal: decimal) else { throw PrivacyError.invalidCiphertext("not a decimal integer") }
        try self.init(validating: c, publicKey: publicKey)
    }

    init(validating c: MPZ, publicKey: PaillierPublicKey) throws {
        guard c.sign > 0 else { throw PrivacyError.invalidCiphertext("c must be positive") }
        guard c.compare(publicKey.nSquared) < 0 else { throw PrivacyError.invalidCiphertext("c must be below N²") }
        guard c.gcd(publicKey.n).compare(1) == 0 else { throw PrivacyError.invalidCiphertext("c shares a factor with N") }
        self.init(value: c, key: publicKey)
    }

    /// Enc(Σ m_i) from serialised ciphertexts of m_i (the homomorphic sum of all of them),
    /// each checked like `init(bytes:publicKey:)` — exact length, 0 < c < N² — and the
    /// coprimality to N checked once, on the product: a prime factor of N divides the product
    /// of the c_i exactly when it divides one of them. One gcd instead of one per ciphertext.
    public init(validatingProductOf list: [[UInt8]], publicKey: PaillierPublicKey) throws {
        guard let first = list.first else { throw PrivacyError.invalidCiphertext("empty product") }
        func value(_ bytes: [UInt8]) throws -> MPZ {
            guard bytes.count == publicKey.ciphertextByteCount else {
                throw PrivacyError.invalidCiphertext("length \(bytes.count), expected \(publicKey.ciphertextByteCount)")
            }
            let c = MPZ(bytes: bytes)
            guard c.sign > 0 else { throw PrivacyError.invalidCiphertext("c must be positive") }
            guard c.compare(publicKey.nSquared) < 0 else { throw PrivacyError.invalidCiphertext("c must be below N²") }
            return c
        }
        var acc = try value(first)
        for bytes in list.dropFirst() { acc = (acc * (try value(bytes))).mod(publicKey.nSquared) }
        guard acc.gcd(publicKey.n).compare(1) == 0 else { throw PrivacyError.invalidCiphertext("a ciphertext shares a factor with N") }
        self.init(value: acc, key: publicKey)
    }

    /// The ciphertext as a decimal integer (python-paillier's representation).
    public var decimal: String { value.decimal }
}

extension PaillierCiphertext: Equatable {
    public static func == (a: PaillierCiphertext, b: PaillierCiphertext) -> Bool {
        a.keyFingerprint == b.keyFingerprint && a.value.compare(b.value) == 0
    }
}
