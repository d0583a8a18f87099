internal import CGMP
import GridClearCore

/// Fixed-base randomiser for fast public-key Paillier encryption (Damgård–Jurik–Nielsen):
/// h = −x² mod N for a random x, h_s = h^N mod N², and each randomiser is h_s^α for a
/// fresh α of ⌈bits/2⌉ bits from the caller's generator, computed from a precomputed table
/// of h_s^(d·2^(8i)) (one row per byte of α, d = 1…255): one Montgomery multiplication per
/// non-zero byte of α (64 at 1024-bit keys) instead of a full exponentiation by N.
///
/// Guarantees: the result is an N-th residue, so ciphertexts decrypt exactly like standard
/// ones (python-paillier decrypts them); semantic security rests on DCR plus the DJN
/// short-exponent assumption (as in Intel's pailliercryptolib) — use `encrypt` where only
/// textbook Paillier randomness is acceptable. The table (bits/16 × 255 entries of 2·bits
/// bits: 4 MiB at 1024-bit keys) lives in Montgomery form in one buffer owned by this
/// object; it is built once per key, lazily and thread-safely, and only read afterwards.
/// Table look-ups depend on α (variable time, like the windowed exponentiation before it).
final class PaillierFixedBase: @unchecked Sendable {
    static let rowLength = 255
    let exponentBits: Int
    /// Bytes of α (one table row each).
    let windows: Int
    /// Limbs of N².
    private let limbs: Int
    private let modulus: UnsafeMutablePointer<UInt>
    private let minv: UInt
    /// The base h_s (public: a random N-th residue).
    let hs: MPZ
    private let table: UnsafeMutablePointer<UInt>   // table[(i·255 + d − 1)·limbs …] = h_s^(d·2^(8i))·R mod N²

    init<G: RandomNumberGenerator>(n: MPZ, nSquared: MPZ, using rng: inout G) {
        exponentBits = (n.bitWidth + 1) / 2
        windows = (exponentBits + 7) / 8
        let limbs = nSquared.limbCount, modulus = UnsafeMutablePointer<UInt>.allocate(capacity: limbs)
        nSquared.withPtr { _ = gc_gmp_get_limbs(modulus, limbs, $0) }
        self.limbs = limbs
        self.modulus = modulus
        let minv = gc_mont_minv(modulus[0])
        self.minv = minv
        let x = MPZ.randomUnit(mod: n, using: &rng)
        let h = (-(x * x)).mod(n)
        let hs = h.powPublic(n, mod: nSquared)
        self.hs = hs
        let rowSize = Self.rowLength * limbs
        let table = UnsafeMutablePointer<UInt>.allocate(capacity: windows * rowSize)
        self.table = table
        let base = UnsafeMutablePointer<UInt>.allocate(capacity: limbs)
        let scratch = UnsafeMutablePointer<UInt>.allocate(capacity: 2 * limbs)
        defer { base.deallocate(); scratch.deallocate() }
        hs.shiftedLeft(64 * limbs).mod(nSquared).withPtr { _ = gc_gmp_get_limbs(base, limbs, $0) }   // Montgomery form
        for i in 0..<windows {
            let row = table + i * rowSize
            row.update(from: base, count: limbs)
            for d in 1..<Self.rowLength { gc_mont_mul(row + d * limbs, row + (d - 1) * limbs, base, modulus, limbs, minv, scratch) }
            gc_mont_mul(base, row + (Self.rowLength - 1) * limbs, base, modulus, limbs, minv, scratch)   // base^(2^8)
        }
    }

    /// A table read back from `serialized(fingerprint:)` (another process built it for the same
    /// key). Checks the header (format, the key's fingerprint, sizes, exact length), that the
    /// base is a unit below N², and each row's first step: T[i][1] = T[i][0]² and
    /// T[i+1][0] = T[i][254]·T[i][0]. The other entries are trusted — load only a table
    /// from a party trusted with this process's encryption randomness (`rci run`, which
    /// spawns the process).
    init(serialized bytes: [UInt8], n: MPZ, nSquared: MPZ, fingerprint: [UInt8]) throws {
        exponentBits = (n.bitWidth + 1) / 2
        windows = (exponentBits + 7) / 8
        let limbs = nSquared.limbCount
        let header = Self.magic.count + fingerprint.count + 12
        let entries = windows * Self.rowLength
        guard bytes.count == header + 8 * limbs * (1 + entries),
              Array(bytes.prefix(Self.magic.count)) == Self.magic,
              Array(bytes[Self.magic.count..<(Self.magic.count + fingerprint.count)]) == fingerprint else {
            throw PrivacyError.malformedEncoding("fixed-base table: not a table for this Paillier key")
        }
        var r = ByteReader(Array(bytes[(Self.magic.count + fingerprint.count)..<header]))
        guard try r.u32() == UInt32(exponentBits), try r.u32() == UInt32(windows), try r.u32() == UInt32(limbs) else {
            throw PrivacyError.malformedEncoding("fixed-base table: sizes differ from this key's")
        }
        self.limbs = limbs
        let modulus = UnsafeMutablePointer<UInt>.allocate(capacity: limbs)
        nSquared.withPtr { _ = gc_gmp_get_limbs(modulus, limbs, $0) }
        self.modulus = modulus
        minv = gc_mont_minv(modulus[0])
        let table = UnsafeMutablePointer<UInt>.allocate(capacity: entries * limbs)
        self.table = table
        let base = UnsafeMutablePointer<UInt>.allocate(capacity: limbs)
        defer { base.deallocate() }
        bytes.withUnsafeBytes { raw in
            for j in 0..<limbs { base[j] = UInt(littleEndian: raw.loadUnaligned(fromByteOffset: header + 8 * j, as: UInt.self)) }
            let start = header + 8 * limbs
            for j in 0..<(entries * limbs) { table[j] = UInt(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * j, as: UInt.self)) }
        }
        let hs = MPZ()
        hs.withPtr { gc_gmp_set_limbs($0, base, limbs) }
        self.hs = hs
        guard hs.sign > 0, hs.compare(nSquared) < 0, hs.gcd(n).compare(1) == 0, checkRowSteps() else {
            throw PrivacyError.malformedEncoding("fixed-base table: inconsistent entries")
        }
    }

    private static let magic = Array("GridClear/Paillier/fixed-base/v1".utf8)

    /// The table for another process using the same key (see `init(serialized:…)`): a header
    /// (format, fingerprint, exponent bits, rows, limbs), h_s and the rows, little-endian limbs.
    func serialized(fingerprint: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Self.magic); w.raw(fingerprint)
        w.u32(UInt32(exponentBits)); w.u32(UInt32(windows)); w.u32(UInt32(limbs))
        var out = w.bytes
        let entries = windows * Self.rowLength
        out.reserveCapacity(out.count + 8 * limbs * (1 + entries))
        let base = UnsafeMutablePointer<UInt>.allocate(capacity: limbs)
        defer { base.deallocate() }
        hs.withPtr { _ = gc_gmp_get_limbs(base, limbs, $0) }
        func put(_ x: UInt) { withUnsafeBytes(of: x.littleEndian) { out.append(contentsOf: $0) } }
        for j in 0..<limbs { put(base[j]) }
        for j in 0..<(entries * limbs) { put(table[j]) }
        return out
    }

    /// T[i][1] = T[i][0]² and T[i+1][0] = T[i][254]·T[i][0] (Montgomery products) for every row.
    private func checkRowSteps() -> Bool {
        let scratch = UnsafeMutablePointer<UInt>.allocate(capacity: 3 * limbs)
        defer { scratch.deallocate() }
        let out = scratch + 2 * limbs
        let rowSize = Self.rowLength * limbs
        for i in 0..<windows {
            let row = table + i * rowSize
            gc_mont_mul(out, row, row, modulus, limbs, minv, scratch)
            if !(0..<limbs).allSatisfy({ out[$0] == row[limbs + $0] }) { return false }
            if i + 1 < windows {
                gc_mont_mul(out, row + (Self.rowLength - 1) * limbs, row, modulus, limbs, minv, scratch)
                if !(0..<limbs).allSatisfy({ out[$0] == row[rowSize + $0] }) { return false }
            }
        }
        return true
    }

    deinit {
        table.deallocate()
        modulus.deallocate()
    }

    /// h_s^α for a fresh random α.
    func randomizer<G: RandomNumberGenerator>(using rng: inout G) -> MPZ {
        var digits = rng.bytes(windows)
        if exponentBits % 8 != 0 { digits[windows - 1] &= UInt8((1 << (exponentBits % 8)) - 1) }
        defer { wipe(&digits) }
        return power(digits)
    }

    /// h_s^α for α given as `windows` little-endian bytes (below 2^exponentBits).
    func power(_ digits: [UInt8]) -> MPZ {
        precondition(digits.count == windows, "α must have \(windows) bytes")
        let r = MPZ()
        withUnsafeTemporaryAllocation(of: UInt.self, capacity: 4 * limbs) { buf in
            let out = buf.baseAddress!, scratch = out + limbs
            digits.withUnsafeBufferPointer { d in
                gc_mont_fixed_base(out, table, Self.rowLength, d.baseAddress, windows, modulus, limbs, minv, scratch)
            }
            r.withPtr { gc_gmp_set_limbs($0, out, limbs) }
            buf.update(repeating: 0)   // intermediate products of the secret α
        }
        return r
    }
}

extension PaillierPublicKey {
    /// Encrypts with the fixed-base DJN randomiser (see `PaillierFixedBase`): several times
    /// faster than `encrypt`; the first call builds a per-key table (~ bits/16 × 255 entries).
    public func encryptFast(_ m: Int64) throws -> PaillierCiphertext {
        var rng = SystemCSPRNG()
        return try encryptFast(m, using: &rng)
    }

    /// `encryptFast` with the exponent α drawn from `rng` (the caller's generator: the system
    /// CSPRNG in production, a seeded one for reproducible runs).
    public func encryptFast<G: RandomNumberGenerator>(_ m: Int64, using rng: inout G) throws -> PaillierCiphertext {
        let rn = fixedBase.randomizer(using: &rng)
        defer { rn.wipe() }
        return PaillierCiphertext(value: (encodeResidue(MPZ(Int(m))) * rn).mod(nSquared), key: self)
    }
}

extension PaillierPrivateKey {
    /// Encryption by the key holder using the factorisation: r^N mod N² computed by CRT
    /// (mod p² and q², exponents reduced mod φ), with r fresh from the system CSPRNG.
    /// Textbook Paillier randomness, about 3× faster than `PaillierPublicKey.encrypt`.
    public func encrypt(_ m: Int64) throws -> PaillierCiphertext {
        var rng = SystemCSPRNG()
        let pk = publicKey
        let r = MPZ.randomUnit(mod: pk.n, using: &rng)
        defer { r.wipe() }
        // r^N mod p² = r^(N mod p(p−1)) mod p² for gcd(r, p) = 1.
        let xp = r.mod(pSquared).powSecret(nModPhiP2, mod: pSquared)
        let xq = r.mod(qSquared).powSecret(nModPhiQ2, mod: qSquared)
        // CRT: x = xq + q²·((xp − xq)·(q²)⁻¹ mod p²)
        let rn = xq + qSquared * ((xp - xq) * qSquaredInvModPSquared).mod(pSquared)
        return PaillierCiphertext(value: (pk.encodeResidue(MPZ(Int(m))) * rn).mod(pk.nSquared), key: pk)
    }
}
