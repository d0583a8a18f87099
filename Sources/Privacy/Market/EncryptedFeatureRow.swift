/// One seller's K-prototypes feature row encrypted under the key holder's Paillier key:
/// Enc(u_c) for every column c and Enc(‖u‖²), where u is the fixed-point form of the
/// weighted, min–max scaled features (`FixedPointFeature`).
///
/// A buyer holding its own plaintext row x computes Enc(‖x − u‖²) =
/// Enc(‖u‖²) · (Π_c Enc(u_c)^{x_c})^{−2} · g^{‖x‖²} without learning anything about u
/// (semantic security of Paillier); the key holder decrypts only that distance.
///
/// Guarantees: every ciphertext belongs to `publicKey` (checked on decode); the squared
/// norm is consistent with the columns only if the seller built it honestly (a dishonest
/// seller distorts only its own distances: documented in `docs/privacy.md`).
public struct EncryptedFeatureRow: Sendable {
    public var columns: [PaillierCiphertext]
    public var squaredNorm: PaillierCiphertext

    public init(columns: [PaillierCiphertext], squaredNorm: PaillierCiphertext) {
        self.columns = columns; self.squaredNorm = squaredNorm
    }

    /// Encrypts the fixed-point row `u` (fresh randomness, or one pool entry per ciphertext).
    public static func encrypt(_ u: [Int64], publicKey pk: PaillierPublicKey, pool: PaillierRandomnessPool? = nil) throws -> EncryptedFeatureRow {
        var norm = PaillierBigInt(0)
        var cols: [PaillierCiphertext] = []
        cols.reserveCapacity(u.count)
        for v in u {
            let b = PaillierBigInt(v)
            norm = norm + b * b
            cols.append(try pool.map { try pk.encrypt(v, pool: $0) } ?? pk.encryptFast(v))
        }
        return EncryptedFeatureRow(columns: cols, squaredNorm: try pool.map { try pk.encrypt(norm, pool: $0) } ?? pk.encryptFast(norm))
    }

    /// Enc(‖x − u‖²) for the buyer's plaintext fixed-point row `x` (same column count).
    /// Costs one exponentiation per non-zero column of x, one inversion and one squaring.
    public func squaredDistance(from x: [Int64], publicKey pk: PaillierPublicKey) -> PaillierCiphertext {
        precondition(x.count == columns.count, "feature rows differ in length: \(x.count) vs \(columns.count)")
        var nx = PaillierBigInt(0)
        var pos: [(PaillierCiphertext, Int64)] = [], neg: [(PaillierCiphertext, Int64)] = []
        for (c, v) in zip(columns, x) {
            let b = PaillierBigInt(v); nx = nx + b * b
            if v > 0 { pos.append((c, v)) } else if v < 0 { neg.append((c, -v)) }
        }
        // cross = Enc(Σ x_c·u_c); the distance is ‖u‖² − 2·cross + ‖x‖².
        let cross = pk.subtract(pk.linearCombination(pos), pk.linearCombination(neg))
        let minusTwoCross = pk.multiply(cross, by: -2)
        return pk.addPlaintext(pk.add(squaredNorm, minusTwoCross), nx)
    }

    /// The row after column `column` moved by −δ (u_c → u_c − δ): Enc(u_c − δ) and
    /// Enc(‖u‖² − 2δ·u_c + δ²). Used when a seller's available energy shrinks by a known trade.
    public func shifted(column: Int, by delta: Int64, publicKey pk: PaillierPublicKey) -> EncryptedFeatureRow {
        guard delta != 0 else { return self }
        var out = self
        let old = columns[column]
        out.columns[column] = pk.addPlaintext(old, -delta)
        let d = PaillierBigInt(delta)
        out.squaredNorm = pk.addPlaintext(pk.add(squaredNorm, pk.multiply(old, by: PaillierBigInt(-2) * d)), d * d)
        return out
    }

    /// Wire form: u16 column count ‖ each ciphertext ‖ the norm (fixed-length ciphertexts).
    public func write(to w: inout MarketWriter) {
        w.u16(columns.count)
        for c in columns { w.ciphertext(c) }
        w.ciphertext(squaredNorm)
    }

    public static func read(from r: inout MarketReader, publicKey pk: PaillierPublicKey) throws -> EncryptedFeatureRow {
        let n = try r.u16()
        guard n <= 64 else { throw PrivacyError.malformedEncoding("feature row of \(n) columns (at most 64)") }
        var cols: [PaillierCiphertext] = []
        for _ in 0..<n { cols.append(try r.ciphertext(pk)) }
        return EncryptedFeatureRow(columns: cols, squaredNorm: try r.ciphertext(pk))
    }
}

/// Fixed-point form of a K-prototypes feature: round(f · 2^48). With features bounded by
/// √α ≤ 2^3 the values fit 52 bits, cross terms 2x·u fit Paillier plaintexts of any
/// supported key, and a decrypted squared distance D gives d = D / 2^96 to within ~1e-14 —
/// far below the 1e-9 resolution at which K-prototypes compares dissimilarities.
public enum FixedPointFeature {
    public static let fractionBits = 48
    public static let one = Double(UInt64(1) << UInt64(fractionBits))

    /// round(f · 2^48); throws for non-finite or oversized features (|f| ≥ 2^14).
    public static func encode(_ f: Double) throws -> Int64 {
        guard f.isFinite, abs(f) < 16_384 else { throw PrivacyError.fixedPointOverflow("feature \(f) is not finite or exceeds 2^14") }
        return Int64((f * one).rounded())
    }

    /// d = D / 2^96 for a decrypted squared distance D.
    public static func decodeSquared(_ d: PaillierBigInt) -> Double { d.doubleValue / (one * one) }
}
