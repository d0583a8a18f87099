/// Proof that C_g hides v_g ≥ v_s hidden by C_s: a range proof that C_g − C_s hides a
/// value in [0, 2^bits − 1] (so also v_g − v_s < 2^bits).
public struct GreaterOrEqualProof: Sendable, Equatable {
    public let range: RangeProof
    public let bits: Int
    static let domain = "GridClear/proof/geq/v1"

    public static func prove(_ cg: PedersenCommitment, _ og: PedersenOpening, _ cs: PedersenCommitment, _ os: PedersenOpening,
                             bits: Int = 32, params: PedersenParameters = .standard, context: [UInt8] = []) throws -> GreaterOrEqualProof {
        var rng = SystemCSPRNG()
        return try prove(cg, og, cs, os, bits: bits, params: params, context: context, using: &rng)
    }

    public static func prove<R: RandomNumberGenerator>(_ cg: PedersenCommitment, _ og: PedersenOpening, _ cs: PedersenCommitment, _ os: PedersenOpening,
                                                      bits: Int = 32, params: PedersenParameters = .standard, context: [UInt8] = [], using rng: inout R) throws -> GreaterOrEqualProof {
        var t = transcript(cg, cs, bits, params, context)
        let diff = og - os
        let r = try BitDecompositionRangeProver().prove(cg - cs, opening: diff, lo: 0, hi: maxValue(bits), params: params, transcript: &t, using: &rng)
        return GreaterOrEqualProof(range: r, bits: bits)
    }

    public func verify(_ cg: PedersenCommitment, _ cs: PedersenCommitment, params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Self.transcript(cg, cs, bits, params, context)
        try BitDecompositionRangeProver().verify(range, cg - cs, lo: 0, hi: Self.maxValue(bits), params: params, transcript: &t)
    }

    static func maxValue(_ bits: Int) -> Int64 { precondition((1...63).contains(bits)); return bits == 63 ? .max : (1 << Int64(bits)) - 1 }

    private static func transcript(_ cg: PedersenCommitment, _ cs: PedersenCommitment, _ bits: Int, _ p: PedersenParameters, _ ctx: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        t.append(label: "Cg", cg.point); t.append(label: "Cs", cs.point); t.append(label: "bits", UInt64(bits))
        return t
    }
}

/// Proof that a committed budget b covers energy v at a PUBLIC price p: b ≥ v·p,
/// by a range proof on C_b − p·C_v (which hides b − v·p with blinding r_b − p·r_v).
public struct PublicPriceBudgetProof: Sendable, Equatable {
    public let range: RangeProof
    public let bits: Int
    static let domain = "GridClear/proof/budget-public-price/v1"

    public static func prove(budget cb: PedersenCommitment, _ ob: PedersenOpening, energy cv: PedersenCommitment, _ ov: PedersenOpening,
                             price: Int64, bits: Int = 48, params: PedersenParameters = .standard, context: [UInt8] = []) throws -> PublicPriceBudgetProof {
        var rng = SystemCSPRNG()
        var t = transcript(cb, cv, price, bits, params, context)
        let d = ob - price * ov
        let r = try BitDecompositionRangeProver().prove(cb - price * cv, opening: d, lo: 0, hi: GreaterOrEqualProof.maxValue(bits), params: params, transcript: &t, using: &rng)
        return PublicPriceBudgetProof(range: r, bits: bits)
    }

    public func verify(budget cb: PedersenCommitment, energy cv: PedersenCommitment, price: Int64, params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Self.transcript(cb, cv, price, bits, params, context)
        try BitDecompositionRangeProver().verify(range, cb - price * cv, lo: 0, hi: GreaterOrEqualProof.maxValue(bits), params: params, transcript: &t)
    }

    private static func transcript(_ cb: PedersenCommitment, _ cv: PedersenCommitment, _ price: Int64, _ bits: Int, _ p: PedersenParameters, _ ctx: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        t.append(label: "Cb", cb.point); t.append(label: "Cv", cv.point)
        t.append(label: "price", UInt64(bitPattern: price)); t.append(label: "bits", UInt64(bits))
        return t
    }
}

/// Proof that C_w hides the product w = v·p of the values hidden by C_v and C_p
/// (all three private). Shows knowledge of (p, r_p) opening C_p and of (p, t) with
/// C_w = p·C_v + t·H for the same p.
public struct ProductProof: Sendable, Equatable {
    public let a1: Point, a2: Point
    public let z: Scalar, z1: Scalar, z2: Scalar
    static let domain = "GridClear/proof/product/v1"

    /// Proves; `ow.value` must equal `ov.value * op.value`.
    public static func prove<R: RandomNumberGenerator>(product cw: PedersenCommitment, _ ow: PedersenOpening,
                                                      _ cv: PedersenCommitment, _ ov: PedersenOpening,
                                                      _ cp: PedersenCommitment, _ op: PedersenOpening,
                                                      params: PedersenParameters = .standard, transcript t: inout Transcript, using rng: inout R) throws -> ProductProof {
        let (prod, o) = ov.value.multipliedReportingOverflow(by: op.value)
        guard !o, prod == ow.value else { throw PrivacyError.statementFalse("committed product is not v·p") }
        let tBlind = ow.blinding - Scalar(op.value) * ov.blinding
        let a = Scalar.random(using: &rng), s1 = Scalar.random(using: &rng), s2 = Scalar.random(using: &rng)
        let a1 = a * params.g + s1 * params.h
        let a2 = a * cv.point + s2 * params.h
        appendStatement(&t, cw, cv, cp, a1, a2, params)
        let e = t.challengeScalar(label: "product.challenge")
        let p = Scalar(op.value)
        return ProductProof(a1: a1, a2: a2, z: a + e * p, z1: s1 + e * op.blinding, z2: s2 + e * tBlind)
    }

    public func verify(product cw: PedersenCommitment, _ cv: PedersenCommitment, _ cp: PedersenCommitment,
                       params: PedersenParameters = .standard, transcript t: inout Transcript) throws {
        Self.appendStatement(&t, cw, cv, cp, a1, a2, params)
        let e = t.challengeScalar(label: "product.challenge")
        guard z * params.g + z1 * params.h == a1 + e * cp.point,
              z * cv.point + z2 * params.h == a2 + e * cw.point else { throw PrivacyError.proofRejected("product proof does not verify") }
    }

    private static func appendStatement(_ t: inout Transcript, _ cw: PedersenCommitment, _ cv: PedersenCommitment, _ cp: PedersenCommitment, _ a1: Point, _ a2: Point, _ p: PedersenParameters) {
        t.append(label: "product.domain", Array(domain.utf8))
        p.appendTo(&t)
        t.append(label: "product.Cw", cw.point); t.append(label: "product.Cv", cv.point); t.append(label: "product.Cp", cp.point)
        t.append(label: "product.A1", a1); t.append(label: "product.A2", a2)
    }
}

/// Proof that a committed budget b covers energy v at a PRIVATE committed price p:
/// a commitment C_w to w = v·p, a product proof for it, and a range proof on C_b − C_w.
public struct PrivatePriceBudgetProof: Sendable, Equatable {
    public let productCommitment: PedersenCommitment
    public let product: ProductProof
    public let range: RangeProof
    public let bits: Int
    static let domain = "GridClear/proof/budget-private-price/v1"

    public static func prove(budget cb: PedersenCommitment, _ ob: PedersenOpening, energy cv: PedersenCommitment, _ ov: PedersenOpening,
                             price cp: PedersenCommitment, _ op: PedersenOpening, bits: Int = 48,
                             params: PedersenParameters = .standard, context: [UInt8] = []) throws -> PrivatePriceBudgetProof {
        var rng = SystemCSPRNG()
        let (cw, ow) = params.commit(ov.value * op.value, using: &rng)
        var t = transcript(cb, cv, cp, bits, params, context)
        let pp = try ProductProof.prove(product: cw, ow, cv, ov, cp, op, params: params, transcript: &t, using: &rng)
        let r = try BitDecompositionRangeProver().prove(cb - cw, opening: ob - ow, lo: 0, hi: GreaterOrEqualProof.maxValue(bits), params: params, transcript: &t, using: &rng)
        return PrivatePriceBudgetProof(productCommitment: cw, product: pp, range: r, bits: bits)
    }

    public func verify(budget cb: PedersenCommitment, energy cv: PedersenCommitment, price cp: PedersenCommitment,
                       params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Self.transcript(cb, cv, cp, bits, params, context)
        try product.verify(product: productCommitment, cv, cp, params: params, transcript: &t)
        try BitDecompositionRangeProver().verify(range, cb - productCommitment, lo: 0, hi: GreaterOrEqualProof.maxValue(bits), params: params, transcript: &t)
    }

    private static func transcript(_ cb: PedersenCommitment, _ cv: PedersenCommitment, _ cp: PedersenCommitment, _ bits: Int, _ p: PedersenParameters, _ ctx: [UInt8]) -> Transcript {
        var t = Transcript(label: domain)
        t.append(label: "context", ctx)
        t.append(label: "Cb", cb.point); t.append(label: "Cv", cv.point); t.append(label: "Cp", cp.point); t.append(label: "bits", UInt64(bits))
        return t
    }
}
