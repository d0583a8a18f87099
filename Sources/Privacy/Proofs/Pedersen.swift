/// Pedersen commitment parameters: C = v·G + r·H over Ristretto255 (SPEC §4.2).
///
/// Guarantees: G is the standard generator; H is derived by hash-to-group from a
/// fixed domain label, so nobody knows log_G(H) and commitments are binding under
/// the discrete-log assumption and perfectly hiding.
public struct PedersenParameters: Sendable, Equatable {
    public let g: Point
    public let h: Point

    /// The project-wide parameters (H from "GridClear/Pedersen/v1/H").
    public static let standard = PedersenParameters(domain: "GridClear/Pedersen/v1/H")

    /// Parameters with H derived from `domain` (for separate deployments).
    public init(domain: String) {
        g = .generator
        h = Point.hashToGroup(domain: domain)
    }

    /// Commits to `value` with a fresh blinding from the system CSPRNG.
    public func commit(_ value: Int64) -> (commitment: PedersenCommitment, opening: PedersenOpening) {
        var rng = SystemCSPRNG()
        return commit(value, using: &rng)
    }

    /// Commits to `value` with blinding drawn from `rng`.
    public func commit<R: RandomNumberGenerator>(_ value: Int64, using rng: inout R) -> (commitment: PedersenCommitment, opening: PedersenOpening) {
        let o = PedersenOpening(value: value, blinding: .random(using: &rng))
        return (commit(o), o)
    }

    /// The commitment for a given opening.
    public func commit(_ o: PedersenOpening) -> PedersenCommitment {
        PedersenCommitment(point: Scalar(o.value) * g + o.blinding * h)
    }

    /// True iff `opening` opens `commitment` (constant-time point comparison).
    public func verify(_ commitment: PedersenCommitment, opens opening: PedersenOpening) -> Bool {
        commit(opening) == commitment
    }

    /// v·G for a public value (a commitment with zero blinding).
    public func publicCommitment(_ value: Int64) -> PedersenCommitment { PedersenCommitment(point: Scalar(value) * g) }

    func appendTo(_ t: inout Transcript) {
        t.append(label: "pedersen.G", g)
        t.append(label: "pedersen.H", h)
    }
}

/// A Pedersen commitment (a Ristretto255 point). Additively homomorphic:
/// C(a) + C(b) = C(a + b), k·C(a) = C(k·a).
public struct PedersenCommitment: Sendable, Hashable {
    public let point: Point
    public init(point: Point) { self.point = point }
    public init(bytes: [UInt8]) throws { point = try Point(canonical: bytes) }
    public var bytes: [UInt8] { point.bytes }

    public static func + (a: Self, b: Self) -> Self { Self(point: a.point + b.point) }
    public static func - (a: Self, b: Self) -> Self { Self(point: a.point - b.point) }
    public static func * (k: Int64, c: Self) -> Self { Self(point: Scalar(k) * c.point) }
}

/// The secret opening (value, blinding) of a commitment. Homomorphic like the
/// commitment; integer arithmetic is overflow-checked (traps rather than wraps).
public struct PedersenOpening: Sendable, Equatable {
    public let value: Int64
    public let blinding: Scalar
    public init(value: Int64, blinding: Scalar) { self.value = value; self.blinding = blinding }

    public static func + (a: Self, b: Self) -> Self { Self(value: a.value + b.value, blinding: a.blinding + b.blinding) }
    public static func - (a: Self, b: Self) -> Self { Self(value: a.value - b.value, blinding: a.blinding - b.blinding) }
    public static func * (k: Int64, o: Self) -> Self { Self(value: k * o.value, blinding: Scalar(k) * o.blinding) }
}
