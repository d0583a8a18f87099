import Privacy
import Testing

/// The slot plaintext-equality proof used by RCI's per-iteration proofs (issue 19 item 4):
/// complete at every slot, sound against a wrong plaintext and against wrong affine
/// coefficients on the commitment side, and bound to every public value of its transcript.
@Suite struct SlotEqualityProofTests {
    static let sk = try! PaillierPrivateKey.generate(bits: 1024)
    static let pp = PedersenParameters.standard

    /// A commitment to a 128-bit value with a fresh blinding.
    static func commit(_ v: Int128) -> (PedersenCommitment, Scalar) {
        let s = Scalar.random()
        return (PedersenCommitment(point: Scalar(v) * pp.g + s * pp.h), s)
    }

    @Test func completeAtEverySlotAndBoundToEveryPublicValue() throws {
        let pk = Self.sk.publicKey
        let ctx = Array("run|7|G1|C2".utf8)
        for (v, shift) in [(Int128(0), 0), (Int128(-123_456_789), 101), ((Int128(1) << 100) + 12_345, 909), (-(Int128(1) << 62), 303)] {
            let o = PaillierSlotOpening.encrypt(v, shift: shift, publicKey: pk)
            let (c, s) = Self.commit(v)
            let proof = try PaillierSlotEqualityProof.prove(o, blinding: s, commitment: c, publicKey: pk, context: ctx)
            #expect(Self.sk.decryptBig(o.ciphertext) == PaillierBigInt(Int64(0)) + Self.big(v).shifted(shift))
            try proof.verify(o.ciphertext, shift: shift, c, publicKey: pk, context: ctx)
            let again = try PaillierSlotEqualityProof(bytes: proof.bytes, publicKey: pk)
            #expect(again.bytes == proof.bytes && proof.bytes.count == PaillierSlotEqualityProof.byteCount(modulusBytes: pk.modulusByteCount))
            try again.verify(o.ciphertext, shift: shift, c, publicKey: pk, context: ctx)
            // every public value is in the transcript: context, shift, ciphertext, commitment
            #expect(throws: PrivacyError.self) { try proof.verify(o.ciphertext, shift: shift, c, publicKey: pk, context: Array("run|8|G1|C2".utf8)) }
            #expect(throws: PrivacyError.self) { try proof.verify(o.ciphertext, shift: shift + 101, c, publicKey: pk, context: ctx) }
            let other = try pk.rerandomize(o.ciphertext)
            #expect(throws: PrivacyError.self) { try proof.verify(other, shift: shift, c, publicKey: pk, context: ctx) }
            #expect(throws: PrivacyError.self) { try proof.verify(o.ciphertext, shift: shift, c + PedersenCommitment(point: Self.pp.h), publicKey: pk, context: ctx) }
            var bad = proof.bytes
            for i in stride(from: 0, to: bad.count, by: 23) {  // any changed byte: malformed or rejected
                bad[i] ^= 0x01
                if let p = try? PaillierSlotEqualityProof(bytes: bad, publicKey: pk) {
                    #expect(throws: PrivacyError.self) { try p.verify(o.ciphertext, shift: shift, c, publicKey: pk, context: ctx) }
                }
                bad[i] ^= 0x01
            }
        }
    }

    @Test func soundAgainstWrongPlaintextAndWrongAffineCoefficients() throws {
        let pk = Self.sk.publicKey
        // A ciphertext of another value than the committed one: no accepting proof.
        let (c, s) = Self.commit(500)
        let o = PaillierSlotOpening.encrypt(501, shift: 202, publicKey: pk)
        let p = try PaillierSlotEqualityProof.prove(o, blinding: s, commitment: c, publicKey: pk, context: [])
        #expect(throws: PrivacyError.self) { try p.verify(o.ciphertext, shift: 202, c, publicKey: pk, context: []) }
        // The affine update shape: own part Enc(k + λ − h·P_own + μ) from one party, partner part
        // Enc(−h·P_partner) from the other, combined; the verifier recomputes the commitment
        // D = C_λ − h·C_own − h·C_partner + C_μ + k·G from commitments alone.
        let h: Int128 = 5_000_000, lambda: Int128 = 572_364_000_000_000, pOwn: Int128 = 12_345_678, pPartner: Int128 = -12_345_000
        let mu: Int128 = (Int128(1) << 99) + 987_654_321
        let (cl, sl) = Self.commit(lambda), (co, so) = Self.commit(pOwn), (cp, sp) = Self.commit(pPartner), (cm, sm) = Self.commit(mu)
        let own = PaillierSlotOpening.encrypt(lambda - h * pOwn + mu, shift: 101, publicKey: pk)
        let partner = PaillierSlotOpening.encrypt(-h * pPartner, shift: 101, publicKey: pk)
        let received = try PaillierSlotOpening(ciphertext: own.ciphertext, randomness: own.randomnessBytes, shift: 101, publicKey: pk)
        #expect(received.value == lambda - h * pOwn + mu)
        #expect(throws: PrivacyError.self) {  // an opening with other randomness is refused
            _ = try PaillierSlotOpening(ciphertext: own.ciphertext, randomness: partner.randomnessBytes, shift: 101, publicKey: pk)
        }
        let l = received.combined(with: partner, publicKey: pk)
        func d(_ hh: Int128) -> PedersenCommitment {
            PedersenCommitment(point: cl.point + Scalar(-hh) * co.point + Scalar(-hh) * cp.point + cm.point)
        }
        let blinding = sl + Scalar(-h) * so + Scalar(-h) * sp + sm
        let proof = try PaillierSlotEqualityProof.prove(l, blinding: blinding, commitment: d(h), publicKey: pk, context: [1])
        try proof.verify(l.ciphertext, shift: 101, d(h), publicKey: pk, context: [1])
        #expect(Self.sk.decryptBig(l.ciphertext) == Self.big(lambda - h * (pOwn + pPartner) + mu).shifted(101))
        #expect(throws: PrivacyError.self) { try proof.verify(l.ciphertext, shift: 101, d(h + 1), publicKey: pk, context: [1]) }
        #expect(throws: PrivacyError.self) { try proof.verify(own.ciphertext, shift: 101, d(h), publicKey: pk, context: [1]) }
        // Too wide a value is refused by the prover.
        let wide = PaillierSlotOpening.encrypt(Int128(1) << 110, shift: 0, publicKey: pk)
        #expect(throws: PrivacyError.self) { _ = try PaillierSlotEqualityProof.prove(wide, blinding: .zero, commitment: c, publicKey: pk, context: []) }
    }

    static func big(_ v: Int128) -> PaillierBigInt {
        let hi = Int64(v >> 62), lo = Int64(v & ((1 << 62) - 1))
        return PaillierBigInt(hi).shifted(62) + PaillierBigInt(lo)
    }
}
