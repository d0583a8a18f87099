import GridClearCore
import Testing
@testable import Privacy

@Suite struct ThresholdTests {
    @Test func feldmanSharesReconstructWithTAndRejectBadShares() throws {
        var rng = SplitMix64(seed: 31)
        let secret = Scalar.random(using: &rng)
        let (shares, comms) = try FeldmanSharing.deal(secret: secret, threshold: 3, trustees: 5, using: &rng)
        for s in shares { try comms.verify(s) }
        #expect(try FeldmanSharing.reconstruct([shares[4], shares[0], shares[2]], commitments: comms) == secret)
        #expect(throws: PrivacyError.insufficientShares(have: 2, need: 3)) { try FeldmanSharing.reconstruct(Array(shares.prefix(2)), commitments: comms) }
        let bad = SecretShare(index: 2, value: shares[1].value + .one)
        #expect(throws: PrivacyError.self) { try comms.verify(bad) }
        #expect(throws: PrivacyError.self) { try FeldmanSharing.reconstruct([shares[0], bad, shares[2]], commitments: comms) }
        #expect(throws: PrivacyError.self) { try FeldmanSharing.reconstruct([shares[0], shares[0], shares[2]], commitments: comms) }
        #expect(throws: PrivacyError.self) { try comms.verify(SecretShare(index: 0, value: secret)) }
        // t − 1 shares interpolate to something other than the secret
        let l = try FeldmanSharing.lagrangeAtZero([1, 2])
        #expect(shares[0].value * l[0] + shares[1].value * l[1] != secret)
    }

    @Test func tTrusteesTraceAPseudonymAndTMinus1Cannot() throws {
        var rng = SplitMix64(seed: 32)
        let (key, shares) = try ThresholdTracingKey.deal(threshold: 3, trustees: 5, using: &rng)
        let tag = key.tracingTag(identity: "meter-0042", using: &rng)
        let partials = shares.map { ThresholdTracingKey.partialDecrypt(tag, share: $0, using: &rng) }
        let candidates = ["meter-0001", "meter-0042", "meter-0100"]
        #expect(try key.trace([partials[1], partials[3], partials[4]], for: tag, candidates: candidates) == "meter-0042")
        #expect(throws: PrivacyError.insufficientShares(have: 2, need: 3)) { try key.trace(Array(partials.prefix(2)), for: tag, candidates: candidates) }
        // a wrong decryption share is caught by its proof
        let forged = ThresholdTracingKey.partialDecrypt(tag, share: SecretShare(index: 2, value: .one), using: &rng)
        #expect(throws: PrivacyError.self) { try key.combine([partials[0], forged, partials[2]], for: tag) }
        // a share for another ciphertext does not verify
        let tag2 = key.tracingTag(identity: "meter-0042", using: &rng)
        #expect(tag2 != tag)
        #expect(throws: PrivacyError.self) { try key.combine(Array(partials.prefix(3)), for: tag2) }
    }

    @Test func certificateCarriesATraceableTag() throws {
        var rng = SplitMix64(seed: 33)
        let (key, shares) = try ThresholdTracingKey.deal(threshold: 2, trustees: 3, using: &rng)
        let ra = try RegistrationAuthority(round: 1, keyBits: 2048)
        let tag = key.tracingTag(identity: "carol", using: &rng)
        let req = try PseudonymRequest(authority: ra.publicKey, tracingTag: tag.bytes)
        let cert = try req.finish(blindSignature: ra.issue(blindedRequest: req.blindedMessage, identity: "carol"))
        let t = try ElGamalCiphertext(bytes: cert.tracingTag)
        let ps = [shares[0], shares[2]].map { ThresholdTracingKey.partialDecrypt(t, share: $0, using: &rng) }
        #expect(try key.trace(ps, for: t, candidates: ["alice", "bob", "carol"]) == "carol")
    }
}
