import GridClearCore
import Testing
@testable import Privacy

@Suite struct GroupAndPedersenTests {
    let pp = PedersenParameters.standard

    @Test func edgeCasesOfTheGroup() throws {
        #expect(Point.baseMultiply(.zero) == .identity)
        #expect(Scalar.zero * Point.generator == .identity)
        #expect(Point.generator - Point.generator == .identity)
        #expect(Point.identity + Point.generator == Point.generator)
        #expect(try Point(canonical: [UInt8](repeating: 0, count: 32)).isIdentity)
        #expect(throws: PrivacyError.self) { try Point(canonical: [UInt8](repeating: 0xFF, count: 32)) }
        #expect(throws: PrivacyError.self) { try Scalar(canonical: [UInt8](repeating: 0xFF, count: 32)) }
        #expect(throws: PrivacyError.self) { try Scalar.zero.inverse() }
        #expect(Scalar(Int64(-5)) + Scalar(UInt64(5)) == .zero)
        #expect(pp.h != pp.g && !pp.h.isIdentity)
        #expect(PedersenParameters(domain: "other").h != pp.h)
    }

    @Test func commitmentsAreHomomorphic() {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<20 {
            let a = Int64.random(in: -1_000_000...1_000_000, using: &rng), b = Int64.random(in: -1_000_000...1_000_000, using: &rng)
            let (ca, oa) = pp.commit(a, using: &rng), (cb, ob) = pp.commit(b, using: &rng)
            #expect(pp.verify(ca + cb, opens: oa + ob))
            #expect(pp.verify(ca - cb, opens: oa - ob))
            #expect(pp.verify(7 * ca, opens: 7 * oa))
            #expect(!pp.verify(ca, opens: PedersenOpening(value: a + 1, blinding: oa.blinding)))
        }
        // zero value with zero blinding is the identity
        #expect(pp.commit(PedersenOpening(value: 0, blinding: .zero)).point.isIdentity)
    }
}

@Suite struct SigmaProofTests {
    let pp = PedersenParameters.standard

    @Test func openingProofAcceptsHonestAndRejectsTampering() throws {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<20 {
            let (c, o) = pp.commit(Int64.random(in: -99...99, using: &rng), using: &rng)
            let p = OpeningProof.prove(c, opening: o, context: [1], using: &rng)
            try p.verify(c, context: [1])
            #expect(throws: PrivacyError.self) { try p.verify(c, context: [2]) }
            let (other, _) = pp.commit(0, using: &rng)
            #expect(throws: PrivacyError.self) { try p.verify(other, context: [1]) }
            var b = p.bytes; b[40] ^= 1
            if let t = try? OpeningProof(bytes: b) { #expect(throws: PrivacyError.self) { try t.verify(c, context: [1]) } }
            #expect(try OpeningProof(bytes: p.bytes) == p)
        }
    }

    @Test func equalityProof() throws {
        var rng = SplitMix64(seed: 6)
        for _ in 0..<20 {
            let v = Int64.random(in: -1000...1000, using: &rng)
            let (c1, o1) = pp.commit(v, using: &rng), (c2, o2) = pp.commit(v, using: &rng)
            let p = try EqualityProof.prove(c1, o1, c2, o2, using: &rng)
            try p.verify(c1, c2)
            #expect(throws: PrivacyError.self) { try p.verify(c2, c1) }   // swapped public inputs
            let (c3, o3) = pp.commit(v + 1, using: &rng)
            #expect(throws: PrivacyError.statementFalse("the commitments hide different values")) { try EqualityProof.prove(c1, o1, c3, o3) }
            #expect(throws: PrivacyError.self) { try p.verify(c1, c3) }
        }
    }
}

@Suite struct RangeProofTests {
    let pp = PedersenParameters.standard

    @Test(arguments: [(Int64(0), Int64(15)), (-5, 5), (100, 100), (0, 1000), (-(1 << 40), 1 << 40), (Int64.min, Int64.max)])
    func acceptsInRangeAndRefusesOutOfRange(lo: Int64, hi: Int64) throws {
        var rng = SplitMix64(seed: UInt64(bitPattern: lo &+ hi))
        var values: [Int64] = [lo, hi]
        for _ in 0..<3 { values.append(Int64.random(in: lo...hi, using: &rng)) }
        for v in values {
            let (c, o) = pp.commit(v, using: &rng)
            let p = try RangeProof.prove(c, opening: o, lo: lo, hi: hi, context: [9], using: &rng)
            try p.verify(c, lo: lo, hi: hi, context: [9])
            #expect(try RangeProof(bytes: p.bytes) == p)
            #expect(throws: PrivacyError.self) { try p.verify(c, lo: lo, hi: hi, context: [8]) }
            if hi > lo { #expect(throws: PrivacyError.self) { try p.verify(c, lo: lo &+ 1, hi: hi, context: [9]) } }
        }
        if hi < Int64.max {
            let (c, o) = pp.commit(hi + 1, using: &rng)
            #expect(throws: PrivacyError.self) { try RangeProof.prove(c, opening: o, lo: lo, hi: hi, using: &rng) }
        }
    }

    @Test func tamperedProofsAreRejected() throws {
        var rng = SplitMix64(seed: 12)
        let (c, o) = pp.commit(1234, using: &rng)
        let p = try RangeProof.prove(c, opening: o, lo: 0, hi: 5000, using: &rng)
        let bytes = p.bytes
        var rejected = 0
        for _ in 0..<25 {
            var b = bytes
            let i = Int.random(in: 2..<b.count, using: &rng)
            b[i] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
            do { try RangeProof(bytes: b).verify(c, lo: 0, hi: 5000) } catch { rejected += 1 }
        }
        #expect(rejected == 25)
        // a proof for another commitment does not transfer
        let (c2, _) = pp.commit(1234, using: &rng)
        #expect(throws: PrivacyError.self) { try p.verify(c2, lo: 0, hi: 5000) }
    }

    /// A forged "proof" for an out-of-range value built by committing honest-looking bits
    /// that do not add up must fail the sum check.
    @Test func bitsThatDoNotSumToTheCommitmentAreRejected() throws {
        var rng = SplitMix64(seed: 13)
        let (c, o) = pp.commit(3, using: &rng)
        let p = try RangeProof.prove(c, opening: o, lo: 0, hi: 7, using: &rng)
        let (c9, _) = pp.commit(9, using: &rng)
        #expect(throws: PrivacyError.self) { try p.verify(c9, lo: 0, hi: 7) }
    }

    @Test func proofSizesGrowLinearlyInBits() throws {
        var rng = SplitMix64(seed: 14)
        for bits in [16, 32, 64] {
            let hi: Int64 = bits == 64 ? .max : (1 << Int64(bits)) - 1
            let lo: Int64 = bits == 64 ? .min : 0
            let (c, o) = pp.commit(7, using: &rng)
            let p = try RangeProof.prove(c, opening: o, lo: lo, hi: hi, using: &rng)
            #expect(p.byteCount == 34 + bits * 128)
        }
    }
}

@Suite struct RelationProofTests {
    let pp = PedersenParameters.standard

    @Test func greaterOrEqual() throws {
        var rng = SplitMix64(seed: 21)
        for _ in 0..<6 {
            let s = Int64.random(in: 0...1_000_000, using: &rng), g = s + Int64.random(in: 0...1_000, using: &rng)
            let (cg, og) = pp.commit(g, using: &rng), (cs, os) = pp.commit(s, using: &rng)
            let p = try GreaterOrEqualProof.prove(cg, og, cs, os, bits: 16, using: &rng)
            try p.verify(cg, cs)
            #expect(throws: PrivacyError.self) { try p.verify(cs, cg) }
            if g > s { #expect(throws: PrivacyError.self) { try GreaterOrEqualProof.prove(cs, os, cg, og, bits: 16, using: &rng) } }
        }
    }

    @Test func budgetCoversEnergyTimesPublicPrice() throws {
        var rng = SplitMix64(seed: 22)
        let v: Int64 = 12_500, price: Int64 = 4_567          // Wh × ticks
        let (cv, ov) = pp.commit(v, using: &rng)
        let (cb, ob) = pp.commit(v * price + 10, using: &rng)
        let p = try PublicPriceBudgetProof.prove(budget: cb, ob, energy: cv, ov, price: price, bits: 40)
        try p.verify(budget: cb, energy: cv, price: price)
        #expect(throws: PrivacyError.self) { try p.verify(budget: cb, energy: cv, price: price + 1) }
        let (cPoor, oPoor) = pp.commit(v * price - 1, using: &rng)
        #expect(throws: PrivacyError.self) { try PublicPriceBudgetProof.prove(budget: cPoor, oPoor, energy: cv, ov, price: price, bits: 40) }
    }

    @Test func budgetCoversEnergyTimesPrivatePrice() throws {
        var rng = SplitMix64(seed: 23)
        let v: Int64 = 3_000, price: Int64 = 5_100
        let (cv, ov) = pp.commit(v, using: &rng), (cp, op) = pp.commit(price, using: &rng)
        let (cb, ob) = pp.commit(v * price, using: &rng)
        let p = try PrivatePriceBudgetProof.prove(budget: cb, ob, energy: cv, ov, price: cp, op, bits: 32)
        try p.verify(budget: cb, energy: cv, price: cp)
        let (cp2, _) = pp.commit(price - 1, using: &rng)
        #expect(throws: PrivacyError.self) { try p.verify(budget: cb, energy: cv, price: cp2) }
        #expect(throws: PrivacyError.self) { try p.verify(budget: cb, energy: cp, price: cv) }
    }

    @Test func productProofRejectsWrongProducts() throws {
        var rng = SplitMix64(seed: 24)
        for _ in 0..<10 {
            let a = Int64.random(in: -500...500, using: &rng), b = Int64.random(in: -500...500, using: &rng)
            let (ca, oa) = pp.commit(a, using: &rng), (cb, ob) = pp.commit(b, using: &rng), (cw, ow) = pp.commit(a * b, using: &rng)
            var t1 = Transcript(label: "t")
            let p = try ProductProof.prove(product: cw, ow, ca, oa, cb, ob, transcript: &t1, using: &rng)
            var t2 = Transcript(label: "t")
            try p.verify(product: cw, ca, cb, transcript: &t2)
            let (cw2, ow2) = pp.commit(a * b + 1, using: &rng)
            var t3 = Transcript(label: "t")
            #expect(throws: PrivacyError.self) { try p.verify(product: cw2, ca, cb, transcript: &t3) }
            var t4 = Transcript(label: "t")
            #expect(throws: PrivacyError.self) { try ProductProof.prove(product: cw2, ow2, ca, oa, cb, ob, transcript: &t4, using: &rng) }
        }
    }
}
