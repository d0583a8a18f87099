/// Fixed-base randomiser for fast public-key Paillier encryption (Damgård–Jurik–Nielsen):
/// h = −x² mod N for a random x, h_s = h^N mod N², and each randomiser is h_s^α for a
/// fresh α of ⌈bits/2⌉ bits from the system CSPRNG, computed from a precomputed table
/// of h_s^(d·2^(w·i)) (window w = 6): about bits/12 modular multiplications instead of a
/// full exponentiation by N.
///
/// Guarantees: the result is an N-th residue, so ciphertexts decrypt exactly like standard
/// ones (python-paillier decrypts them); semantic security rests on DCR plus the DJN
/// short-exponent assumption (as in Intel's pailliercryptolib) — use `encrypt` where only
/// textbook Paillier randomness is acceptable. The table is built once per key, lazily and thread-safely.
final class PaillierFixedBase: @unchecked Sendable {
    static let window = 6
    let exponentBits: Int
    private let table: [[MPZ]]   // table[i][d-1] = h_s^(d · 2^(w·i))
    private let nSquared: MPZ

    init<G: RandomNumberGenerator>(n: MPZ, nSquared: MPZ, using rng: inout G) {
        self.nSquared = nSquared
        exponentBits = (n.bitWidth + 1) / 2
        let x = MPZ.randomUnit(mod: n, using: &rng)
        let h = (-(x * x)).mod(n)
        var base = h.powPublic(n, mod: nSquared)
        let windows = (exponentBits + Self.window - 1) / Self.window
        var t: [[MPZ]] = []
        t.reserveCapacity(windows)
        for _ in 0..<windows {
            var row: [MPZ] = [base]
            for _ in 1..<((1 << Self.window) - 1) { row.append((row[row.count - 1] * base).mod(nSquared)) }
            base = (row[row.count - 1] * base).mod(nSquared)   // base^(2^w)
            t.append(row)
        }
        table = t
    }

    /// h_s^α for a fresh random α.
    func randomizer<G: RandomNumberGenerator>(using rng: inout G) -> MPZ {
        var bytes = rng.bytes((exponentBits + 7) / 8)
        defer { wipe(&bytes) }
        // Little-endian digit extraction over the random bytes (bits beyond exponentBits ignored).
        var acc: MPZ? = nil
        let w = Self.window
        for i in 0..<table.count {
            var digit = 0
            for b in 0..<w {
                let bit = i * w + b
                if bit >= exponentBits { break }
                if (bytes[bit >> 3] >> UInt8(bit & 7)) & 1 == 1 { digit |= 1 << b }
            }
            if digit == 0 { continue }
            let e = table[i][digit - 1]
            acc = acc.map { ($0 * e).mod(nSquared) } ?? MPZ(copying: e)
        }
        return acc ?? MPZ(1)
    }
}

extension PaillierPublicKey {
    /// Encrypts with the fixed-base DJN randomiser (see `PaillierFixedBase`): several times
    /// faster than `encrypt`; the first call builds a per-key table (~ bits/6 × 63 entries).
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
