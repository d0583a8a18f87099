import Crypto
import GridClearCore
@testable import Privacy
import PrivateMarket
import Testing

/// Certificates at the market's door and (t, n) tracing (SPEC §4.3, issue 14).
@Suite struct CertificateAndTracingTests {
    struct World {
        var authority: CutAndChooseAuthority
        var tracing: ThresholdTracingKey
        var shares: [SecretShare]
    }

    static func world(round: UInt64 = 5, candidates: Int = 3, identities: Set<String> = ["alice", "bob"]) throws -> World {
        var rng = SystemCSPRNG()
        let (key, shares) = try ThresholdTracingKey.deal(threshold: 3, trustees: 5, using: &rng)
        let ca = try CutAndChooseAuthority(round: round, tracingKey: key.publicKey, registered: identities, candidates: candidates)
        return World(authority: ca, tracing: key, shares: shares)
    }

    static func register(_ id: String, in w: World, falseTagFor: (index: Int, identity: String)? = nil) throws -> (PseudonymCertificate, Curve25519.Signing.PrivateKey) {
        var r = try CutAndChooseRegistrant(identity: id, authority: w.authority.publicKey, tracingKey: w.tracing.publicKey,
                                           candidates: w.authority.candidates, falseTagFor: falseTagFor)
        let (keep, sigs) = try w.authority.challenge(identity: id, blinded: r.blindedMessages)
        let openings = try r.open(keep: keep, signatures: sigs)
        return try r.finish(blindSignature: try w.authority.finish(identity: id, openings: openings))
    }

    @Test func validCertificateAdmittedOnceAndReuseRefused() throws {
        let w = try Self.world()
        let (cert, _) = try Self.register("alice", in: w)
        var gate = CertificateGate(authority: w.authority.publicKey, revoked: w.authority.revoked)
        try gate.admit(cert)
        #expect(throws: CertificateRefusal.reused) { try gate.admit(cert) }
    }

    @Test func expiredCertificateRefused() throws {
        let old = try Self.world(round: 4)
        let (cert, _) = try Self.register("alice", in: old)
        let now = try Self.world(round: 5)
        var gate = CertificateGate(authority: now.authority.publicKey)
        #expect(throws: CertificateRefusal.expired(certificateRound: 4, currentRound: 5)) { try gate.admit(cert) }
    }

    @Test func forgedCertificateRefused() throws {
        let w = try Self.world()
        let (cert, _) = try Self.register("alice", in: w)
        let gate = CertificateGate(authority: w.authority.publicKey)
        // signed by another authority of the same round
        let other = try Self.world()
        let (foreign, _) = try Self.register("alice", in: other)
        #expect(throws: CertificateRefusal.self) { try gate.check(foreign) }
        // tag swapped after signing
        let swapped = PseudonymCertificate(round: cert.round, pseudonymKey: cert.pseudonymKey, tracingTag: foreign.tracingTag,
                                           msgPrefix: cert.msgPrefix, signature: cert.signature)
        #expect(throws: CertificateRefusal.self) { try gate.check(swapped) }
        // one signature bit flipped
        var sig = cert.signature; sig[sig.count / 2] ^= 1
        let flipped = PseudonymCertificate(round: cert.round, pseudonymKey: cert.pseudonymKey, tracingTag: cert.tracingTag,
                                           msgPrefix: cert.msgPrefix, signature: sig)
        #expect(throws: CertificateRefusal.self) { try gate.check(flipped) }
        try gate.check(cert)
    }

    /// The k − 1 opened certificates are valid signatures; the gate refuses them as revoked.
    @Test func openedCandidatesAreRevoked() throws {
        let w = try Self.world(candidates: 3)
        var r = try CutAndChooseRegistrant(identity: "alice", authority: w.authority.publicKey, tracingKey: w.tracing.publicKey, candidates: 3)
        let (keep, sigs) = try w.authority.challenge(identity: "alice", blinded: r.blindedMessages)
        let openings = try r.open(keep: keep, signatures: sigs)
        let (kept, _) = try r.finish(blindSignature: try w.authority.finish(identity: "alice", openings: openings))
        #expect(w.authority.revoked.count == 2)
        var gate = CertificateGate(authority: w.authority.publicKey, revoked: w.authority.revoked)
        for o in openings { #expect(throws: CertificateRefusal.revoked) { try gate.admit(o.certificate) } }
        try gate.admit(kept)
        // and a second registration of the same identity this round is refused
        var again = try CutAndChooseRegistrant(identity: "alice", authority: w.authority.publicKey, tracingKey: w.tracing.publicKey, candidates: 3)
        #expect(throws: PrivacyError.self) { _ = try w.authority.challenge(identity: "alice", blinded: again.blindedMessages) }
        _ = try? again.open(keep: 0, signatures: [])
    }

    /// A registrant whose every candidate carries someone else's tag is always caught;
    /// a cheater hiding one false tag among k is caught with probability (k − 1)/k.
    @Test func falseTracingTagCaught() throws {
        let w = try Self.world(candidates: 3)
        var r = try CutAndChooseRegistrant(identity: "alice", authority: w.authority.publicKey, tracingKey: w.tracing.publicKey, candidates: 3)
        let (keep, sigs) = try w.authority.challenge(identity: "alice", blinded: r.blindedMessages)
        var openings = try r.open(keep: keep, signatures: sigs)
        // lie about one opened tag's randomness: the authority recomputes the tag and refuses
        openings[0] = RegistrationOpening(certificate: openings[0].certificate, tagRandomness: Scalar.random())
        #expect(throws: PrivacyError.self) { try w.authority.finish(identity: "alice", openings: openings) }
        #expect(w.authority.cheaters.contains("alice"))
        // an honest registrant of the same authority is unaffected
        _ = try Self.register("bob", in: w)
    }

    /// One false tag among k = 2 candidates escapes only when it is the kept one (p = 1/2):
    /// over 20 registrants at least one is caught (fails with p = 2^-20), every caught one is
    /// remembered as a cheater, and every escaped one holds a certificate.
    @Test func falseTagAtAnOpenedIndexIsCaught() throws {
        let ids = (0..<20).map { "mallory\($0)" }
        let w = try Self.world(candidates: 2, identities: Set(ids))
        var caught = 0
        for id in ids {
            do { _ = try Self.register(id, in: w, falseTagFor: (0, "victim")) } catch { caught += 1 }
        }
        #expect(caught >= 1)
        #expect(w.authority.cheaters.count == caught)
    }

    /// t trustees trace a certificate's tag to its registrant; t − 1 cannot.
    @Test func tracingWithTAndNotTMinusOne() throws {
        let w = try Self.world()
        let (cert, _) = try Self.register("bob", in: w)
        let ra = RegistrationAuthorityRole(authority: w.authority, tracing: w.tracing)
        let trustees = try w.shares.map { try TrusteeRole(address: "trustee-\($0.index)", share: $0, commitments: w.tracing.commitments) }
        let bus = MarketBus(publicKey: try PaillierPrivateKey.generate(bits: 512).publicKey)
        bus.add(ra); trustees.forEach(bus.add)
        bus.post(ra.requestTrace(tag: cert.tracingTag, trustees: trustees.prefix(2).map(\.address)), from: ra)
        bus.run()
        #expect(throws: PrivacyError.insufficientShares(have: 2, need: 3)) { _ = try ra.trace(tag: cert.tracingTag) }
        #expect(ra.traced[cert.tracingTag] == nil)
        bus.post(ra.requestTrace(tag: cert.tracingTag, trustees: [trustees[4].address]), from: ra)
        bus.run()
        #expect(try ra.trace(tag: cert.tracingTag) == "bob")
        #expect(ra.traced[cert.tracingTag] == "bob")
    }

    /// The operator's trace order (`trace-order` → shares → `trace-result`, the flow `private
    /// run` drives): with t of n trustees the result names the registrant, with t − 1 the
    /// authority answers nil once every asked trustee has answered; an order from any peer
    /// other than the operator is refused. The three messages survive the wire codec.
    @Test func traceOrderFromTheOperatorOnly() throws {
        let w = try Self.world()
        let (cert, _) = try Self.register("alice", in: w)
        let ra = RegistrationAuthorityRole(authority: w.authority, tracing: w.tracing)
        let trustees = try w.shares.map { try TrusteeRole(address: "trustee-\($0.index)", share: $0, commitments: w.tracing.commitments) }
        let pk = try PaillierPrivateKey.generate(bits: 512).publicKey
        let bus = MarketBus(publicKey: pk)
        let op = OperatorRole()
        bus.add(ra); bus.add(op); trustees.forEach(bus.add)
        bus.post([MarketEnvelope(to: ra.address, .traceOrder(tag: cert.tracingTag, trustees: trustees.prefix(2).map(\.address)))], from: op)
        bus.run()
        #expect(op.traceResults[cert.tracingTag] == .some(nil))
        let ra2 = RegistrationAuthorityRole(authority: w.authority, tracing: w.tracing)
        let bus2 = MarketBus(publicKey: pk)
        let op2 = OperatorRole()
        bus2.add(ra2); bus2.add(op2); trustees.forEach(bus2.add)
        bus2.post([MarketEnvelope(to: ra2.address, .traceOrder(tag: cert.tracingTag, trustees: trustees.prefix(3).map(\.address)))], from: op2)
        bus2.run()
        #expect(op2.traceResults[cert.tracingTag] == .some("alice"))
        #expect(throws: PrivacyError.self) { _ = try ra2.handle(.traceOrder(tag: cert.tracingTag, trustees: ["trustee-1"]), from: "matching-service") }
        for m in [MarketMessage.faultTag(tag: cert.tracingTag, reason: "seller deviated"), .traceOrder(tag: cert.tracingTag, trustees: ["trustee-1"]),
                  .traceResult(tag: cert.tracingTag, identity: "alice"), .traceResult(tag: cert.tracingTag, identity: nil)] {
            #expect(try MarketMessage.decode(m.encode(), publicKey: pk).encode() == m.encode())
        }
    }
}
