/// One trustee's Shamir share f(i) of a secret over Z_ℓ. Index 0 is forbidden (it is the secret).
public struct SecretShare: Sendable, Equatable {
    public let index: UInt32
    public let value: Scalar
    public init(index: UInt32, value: Scalar) { self.index = index; self.value = value }
}

/// Feldman commitments A_j = a_j·G to the coefficients of the sharing polynomial.
/// A_0 = x·G is the public key of the shared secret.
public struct FeldmanCommitments: Sendable, Equatable {
    public let coefficients: [Point]
    public var threshold: Int { coefficients.count }
    public var publicKey: Point { coefficients[0] }

    /// The public verification key of trustee i: f(i)·G = Σ_j A_j·i^j.
    public func verificationKey(index: UInt32) -> Point {
        var acc = Point.identity, pow = Scalar.one
        let x = Scalar(UInt64(index))
        for a in coefficients { acc = acc + pow * a; pow = pow * x }
        return acc
    }

    /// Throws unless `share` is consistent with these commitments.
    public func verify(_ share: SecretShare) throws {
        guard share.index != 0 else { throw PrivacyError.invalidShare("index 0 is the secret itself") }
        guard Point.baseMultiply(share.value) == verificationKey(index: share.index) else {
            throw PrivacyError.invalidShare("share \(share.index) does not match the Feldman commitments")
        }
    }
}

/// (t, n) Shamir sharing with Feldman verification over the Ristretto255 scalar field.
///
/// Guarantees: any t valid shares determine the secret, t − 1 reveal nothing; every
/// share can be checked against the public commitments; reconstruction rejects
/// zero, duplicate and unverifiable shares.
public enum FeldmanSharing {
    public static func deal<R: RandomNumberGenerator>(secret: Scalar, threshold t: Int, trustees n: Int, using rng: inout R) throws -> (shares: [SecretShare], commitments: FeldmanCommitments) {
        guard t >= 1, t <= n, n < Int(UInt32.max) else { throw PrivacyError.invalidShare("need 1 ≤ t ≤ n (t = \(t), n = \(n))") }
        let coeffs = [secret] + (1..<t).map { _ in Scalar.random(using: &rng) }
        let shares = (1...n).map { i -> SecretShare in
            let x = Scalar(UInt64(i))
            var acc = Scalar.zero
            for c in coeffs.reversed() { acc = acc * x + c }   // Horner
            return SecretShare(index: UInt32(i), value: acc)
        }
        return (shares, FeldmanCommitments(coefficients: coeffs.map { Point.baseMultiply($0) }))
    }

    /// Lagrange coefficients at 0 for the given distinct non-zero indices.
    static func lagrangeAtZero(_ indices: [UInt32]) throws -> [Scalar] {
        try checkIndices(indices)
        return try indices.map { i in
            var num = Scalar.one, den = Scalar.one
            let xi = Scalar(UInt64(i))
            for j in indices where j != i {
                let xj = Scalar(UInt64(j))
                num = num * xj
                den = den * (xj - xi)
            }
            return num * (try den.inverse())
        }
    }

    static func checkIndices(_ indices: [UInt32]) throws {
        guard !indices.contains(0) else { throw PrivacyError.invalidShare("index 0") }
        guard Set(indices).count == indices.count else { throw PrivacyError.invalidShare("duplicate share index") }
    }

    /// Reconstructs the secret from ≥ t verified shares (uses the first t).
    public static func reconstruct(_ shares: [SecretShare], commitments: FeldmanCommitments) throws -> Scalar {
        try checkIndices(shares.map(\.index))
        for s in shares { try commitments.verify(s) }
        guard shares.count >= commitments.threshold else { throw PrivacyError.insufficientShares(have: shares.count, need: commitments.threshold) }
        let use = Array(shares.prefix(commitments.threshold))
        let l = try lagrangeAtZero(use.map(\.index))
        var acc = Scalar.zero
        for (s, c) in zip(use, l) { acc += s.value * c }
        return acc
    }
}
