/// ElGamal ciphertext (R, S) = (k·G, M + k·Y) of a group element M under key Y.
public struct ElGamalCiphertext: Sendable, Equatable {
    public let r: Point, s: Point
    public var bytes: [UInt8] { r.bytes + s.bytes }
    public init(r: Point, s: Point) { self.r = r; self.s = s }
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 64 else { throw PrivacyError.malformedEncoding("ElGamal ciphertext must be 64 bytes") }
        r = try Point(canonical: Array(bytes[0..<32])); s = try Point(canonical: Array(bytes[32..<64]))
    }
}

/// A trustee's decryption share D_i = s_i·R with a Chaum–Pedersen proof that
/// log_G(Y_i) = log_R(D_i), where Y_i is the trustee's Feldman verification key.
public struct PartialDecryption: Sendable, Equatable {
    public let index: UInt32
    public let d: Point
    let a1: Point, a2: Point, z: Scalar
    static let domain = "GridClear/threshold/partial-decryption/v1"

    static func transcript(_ index: UInt32, _ c: ElGamalCiphertext, _ yi: Point, _ d: Point, _ a1: Point, _ a2: Point) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "index", UInt64(index)); t.append(label: "R", c.r); t.append(label: "S", c.s)
        t.append(label: "Yi", yi); t.append(label: "D", d); t.append(label: "A1", a1); t.append(label: "A2", a2)
        return t
    }

    /// Throws unless the proof ties D to the trustee's verification key.
    public func verify(for c: ElGamalCiphertext, commitments: FeldmanCommitments) throws {
        guard index != 0 else { throw PrivacyError.invalidShare("index 0") }
        let yi = commitments.verificationKey(index: index)
        var t = Self.transcript(index, c, yi, d, a1, a2)
        let e = t.challengeScalar(label: "challenge")
        guard Point.baseMultiply(z) == a1 + e * yi, z * c.r == a2 + e * d else {
            throw PrivacyError.invalidShare("decryption share \(index) has an invalid proof")
        }
    }
}

/// Threshold ElGamal tracing key (SPEC §4.3): the tracing secret x is Feldman-shared
/// among n trustees; t of them decrypt a tracing tag together without ever
/// reassembling x; t − 1 learn nothing.
public struct ThresholdTracingKey: Sendable {
    public let commitments: FeldmanCommitments
    public var publicKey: Point { commitments.publicKey }
    public var threshold: Int { commitments.threshold }

    /// Deals a fresh key: returns the public part and each trustee's share (distribute privately).
    public static func deal<R: RandomNumberGenerator>(threshold t: Int, trustees n: Int, using rng: inout R) throws -> (key: ThresholdTracingKey, shares: [SecretShare]) {
        var secret = Scalar.random(using: &rng)
        while secret.isZero { secret = Scalar.random(using: &rng) }
        let (shares, comms) = try FeldmanSharing.deal(secret: secret, threshold: t, trustees: n, using: &rng)
        return (ThresholdTracingKey(commitments: comms), shares)
    }

    public init(commitments: FeldmanCommitments) { self.commitments = commitments }

    /// The identity token escrowed in certificates: hash-to-group of the identity.
    public static func identityToken(_ identity: String) -> Point { Point.hashToGroup(domain: "GridClear/trace/identity/v1", Array(identity.utf8)) }

    /// Encrypts `identity`'s token under the tracing key (the tracing tag of a certificate).
    public func tracingTag<R: RandomNumberGenerator>(identity: String, using rng: inout R) -> ElGamalCiphertext {
        let k = Scalar.random(using: &rng)
        return ElGamalCiphertext(r: Point.baseMultiply(k), s: Self.identityToken(identity) + k * publicKey)
    }

    /// A trustee's share of the decryption of `c`, with proof.
    public static func partialDecrypt<R: RandomNumberGenerator>(_ c: ElGamalCiphertext, share: SecretShare, using rng: inout R) -> PartialDecryption {
        let d = share.value * c.r
        let k = Scalar.random(using: &rng)
        let a1 = Point.baseMultiply(k), a2 = k * c.r
        var t = PartialDecryption.transcript(share.index, c, Point.baseMultiply(share.value), d, a1, a2)
        let e = t.challengeScalar(label: "challenge")
        return PartialDecryption(index: share.index, d: d, a1: a1, a2: a2, z: k + e * share.value)
    }

    /// Combines ≥ t verified partial decryptions into the plaintext token M = S − x·R.
    public func combine(_ partials: [PartialDecryption], for c: ElGamalCiphertext) throws -> Point {
        try FeldmanSharing.checkIndices(partials.map(\.index))
        for p in partials { try p.verify(for: c, commitments: commitments) }
        guard partials.count >= threshold else { throw PrivacyError.insufficientShares(have: partials.count, need: threshold) }
        let use = Array(partials.prefix(threshold))
        let l = try FeldmanSharing.lagrangeAtZero(use.map(\.index))
        var xr = Point.identity
        for (p, li) in zip(use, l) { xr = xr + li * p.d }
        return c.s - xr
    }

    /// Traces a tag to one of the `candidates` (the registration authority's identity list).
    public func trace(_ partials: [PartialDecryption], for c: ElGamalCiphertext, candidates: [String]) throws -> String? {
        let token = try combine(partials, for: c)
        return candidates.first { Self.identityToken($0) == token }
    }
}
