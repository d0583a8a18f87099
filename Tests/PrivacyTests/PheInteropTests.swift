import Testing
@testable import Privacy

/// Interop with python-paillier: vectors from scripts/privacy_phe_vectors.py.
@Suite struct PheInteropTests {
    let doc = try! fixture("phe_vectors") as! [String: Any]
    var sk: PaillierPrivateKey { SharedKeys.phe }

    @Test func keyMatchesPhe() throws {
        let k = doc["key"] as! [String: String]
        #expect(sk.publicKey.modulusDecimal == k["n"])
        let pk2 = try PaillierPublicKey(modulus: MPZ(decimal: k["n"]!)!.minimalBytes)
        #expect(pk2 == sk.publicKey)
    }

    @Test func pheCiphertextsDecryptAndAreReproducedByteForByte() throws {
        let pk = sk.publicKey
        for e in doc["encryptions"] as! [[String: String]] {
            let c = try PaillierCiphertext(decimal: e["c"]!, publicKey: pk)
            #expect(sk.decryptDecimal(c) == e["m"]!)
            let mine = try pk.encrypt(decimal: e["m"]!, r: e["r"]!)
            #expect(mine == c, "GridClear's Enc(m; r) must equal phe's, so phe decrypts ours")
        }
    }

    @Test func homomorphicResultsEqualPhe() throws {
        let pk = sk.publicKey
        for o in doc["operations"] as! [[String: String]] {
            let ca = try PaillierCiphertext(decimal: o["ca"]!, publicKey: pk)
            let cb = try PaillierCiphertext(decimal: o["cb"]!, publicKey: pk)
            let k = Int64(o["k"]!)!
            #expect(pk.add(ca, cb).decimal == o["c_sum"]!)
            #expect(pk.addPlaintext(ca, k).decimal == o["c_add_k"]!)
            #expect(pk.multiply(ca, by: k).decimal == o["c_mul_k"]!)
            #expect(try sk.decrypt(pk.multiply(ca, by: k)) == Int64(o["a"]!)! * k)
        }
    }
}
