import Crypto
import GridClearSystem

/// A Paillier public key with g = N + 1 (SPEC §4.1).
///
/// Guarantees: immutable after construction (safe to share read-only across
/// threads); every ciphertext it produces or accepts is checked to belong to
/// this key (by fingerprint); encryption draws fresh randomness from the system
/// CSPRNG unless a caller explicitly supplies a generator or a one-use pool entry.
/// Plaintexts are signed: m is encoded as m mod N, residues above N/2 decode as negative.
public final class PaillierPublicKey: @unchecked Sendable {
    let n: MPZ
    let nSquared: MPZ
    let halfN: MPZ
    /// Byte length of N; ciphertexts are exactly twice this.
    public let modulusByteCount: Int
    /// Bit length of N.
    public let bits: Int
    /// 16-byte domain-separated hash of N identifying this key.
    public let fingerprint: [UInt8]

    private let fixedBaseLock = Mutex()
    private var fixedBaseStorage: PaillierFixedBase?
    /// The lazily built DJN fixed-base table (see `encryptFast`).
    var fixedBase: PaillierFixedBase {
        fixedBaseLock.lock(); defer { fixedBaseLock.unlock() }
        if let f = fixedBaseStorage { return f }
        var rng = SystemCSPRNG()
        let f = PaillierFixedBase(n: n, nSquared: nSquared, using: &rng)
        fixedBaseStorage = f
        return f
    }

    /// The fixed-base table as bytes (built now if it was not yet), for another process that
    /// encrypts under this key: `useFixedBaseTable` there skips the build (~16 k Montgomery
    /// products, ≈ 30 ms at 1024 bits). About bits/16 × 255 × 2·bits/8 bytes (4 MiB at 1024).
    public func fixedBaseTable() -> [UInt8] { fixedBase.serialized(fingerprint: fingerprint) }

    /// Adopts a table from `fixedBaseTable()` of this key (made by a party trusted with this
    /// process's encryption randomness; structural checks only, see `PaillierFixedBase`).
    /// Throws `malformedEncoding` when it is not a table for this key; a table already built
    /// or adopted is kept.
    public func useFixedBaseTable(_ bytes: [UInt8]) throws {
        let f = try PaillierFixedBase(serialized: bytes, n: n, nSquared: nSquared, fingerprint: fingerprint)
        fixedBaseLock.lock(); defer { fixedBaseLock.unlock() }
        if fixedBaseStorage == nil { fixedBaseStorage = f }
    }

    init(n: MPZ) {
        self.n = n
        self.nSquared = n * n
        self.halfN = n.shiftedRight(1)
        self.bits = n.bitWidth
        self.modulusByteCount = n.byteWidth
        var h = SHA256()
        h.update(data: Array("GridClear/Paillier/v1/fingerprint".utf8))
        h.update(data: n.minimalBytes)
        self.fingerprint = Array(h.finalize().prefix(16))
    }

    /// A public key from the modulus N given as big-endian bytes (e.g. from python-paillier).
    public convenience init(modulus: [UInt8]) throws {
        let n = MPZ(bytes: modulus)
        guard n.bitWidth >= 512, n.testBit(0) else { throw PrivacyError.malformedEncoding("Paillier modulus must be odd and at least 512 bits") }
        self.init(n: n)
    }

    /// N as big-endian bytes.
    public var modulus: [UInt8] { n.minimalBytes }
    /// N as a decimal string.
    public var modulusDecimal: String { n.decimal }

    /// Fixed ciphertext length = 2 × byte length of N.
    public var ciphertextByteCount: Int { 2 * modulusByteCount }

    /// The largest |m| representable as a signed plaintext (⌊N/2⌋ rounded down, capped by Int64 for the Int64 API).
    var maxSignedPlaintext: MPZ { halfN }

    // MARK: encryption

    /// Encrypts `m` with fresh randomness from the system CSPRNG.
    public func encrypt(_ m: Int64) throws -> PaillierCiphertext {
        var rng = SystemCSPRNG()
        return try encrypt(m, using: &rng)
    }

    /// Encrypts `m` with randomness from `rng` (inject a seeded generator only in tests).
    public func encrypt<G: RandomNumberGenerator>(_ m: Int64, using rng: inout G) throws -> PaillierCiphertext {
        let rn = randomizer(using: &rng)
        return PaillierCiphertext(value: (encodeResidue(MPZ(Int(m))) * rn).mod(nSquared), key: self)
    }

    /// Encrypts a big plaintext given as a signed decimal string (|m| ≤ ⌊N/2⌋).
    public func encrypt(decimal: String) throws -> PaillierCiphertext {
        guard let m = MPZ(decimal: decimal) else { throw PrivacyError.malformedEncoding("not a decimal integer: \(decimal.prefix(40))") }
        guard m.sign >= 0 ? m.compare(halfN) <= 0 : (-m).compare(halfN) <= 0 else {
            throw PrivacyError.plaintextOutOfRange("|m| exceeds N/2")
        }
        var rng = SystemCSPRNG()
        return PaillierCiphertext(value: (encodeResidue(m) * randomizer(using: &rng)).mod(nSquared), key: self)
    }

    /// Encryption with an explicit randomness r (test vectors only: r must be fresh and secret).
    func encrypt(decimal m: String, r: String) throws -> PaillierCiphertext {
        guard let mm = MPZ(decimal: m), let rr = MPZ(decimal: r) else { throw PrivacyError.malformedEncoding("not decimal") }
        return PaillierCiphertext(value: (encodeResidue(mm) * rr.powPublic(n, mod: nSquared)).mod(nSquared), key: self)
    }

    /// 1 + (m mod N)·N mod N², the deterministic part g^m.
    func encodeResidue(_ m: MPZ) -> MPZ {
        let r = m.mod(n)
        return (r * n + 1).mod(nSquared)
    }

    /// r^N mod N² for a fresh unit r.
    func randomizer<G: RandomNumberGenerator>(using rng: inout G) -> MPZ {
        let r = MPZ.randomUnit(mod: n, using: &rng)
        defer { r.wipe() }
        return r.powPublic(n, mod: nSquared)
    }

    // MARK: homomorphic operations

    /// Enc(a + b).
    public func add(_ a: PaillierCiphertext, _ b: PaillierCiphertext) -> PaillierCiphertext {
        check(a); check(b)
        return PaillierCiphertext(value: (a.value * b.value).mod(nSquared), key: self)
    }

    /// Enc(a − b).
    public func subtract(_ a: PaillierCiphertext, _ b: PaillierCiphertext) -> PaillierCiphertext {
        check(a); check(b)
        let inv = b.value.inverse(mod: nSquared)!  // ciphertexts are units by construction/validation
        return PaillierCiphertext(value: (a.value * inv).mod(nSquared), key: self)
    }

    /// Enc(a + m) for a plaintext m (not re-randomised).
    public func addPlaintext(_ a: PaillierCiphertext, _ m: Int64) -> PaillierCiphertext {
        check(a)
        return PaillierCiphertext(value: (a.value * encodeResidue(MPZ(Int(m)))).mod(nSquared), key: self)
    }

    /// Enc(k·a) for a plaintext scalar k, which may be negative (not re-randomised;
    /// k = 0 gives the trivial encryption of 0 — re-randomise before publishing).
    public func multiply(_ a: PaillierCiphertext, by k: Int64) -> PaillierCiphertext {
        check(a)
        if k == 0 { return PaillierCiphertext(value: MPZ(1), key: self) }
        let base = k < 0 ? a.value.inverse(mod: nSquared)! : a.value
        let e = MPZ(bytes: withUnsafeBytes(of: k.magnitude.bigEndian) { Array($0) })
        return PaillierCiphertext(value: base.powPublic(e, mod: nSquared), key: self)
    }

    /// Enc(a) with fresh randomness from the system CSPRNG (unlinkable to `a`).
    public func rerandomize(_ a: PaillierCiphertext) throws -> PaillierCiphertext {
        var rng = SystemCSPRNG()
        return rerandomize(a, using: &rng)
    }

    public func rerandomize<G: RandomNumberGenerator>(_ a: PaillierCiphertext, using rng: inout G) -> PaillierCiphertext {
        check(a)
        return PaillierCiphertext(value: (a.value * randomizer(using: &rng)).mod(nSquared), key: self)
    }

    func check(_ c: PaillierCiphertext) {
        precondition(c.keyFingerprint == fingerprint, "Paillier ciphertext used with a different key")
    }
}

extension PaillierPublicKey: Equatable {
    public static func == (a: PaillierPublicKey, b: PaillierPublicKey) -> Bool { a.n.compare(b.n) == 0 }
}
