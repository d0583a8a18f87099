import Clearing
import GridClearCore
import Privacy
import PrivateMarket
import Testing

/// The plaintext-equality proof between a Paillier ciphertext and a Pedersen commitment
/// (issue 14): complete, bound to its context and every public value, canonical bytes; and
/// the matching service rejects a plan whose encrypted attribute is not its committed value.
@Suite struct AttributeBindingTests {
    static let sk = try! PaillierPrivateKey.generate(bits: 512)

    @Test func proofVerifiesAndBindsEverything() throws {
        let pk = Self.sk.publicKey, pp = PedersenParameters.standard
        for v in [Int64(0), 1, 123_456, -77, Int64.max, Int64.min + 1] {
            let (c, o) = pp.commit(v)
            let ctx: [UInt8] = Array("ctx".utf8)
            let (ct, proof) = PaillierPedersenEqualityProof.encryptAndProve(o, commitment: c, publicKey: pk, context: ctx)
            #expect(try Self.sk.decrypt(ct) == v)
            try proof.verify(ct, c, publicKey: pk, context: ctx)
            #expect(throws: PrivacyError.self) { try proof.verify(ct, c, publicKey: pk, context: Array("other".utf8)) }
            #expect(throws: PrivacyError.self) { try proof.verify(pk.addPlaintext(ct, 1), c, publicKey: pk, context: ctx) }
            #expect(throws: PrivacyError.self) { try proof.verify(ct, pp.commit(v).commitment, publicKey: pk, context: ctx) }
            let again = try PaillierPedersenEqualityProof(bytes: proof.bytes, publicKey: pk)
            try again.verify(ct, c, publicKey: pk, context: ctx)
            #expect(again.bytes == proof.bytes)
            var bad = proof.bytes
            for i in stride(from: 0, to: bad.count, by: 17) {   // any changed byte: malformed or rejected
                bad[i] ^= 0x01
                if let p = try? PaillierPedersenEqualityProof(bytes: bad, publicKey: pk) { #expect(throws: PrivacyError.self) { try p.verify(ct, c, publicKey: pk, context: ctx) } }
                bad[i] ^= 0x01
            }
        }
        // A ciphertext of another value than the committed one cannot be proven equal.
        let (c, o) = pp.commit(500)
        let (ct, proof) = PaillierPedersenEqualityProof.encryptAndProve(value: 501, o, commitment: c, publicKey: pk, context: [])
        #expect(throws: PrivacyError.self) { try proof.verify(ct, c, publicKey: pk, context: []) }
        // Under another key: refused.
        let other = try PaillierPrivateKey.generate(bits: 512).publicKey
        #expect(throws: PrivacyError.self) { try proof.verify(try other.encrypt(500), c, publicKey: other, context: []) }
    }

    /// A seller that encrypts twice its committed quantity and a buyer that encrypts a higher
    /// bid than it committed are rejected before matching; the rest clears as plaintext would without them.
    @Test func mismatchedCiphertextRejected() throws {
        let inputs = privateInstance(seed: 31, bids: 3, offers: 3, overlapping: true)
        let liarSeller = "seller-0#o0", liarBuyer = "buyer-1#b1"
        let priv = try PrivateCycle.run(inputs, options: testOptions(), tamperSecrets: { id, s in
            if id == liarSeller { s.rangeAttributes[RangeColumn.quantity.rawValue] *= 2 }
            if id == liarBuyer { s.rangeAttributes[RangeColumn.price.rawValue] += 1_000_000 }
        })
        let rejected = Dictionary(uniqueKeysWithValues: priv.rejected.map { ($0.identity, $0.reason) })
        #expect(rejected[liarSeller]?.contains("encrypted quantity attribute does not match the energy commitment") == true, "\(rejected)")
        #expect(rejected[liarBuyer]?.contains("encrypted price attribute does not match the price commitment") == true, "\(rejected)")
        #expect(rejected.count == 2)
        #expect(priv.matching.transcript.learned.contains { $0.contains("rejected plan") && $0.contains("encrypted quantity attribute") })
        var honest = inputs
        honest.offers.removeAll { $0.id == "o0" }; honest.bids.removeAll { $0.id == "b1" }
        let plain = try KPrototypesMechanism().clear(honest, context: ClearingContext())
        #expect(tradeStrings(priv.result).filter { $0.hasSuffix(":accepted") } == tradeStrings(plain).filter { $0.hasSuffix(":accepted") })
    }
}
