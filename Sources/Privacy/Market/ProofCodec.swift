/// Wire forms of the relation proofs used in market messages (the proofs themselves are
/// defined in `Proofs/`; these encodings are canonical: every field fixed-length or prefixed).
extension MarketWriter {
    public mutating func rangeProof(_ p: RangeProof) { blob(p.bytes) }
    public mutating func geqProof(_ p: GreaterOrEqualProof) { u8(UInt8(p.bits)); rangeProof(p.range) }
    public mutating func budgetProof(_ p: PrivatePriceBudgetProof) {
        u8(UInt8(p.bits)); commitment(p.productCommitment)
        point(p.product.a1); point(p.product.a2); scalar(p.product.z); scalar(p.product.z1); scalar(p.product.z2)
        rangeProof(p.range)
    }
    public mutating func openingProof(_ p: OpeningProof) { w.raw(p.bytes) }
    public mutating func certificate(_ c: PseudonymCertificate) { blob(c.serialize()) }
}

extension MarketReader {
    public mutating func rangeProof() throws -> RangeProof { try RangeProof(bytes: try blob(max: 1 << 16)) }
    public mutating func geqProof() throws -> GreaterOrEqualProof {
        let bits = Int(try u8())
        guard (1...63).contains(bits) else { throw PrivacyError.malformedEncoding("proof bit width \(bits)") }
        return GreaterOrEqualProof(range: try rangeProof(), bits: bits)
    }
    public mutating func budgetProof() throws -> PrivatePriceBudgetProof {
        let bits = Int(try u8())
        guard (1...63).contains(bits) else { throw PrivacyError.malformedEncoding("proof bit width \(bits)") }
        let cw = try commitment()
        let pp = ProductProof(a1: try point(), a2: try point(), z: try scalar(), z1: try scalar(), z2: try scalar())
        return PrivatePriceBudgetProof(productCommitment: cw, product: pp, range: try rangeProof(), bits: bits)
    }
    public mutating func openingProof() throws -> OpeningProof { try OpeningProof(bytes: try raw(96)) }
    public mutating func certificate() throws -> PseudonymCertificate { try PseudonymCertificate(serialized: try blob(max: 4096)) }
}

extension FeldmanCommitments {
    /// Commitments received from the dealer (e.g. in a trustee's setup); verify shares against them.
    public init(publicCoefficients: [Point]) { self.init(coefficients: publicCoefficients) }
}
