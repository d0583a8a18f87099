import Testing
import Foundation
import Crypto
import _CryptoExtras
@testable import Privacy

@Suite struct PseudonymTests {
    /// RFC 9474 Appendix A vectors (copied from swift-crypto's test resources).
    @Test func rfc9474VectorsBlindSignAndVerify() throws {
        let vectors = try fixture("rfc9474") as! [[String: String]]
        #expect(vectors.count == 4)
        for v in vectors {
            let saltLen = v["salt"]!.count / 2, prefixLen = (v["prepared_msg"]!.count - v["msg"]!.count) / 2
            let params: _RSA.BlindSigning.Parameters<SHA384> = saltLen == 0
                ? (prefixLen == 0 ? .RSABSSA_SHA384_PSSZERO_Deterministic : .RSABSSA_SHA384_PSSZERO_Randomized)
                : (prefixLen == 0 ? .RSABSSA_SHA384_PSS_Deterministic : .RSABSSA_SHA384_PSS_Randomized)
            let sk = try _RSA.BlindSigning.PrivateKey(n: hex(v["n"]!), e: hex(v["e"]!), d: hex(v["d"]!), p: hex(v["p"]!), q: hex(v["q"]!), parameters: params)
            // BlindSign is deterministic: the signer's output must match the vector.
            let bs = try sk.blindSignature(for: hex(v["blinded_msg"]!))
            #expect(hexString(Array(bs.rawRepresentation)) == v["blind_sig"]!, "\(v["name"]!)")
            // The final signature verifies over prepared_msg (identity-preparation view) and fails for a changed message.
            let view = try _RSA.BlindSigning.PublicKey(n: hex(v["n"]!), e: hex(v["e"]!), parameters: saltLen == 0 ? .RSABSSA_SHA384_PSSZERO_Deterministic : .RSABSSA_SHA384_PSS_Deterministic)
            let sig = _RSA.Signing.RSASignature(rawRepresentation: hex(v["sig"]!))
            #expect(view.isValidSignature(sig, for: view.prepare(hex(v["prepared_msg"]!))))
            var wrong = hex(v["prepared_msg"]!); wrong[wrong.count - 1] ^= 1
            #expect(!view.isValidSignature(sig, for: view.prepare(wrong)))
        }
    }

    @Test func issuanceVerifiesAndIsOnePerIdentityPerRound() throws {
        let ra = try RegistrationAuthority(round: 7, keyBits: 2048)
        let req = try PseudonymRequest(authority: ra.publicKey)
        let blindSig = try ra.issue(blindedRequest: req.blindedMessage, identity: "alice")
        let cert = try req.finish(blindSignature: blindSig)
        try ra.publicKey.verify(cert)
        #expect(try PseudonymCertificate(serialized: cert.serialize()) == cert)
        #expect(cert.pseudonymKey == Array(req.pseudonymSigningKey.publicKey.rawRepresentation))
        // the authority saw only the blinded value, which differs from everything in the certificate
        #expect(!cert.serialize().windows(ofCount: 16).contains { Array($0) == Array(req.blindedMessage.prefix(16)) })
        // once per identity per round
        let req2 = try PseudonymRequest(authority: ra.publicKey)
        #expect(throws: PrivacyError.self) { try ra.issue(blindedRequest: req2.blindedMessage, identity: "alice") }
        _ = try ra.issue(blindedRequest: req2.blindedMessage, identity: "bob")
        // tampering and other rounds' keys fail
        var bad = cert.serialize(); bad[bad.count - 20] ^= 1
        #expect(throws: PrivacyError.self) { try ra.publicKey.verify(PseudonymCertificate(serialized: bad)) }
        let next = try RegistrationAuthority(round: 8, keyBits: 2048)
        #expect(throws: PrivacyError.self) { try next.publicKey.verify(cert) }
        // a signature over a different blinded message does not finish
        #expect(throws: PrivacyError.self) { try req2.finish(blindSignature: blindSig) }
    }
}

extension Array {
    func windows(ofCount n: Int) -> [ArraySlice<Element>] {
        count < n ? [] : (0...(count - n)).map { self[$0..<$0 + n] }
    }
}
