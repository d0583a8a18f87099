/// Proof of knowledge of an opening (v, r) of C = v·G + r·H (Schnorr–Okamoto Sigma protocol, Fiat–Shamir).
///
/// Guarantees: the challenge binds G, H, C, the commitment A, the domain label and
/// the caller's context; verification rejects any changed byte or public input.
public struct OpeningProof: Sendable, Equatable {
    public let a: Point
    public let zValue: Scalar
    public let zBlinding: Scalar
    static let domain = "GridClear/proof/opening/v1"

    public static func prove(_ c: PedersenCommitment, opening: PedersenOpening, params: PedersenParameters = .standard, context: [UInt8] = []) -> OpeningProof {
        var rng = SystemCSPRNG(); return prove(c, opening: opening, params: params, context: context, using: &rng)
    }

    public static func prove<R: RandomNumberGenerator>(_ c: PedersenCommitment, opening: PedersenOpening, params: PedersenParameters = .standard, context: [UInt8] = [], using rng: inout R) -> OpeningProof {
        let k1 = Scalar.random(using: &rng), k2 = Scalar.random(using: &rng)
        let a = k1 * params.g + k2 * params.h
        var t = transcript(c, a, params, context)
        let e = t.challengeScalar(label: "challenge")
        return OpeningProof(a: a, zValue: k1 + e * Scalar(opening.value), zBlinding: k2 + e * opening.blinding)
    }

    public func verify(_ c: PedersenCommitment, params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Self.transcript(c, a, params, context)
        let e = t.challengeScalar(label: "challenge")
        guard zValue * params.g + zBlinding * params.h == a + e * c.point else { throw PrivacyError.proofRejected("opening proof does not verify") }
    }

    private static func transcript(_ c: PedersenCommitment, _ a: Point, _ p: PedersenParameters, _ ctx: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        p.appendTo(&t)
        t.append(label: "C", c.point)
        t.append(label: "A", a)
        return t
    }

    public var bytes: [UInt8] { a.bytes + zValue.bytes + zBlinding.bytes }
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 96 else { throw PrivacyError.malformedEncoding("opening proof must be 96 bytes") }
        self.init(a: try Point(canonical: Array(bytes[0..<32])), zValue: try Scalar(canonical: Array(bytes[32..<64])), zBlinding: try Scalar(canonical: Array(bytes[64..<96])))
    }
    init(a: Point, zValue: Scalar, zBlinding: Scalar) { self.a = a; self.zValue = zValue; self.zBlinding = zBlinding }
}

/// Proof that two commitments hide the same value: C1 − C2 = (r1 − r2)·H, a Schnorr
/// proof of the discrete log of C1 − C2 with respect to H.
public struct EqualityProof: Sendable, Equatable {
    public let a: Point
    public let z: Scalar
    static let domain = "GridClear/proof/equality/v1"

    public static func prove(_ c1: PedersenCommitment, _ o1: PedersenOpening, _ c2: PedersenCommitment, _ o2: PedersenOpening,
                             params: PedersenParameters = .standard, context: [UInt8] = []) throws -> EqualityProof {
        var rng = SystemCSPRNG(); return try prove(c1, o1, c2, o2, params: params, context: context, using: &rng)
    }

    public static func prove<R: RandomNumberGenerator>(_ c1: PedersenCommitment, _ o1: PedersenOpening, _ c2: PedersenCommitment, _ o2: PedersenOpening,
                                                      params: PedersenParameters = .standard, context: [UInt8] = [], using rng: inout R) throws -> EqualityProof {
        guard o1.value == o2.value else { throw PrivacyError.statementFalse("the commitments hide different values") }
        let k = Scalar.random(using: &rng)
        let a = k * params.h
        var t = transcript(c1, c2, a, params, context)
        let e = t.challengeScalar(label: "challenge")
        return EqualityProof(a: a, z: k + e * (o1.blinding - o2.blinding))
    }

    public func verify(_ c1: PedersenCommitment, _ c2: PedersenCommitment, params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Self.transcript(c1, c2, a, params, context)
        let e = t.challengeScalar(label: "challenge")
        guard z * params.h == a + e * (c1 - c2).point else { throw PrivacyError.proofRejected("equality proof does not verify") }
    }

    private static func transcript(_ c1: PedersenCommitment, _ c2: PedersenCommitment, _ a: Point, _ p: PedersenParameters, _ ctx: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        p.appendTo(&t)
        t.append(label: "C1", c1.point); t.append(label: "C2", c2.point)
        t.append(label: "A", a)
        return t
    }

    public var bytes: [UInt8] { a.bytes + z.bytes }
    public init(bytes: [UInt8]) throws {
        guard bytes.count == 64 else { throw PrivacyError.malformedEncoding("equality proof must be 64 bytes") }
        self.init(a: try Point(canonical: Array(bytes[0..<32])), z: try Scalar(canonical: Array(bytes[32..<64])))
    }
    init(a: Point, z: Scalar) { self.a = a; self.z = z }
}
