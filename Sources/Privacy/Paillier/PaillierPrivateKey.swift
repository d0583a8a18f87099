/// A Paillier private key (the factorisation of N) with CRT decryption.
///
/// Guarantees: generated from the system CSPRNG; secret exponentiations use
/// `mpz_powm_sec` (constant time); every secret integer is zeroed when the key is
/// released; decryption returns signed plaintexts and refuses values that do not
/// fit the requested width instead of wrapping.
public final class PaillierPrivateKey: @unchecked Sendable {
    public let publicKey: PaillierPublicKey
    let p: MPZ, q: MPZ
    let pSquared: MPZ, qSquared: MPZ
    let pMinus1: MPZ, qMinus1: MPZ
    let hp: MPZ, hq: MPZ
    let qInvModP: MPZ
    let nModPhiP2: MPZ, nModPhiQ2: MPZ, qSquaredInvModPSquared: MPZ

    /// Builds the key from its primes; validates that they are distinct probable primes.
    init(p pIn: MPZ, q qIn: MPZ) throws {
        // Canonical order p > q so serialisation is unique.
        let (p, q) = pIn.compare(qIn) > 0 ? (pIn, qIn) : (qIn, pIn)
        guard p.compare(q) != 0, p.isProbablePrime(reps: 30), q.isProbablePrime(reps: 30) else {
            throw PrivacyError.malformedEncoding("Paillier private key: p and q must be distinct primes")
        }
        let n = p * q
        guard n.gcd((p - 1) * (q - 1)).compare(1) == 0 else {
            throw PrivacyError.malformedEncoding("Paillier private key: gcd(N, φ(N)) ≠ 1")
        }
        self.p = p; self.q = q
        self.publicKey = PaillierPublicKey(n: n)
        pSquared = p * p; qSquared = q * q
        pMinus1 = p - 1; qMinus1 = q - 1
        // h_p = L_p(g^{p-1} mod p²)^{-1} mod p with g = N + 1.
        let g = n + 1
        func h(_ prime: MPZ, _ primeSq: MPZ, _ exp: MPZ) -> MPZ? {
            let x = g.mod(primeSq).powSecret(exp, mod: primeSq)
            return ((x - 1).divExact(prime)).inverse(mod: prime)
        }
        guard let hp = h(p, pSquared, pMinus1), let hq = h(q, qSquared, qMinus1), let qi = q.inverse(mod: p) else {
            throw PrivacyError.malformedEncoding("Paillier private key: degenerate primes")
        }
        self.hp = hp; self.hq = hq; self.qInvModP = qi
        nModPhiP2 = n.mod(p * pMinus1); nModPhiQ2 = n.mod(q * qMinus1)
        guard let q2i = qSquared.inverse(mod: pSquared) else { throw PrivacyError.malformedEncoding("Paillier private key: degenerate primes") }
        qSquaredInvModPSquared = q2i
    }

    /// Generates a key with an N of exactly `bits` bits (2048 or 3072; any even size ≥ 512 for tests)
    /// from the system CSPRNG.
    public static func generate(bits: Int) throws -> PaillierPrivateKey {
        var rng = SystemCSPRNG()
        return try generate(bits: bits, using: &rng)
    }

    /// Key generation from an injected generator: only the system CSPRNG is fit for real keys;
    /// seeded generators are for reproducible tests.
    static func generate<G: RandomNumberGenerator>(bits: Int, using rng: inout G) throws -> PaillierPrivateKey {
        guard bits >= 512, bits % 2 == 0, bits <= 8192 else { throw PrivacyError.unsupportedKeySize(bits) }
        let half = bits / 2
        while true {
            let p = randomPrime(bits: half, using: &rng)
            let q = randomPrime(bits: half, using: &rng)
            if p.compare(q) == 0 { continue }
            // |p − q| must not be tiny (Fermat factoring): require a difference in the top 100 bits.
            if (p - q).bitWidth < half - 100 { continue }
            if (p * q).bitWidth != bits { continue }
            if let key = try? PaillierPrivateKey(p: p, q: q) { return key }
        }
    }

    static func randomPrime<G: RandomNumberGenerator>(bits: Int, using rng: inout G) -> MPZ {
        while true {
            var b = rng.bytes((bits + 7) / 8)
            let excess = b.count * 8 - bits
            b[0] &= UInt8(0xFF >> excess)
            b[0] |= UInt8(0xC0 >> excess)       // top two bits set: p·q has exactly 2·bits bits
            b[b.count - 1] |= 1
            let start = MPZ(bytes: b)
            wipeBytes(&b)
            let p = start.nextPrime()
            start.wipe()
            if p.bitWidth == bits { return p }
        }
    }

    // MARK: decryption

    /// The plaintext residue m ∈ [0, N) by CRT.
    func decryptResidue(_ c: PaillierCiphertext) -> MPZ {
        publicKey.check(c)
        let mp = (Self.lFunction(c.value.mod(pSquared).powSecret(pMinus1, mod: pSquared), p) * hp).mod(p)
        let mq = (Self.lFunction(c.value.mod(qSquared).powSecret(qMinus1, mod: qSquared), q) * hq).mod(q)
        // m = mq + q·((mp − mq)·q⁻¹ mod p)
        let m = mq + q * ((mp - mq) * qInvModP).mod(p)
        mp.wipe(); mq.wipe()
        return m
    }

    private static func lFunction(_ x: MPZ, _ d: MPZ) -> MPZ { (x - 1).floorDiv(d) }

    /// Signed plaintext: residues above N/2 are negative. Throws if |m| ≥ 2^63.
    public func decrypt(_ c: PaillierCiphertext) throws -> Int64 {
        let m = decryptSignedBig(c)
        guard let v = m.int64Value, v != Int64.min else {
            throw PrivacyError.plaintextOutOfRange("decrypted |m| ≥ 2^63; use decryptDecimal for big plaintexts")
        }
        return v
    }

    /// Signed plaintext as a decimal string (for plaintexts wider than 64 bits).
    public func decryptDecimal(_ c: PaillierCiphertext) -> String { decryptSignedBig(c).decimal }

    func decryptSignedBig(_ c: PaillierCiphertext) -> MPZ {
        let m = decryptResidue(c)
        return m.compare(publicKey.halfN) > 0 ? m - publicKey.n : m
    }
}
