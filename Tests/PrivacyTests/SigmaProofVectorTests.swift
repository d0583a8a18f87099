import Foundation
import Testing
@testable import Privacy

/// Committed proofs of both Paillier–Pedersen Σ-proofs (`PaillierPedersenEqualityProof`,
/// `PaillierSlotEqualityProof`), made before their transcripts were merged into one builder
/// (`PaillierPedersenSigma`): each must still verify — the Fiat–Shamir challenge is
/// recomputed from the transcript, so any change of its labels or order would reject them —
/// and re-encode to the same bytes. Regenerate (only for a deliberate, versioned change of a
/// proof) with `GRIDCLEAR_WRITE_SIGMA_VECTORS=Tests/PrivacyTests/Fixtures/paillier_pedersen_sigma_vectors.json
/// swift test --filter SigmaProofVectorTests`.
@Suite struct SigmaProofVectorTests {
    @Test func committedProofsStillVerify() throws {
        if let path = ProcessInfo.processInfo.environment["GRIDCLEAR_WRITE_SIGMA_VECTORS"] {
            try Self.write(path)
            return
        }
        let v = try fixture("paillier_pedersen_sigma_vectors") as! [String: Any]
        let pk = try PaillierPublicKey(serialized: hex(v["public_key"] as! String))
        for e in v["equality"] as! [[String: Any]] {
            let c = try PaillierCiphertext(bytes: hex(e["ciphertext"] as! String), publicKey: pk)
            let cm = PedersenCommitment(point: try Point(canonical: hex(e["commitment"] as! String)))
            let proof = try PaillierPedersenEqualityProof(bytes: hex(e["proof"] as! String), publicKey: pk)
            try proof.verify(c, cm, publicKey: pk, context: hex(e["context"] as! String))
            #expect(hexString(proof.bytes) == e["proof"] as! String)
            #expect(throws: PrivacyError.self) { try proof.verify(c, cm, publicKey: pk, context: hex(e["context"] as! String) + [0]) }
        }
        for e in v["slot"] as! [[String: Any]] {
            let c = try PaillierCiphertext(bytes: hex(e["ciphertext"] as! String), publicKey: pk)
            let cm = PedersenCommitment(point: try Point(canonical: hex(e["commitment"] as! String)))
            let shift = e["shift"] as! Int
            let proof = try PaillierSlotEqualityProof(bytes: hex(e["proof"] as! String), publicKey: pk)
            try proof.verify(c, shift: shift, cm, publicKey: pk, context: hex(e["context"] as! String))
            #expect(hexString(proof.bytes) == e["proof"] as! String)
            #expect(throws: PrivacyError.self) { try proof.verify(c, shift: shift + 1, cm, publicKey: pk, context: hex(e["context"] as! String)) }
        }
    }

    static func write(_ path: String) throws {
        let sk = try PaillierPrivateKey.generate(bits: 512)
        let pk = sk.publicKey, pp = PedersenParameters.standard
        var equality: [[String: Any]] = [], slot: [[String: Any]] = []
        for (x, ctx) in [(Int64(0), "a"), (Int64(-987_654_321), "run|1"), (Int64.max / 3, "")] {
            let (c, o) = pp.commit(x)
            let (ct, proof) = PaillierPedersenEqualityProof.encryptAndProve(o, commitment: c, publicKey: pk, context: Array(ctx.utf8))
            equality.append(["ciphertext": hexString(ct.bytes), "commitment": hexString(c.point.bytes), "context": hexString(Array(ctx.utf8)),
                             "proof": hexString(proof.bytes)])
        }
        for (x, shift, ctx) in [(Int128(0), 0, "s"), ((Int128(1) << 100) + 7, 101, "run|7|G1|C2"), (-(Int128(1) << 62), 303, "")] {
            let s = Scalar.random()
            let c = PedersenCommitment(point: Scalar(x) * pp.g + s * pp.h)
            let o = PaillierSlotOpening.encrypt(x, shift: shift, publicKey: pk)
            let proof = try PaillierSlotEqualityProof.prove(o, blinding: s, commitment: c, publicKey: pk, context: Array(ctx.utf8))
            slot.append(["ciphertext": hexString(o.ciphertext.bytes), "commitment": hexString(c.point.bytes), "context": hexString(Array(ctx.utf8)),
                         "shift": shift, "proof": hexString(proof.bytes)])
        }
        let doc: [String: Any] = ["public_key": hexString(pk.serialize()), "equality": equality, "slot": slot]
        try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
    }
}
