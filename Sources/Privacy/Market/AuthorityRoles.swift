/// The registration authority as a role: cut-and-choose issuance to identities
/// authenticated by the transport (the peer address IS the identity on this channel),
/// and the tracing desk that combines trustees' decryption shares against its registry.
///
/// What it learns: who registered (identities), the opened candidates (revoked pseudonyms
/// and their tags), never the kept pseudonym; when tracing, the identity behind one tag.
public final class RegistrationAuthorityRole: MarketRole {
    public let address: MarketAddress
    public var transcript: MarketTranscript
    public let authority: CutAndChooseAuthority
    public let tracing: ThresholdTracingKey
    private var shares: [[UInt8]: [PartialDecryption]] = [:]
    public private(set) var traced: [[UInt8]: String] = [:]
    public private(set) var pendingTag: [UInt8]?
    /// Who ordered the pending trace (`traceOrder`) and how many trustees were asked.
    private var orderedBy: MarketAddress?, asked = 0, answered = 0
    /// The market operator, the only peer that may order a trace.
    public var operatorAddress: MarketAddress = "operator"

    /// Where revoked (opened) pseudonyms are announced.
    public var matchingService: MarketAddress = "matching-service"

    public init(address: MarketAddress = "registration-authority", authority: CutAndChooseAuthority, tracing: ThresholdTracingKey) {
        self.address = address; self.authority = authority; self.tracing = tracing
        transcript = MarketTranscript(role: address)
    }

    /// Asks the given trustees for decryption shares of `tag`.
    public func requestTrace(tag: [UInt8], trustees: [MarketAddress]) -> [MarketEnvelope] {
        pendingTag = tag; asked = trustees.count; answered = 0; orderedBy = nil
        return trustees.map { MarketEnvelope(to: $0, .traceRequest(tag: tag)) }
    }

    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        switch message {
        case .registrationRequest(let blinded):
            do {
                let (keep, sigs) = try authority.challenge(identity: peer, blinded: blinded)
                transcript.learn("registration of \(peer): keep candidate \(keep)")
                return [MarketEnvelope(to: peer, .registrationChallenge(keep: keep, signatures: sigs))]
            } catch { return [MarketEnvelope(to: peer, .registrationRefused(reason: "\(error)"))] }
        case .registrationOpenings(let openings):
            do {
                let sig = try authority.finish(identity: peer, openings: openings)
                transcript.learn("registered \(peer)")
                // The opened certificates are valid signatures: void them at the market before
                // the registrant gets its kept one.
                return [MarketEnvelope(to: matchingService, .revocations(openings.map(\.certificate.pseudonymKey))),
                        MarketEnvelope(to: peer, .registrationIssued(signature: sig))]
            } catch {
                transcript.learn("refused \(peer): \(error)")
                return [MarketEnvelope(to: peer, .registrationRefused(reason: "\(error)"))]
            }
        case .traceOrder(let tag, let trustees):
            guard peer == operatorAddress else { throw PrivacyError.invalidSignature("trace order from \(peer), not the operator") }
            guard !trustees.isEmpty else { return [MarketEnvelope(to: peer, .traceResult(tag: tag, identity: nil))] }
            let out = requestTrace(tag: tag, trustees: trustees)
            orderedBy = peer
            return out
        case .traceShare(let p):
            guard let tag = pendingTag, let c = try? ElGamalCiphertext(bytes: tag) else { throw PrivacyError.malformedEncoding("no trace pending") }
            try p.verify(for: c, commitments: tracing.commitments)
            shares[tag, default: []].append(p)
            let have = shares[tag]!
            if have.count >= tracing.threshold, traced[tag] == nil, let who = try tracing.trace(have, for: c, candidates: authority.registry) {
                traced[tag] = who
                transcript.learn("traced a pseudonym to \(who) with \(have.count) shares")
                if let o = orderedBy { orderedBy = nil; return [MarketEnvelope(to: o, .traceResult(tag: tag, identity: who))] }
            }
            answered += 1
            if answered == asked, traced[tag] == nil, let o = orderedBy {
                orderedBy = nil
                transcript.learn("could not trace a pseudonym: \(have.count) of the \(tracing.threshold) shares needed")
                return [MarketEnvelope(to: o, .traceResult(tag: tag, identity: nil))]
            }
            return []
        default:
            throw PrivacyError.malformedEncoding("registration authority does not accept \(message.kind)")
        }
    }

    /// Tries to trace `tag` with whatever shares arrived: nil below the threshold.
    public func trace(tag: [UInt8]) throws -> String? {
        guard let c = try? ElGamalCiphertext(bytes: tag) else { throw PrivacyError.malformedEncoding("tracing tag") }
        let have = shares[tag] ?? []
        guard have.count >= tracing.threshold else { throw PrivacyError.insufficientShares(have: have.count, need: tracing.threshold) }
        return try tracing.trace(have, for: c, candidates: authority.registry)
    }
}

/// A tracing trustee: holds one Feldman-verified share of the tracing key and answers a
/// trace request with its decryption share and a DLEQ proof. It learns only the tags it
/// is asked about.
public final class TrusteeRole: MarketRole {
    public let address: MarketAddress
    public var transcript: MarketTranscript
    private let share: SecretShare

    public init(address: MarketAddress, share: SecretShare, commitments: FeldmanCommitments) throws {
        try commitments.verify(share)
        self.address = address; self.share = share
        transcript = MarketTranscript(role: address)
    }

    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        guard case .traceRequest(let tag) = message else { throw PrivacyError.malformedEncoding("trustee does not accept \(message.kind)") }
        let c = try ElGamalCiphertext(bytes: tag)
        var rng = SystemCSPRNG()
        transcript.learn("asked to trace a tag by \(peer)")
        return [MarketEnvelope(to: peer, .traceShare(ThresholdTracingKey.partialDecrypt(c, share: share, using: &rng)))]
    }
}
