import Crypto

/// What a participant keeps to itself: its plan's openings, its range attributes, how it
/// computes its own feature row once the public scales are known, and its routing data.
public struct ParticipantSecrets: Sendable {
    public var side: PlanSide
    public var energy: PedersenOpening
    public var price: PedersenOpening
    /// Opening of its anonymous account record (capacity or balance).
    public var record: PedersenOpening
    /// Price ticks, Wh, green·1e9, reputation·1e9 (see `RangeColumn`).
    public var rangeAttributes: [Int64]
    /// Its fixed-point feature row from the public scales (lo, hi per `RangeColumn`).
    public var features: @Sendable (_ lo: [Int64], _ hi: [Int64]) throws -> [Int64]
    /// Public routing data (location, loss limit) the matching service uses for loss terms.
    public var routing: [UInt8]
    public init(side: PlanSide, energy: PedersenOpening, price: PedersenOpening, record: PedersenOpening, rangeAttributes: [Int64],
                features: @escaping @Sendable ([Int64], [Int64]) throws -> [Int64], routing: [UInt8]) {
        self.side = side; self.energy = energy; self.price = price; self.record = record
        self.rangeAttributes = rangeAttributes; self.features = features; self.routing = routing
    }
}

/// A trade as one party sees it after confirming the record.
public struct ParticipantTrade: Sendable, Equatable {
    public var record: Int
    public var counterpartySlot: Int
    public var energy: Int64
}

/// A participant (buyer or seller agent). Talks to the registration authority under its
/// identity (cut-and-choose issuance) and to the matching service under an anonymous
/// address; publishes its plan with proofs; a seller publishes its encrypted feature row;
/// a buyer computes Enc(‖x − u‖²) for the candidate rows it is sent with its plaintext x;
/// both confirm their match records with proofs.
///
/// What it learns: its own slot, the public scales (per-column min and max of the cycle),
/// the candidate sellers' encrypted rows (buyer; semantically secure), its own match
/// records (counterparty pseudonym and slot, traded energy).
public final class ParticipantRole: MarketRole {
    public let identity: String
    public let address: MarketAddress
    public var aliases: [MarketAddress] { [identity] }
    public var transcript: MarketTranscript
    public let cycle: String
    private let secrets: ParticipantSecrets
    private let publicKey: PaillierPublicKey
    private let tracingKey: Point
    private let authority: PseudonymAuthorityKey
    private let registrationAddress: MarketAddress, matchingAddress: MarketAddress
    private let candidates: Int
    private var registrant: CutAndChooseRegistrant?
    private var signingKey: Curve25519.Signing.PrivateKey?
    public private(set) var certificate: PseudonymCertificate?
    public private(set) var plan: MarketPlan?
    public private(set) var slot: Int?
    public private(set) var rejection: String?
    public private(set) var trades: [ParticipantTrade] = []
    private var features: [Int64]?
    /// A buyer's current balance opening (its account record, then after each debit) and its records.
    private var balance: PedersenOpening?
    private var records: [Int: MatchRecord] = [:]
    /// Test hook: tag one cut-and-choose candidate with another identity.
    public var falseTag: (index: Int, identity: String)?
    /// Process mode: publish the plan only on `.submitPlan` and report the slot to `reportTo`.
    public var waitForSubmit = false
    public var reportTo: MarketAddress?
    public var quoteID = ""
    private var submitRequested = false

    public var side: PlanSide { secrets.side }

    public init(identity: String, anonymousAddress: MarketAddress, cycle: String, secrets: ParticipantSecrets,
                publicKey: PaillierPublicKey, tracingKey: Point, authority: PseudonymAuthorityKey, candidates: Int,
                registrationAddress: MarketAddress = "registration-authority", matchingAddress: MarketAddress = "matching-service") {
        self.identity = identity; self.address = anonymousAddress; self.cycle = cycle; self.secrets = secrets
        self.publicKey = publicKey; self.tracingKey = tracingKey; self.authority = authority; self.candidates = candidates
        self.registrationAddress = registrationAddress; self.matchingAddress = matchingAddress
        transcript = MarketTranscript(role: anonymousAddress)
    }

    /// The first message: a cut-and-choose registration request under the identity.
    public func start() throws -> [MarketEnvelope] {
        let r = try CutAndChooseRegistrant(identity: identity, authority: authority, tracingKey: tracingKey, candidates: candidates, falseTagFor: falseTag)
        registrant = r
        return [MarketEnvelope(to: registrationAddress, .registrationRequest(blinded: r.blindedMessages), from: identity)]
    }

    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        switch message {
        case .registrationChallenge(let keep, let sigs):
            guard var r = registrant else { throw PrivacyError.malformedEncoding("unexpected registration challenge") }
            let openings = try r.open(keep: keep, signatures: sigs)
            registrant = r
            return [MarketEnvelope(to: registrationAddress, .registrationOpenings(openings), from: identity)]

        case .registrationIssued(let sig):
            guard let r = registrant else { throw PrivacyError.malformedEncoding("unexpected registration answer") }
            let (cert, key) = try r.finish(blindSignature: sig)
            registrant = nil
            certificate = cert; signingKey = key
            let (p, _) = try MarketPlan.make(side: secrets.side, cycle: cycle, certificate: cert, signingKey: key,
                                            energy: secrets.energy, price: secrets.price, record: secrets.record,
                                            attributes: secrets.rangeAttributes, publicKey: publicKey)
            plan = p
            guard !waitForSubmit || submitRequested else { return [] }
            return [MarketEnvelope(to: matchingAddress, .plan(p, routing: secrets.routing))]

        case .submitPlan:
            submitRequested = true
            guard let p = plan else { return [] }   // sent as soon as registration completes
            return [MarketEnvelope(to: matchingAddress, .plan(p, routing: secrets.routing))]

        case .registrationRefused(let reason), .planRejected(let reason):
            rejection = reason
            transcript.learn("rejected: \(reason)")
            return reportTo.map { [MarketEnvelope(to: $0, .partyReport(quote: quoteID, slot: -1))] } ?? []

        case .planAccepted(let s):
            slot = s
            transcript.learn("accepted as \(secrets.side == .sell ? "seller" : "buyer") slot \(s)")
            return reportTo.map { [MarketEnvelope(to: $0, .partyReport(quote: quoteID, slot: s))] } ?? []

        case .scales(let lo, let hi):
            transcript.learn("scales lo \(lo) hi \(hi)")
            let x = try secrets.features(lo, hi)
            features = x
            guard secrets.side == .sell else { return [] }
            return [MarketEnvelope(to: matchingAddress, .sellerRow(try EncryptedFeatureRow.encrypt(x, publicKey: publicKey)))]

        case .distanceRequest(let session, let rows):
            guard secrets.side == .buy, let x = features else { throw PrivacyError.malformedEncoding("distance request before scales or to a seller") }
            let ds = rows.map { $0.row.squaredDistance(from: x, publicKey: publicKey) }
            return [MarketEnvelope(to: matchingAddress, .distanceReply(session: session, distances: ds))]

        case .matchRecord(let rec, let blinding):
            guard let p = plan, let key = signingKey else { throw PrivacyError.malformedEncoding("match record before a plan") }
            let ro = PedersenOpening(value: rec.energy, blinding: blinding)
            guard PedersenParameters.standard.verify(rec.energyCommitment, opens: ro) else {
                throw PrivacyError.proofRejected("match record \(rec.id): commitment does not open to its energy")
            }
            let mine = secrets.side == .sell ? rec.sellerPseudonym : rec.buyerPseudonym
            guard constantTimeEqual(mine, p.certificate.pseudonymKey) else { throw PrivacyError.proofRejected("match record \(rec.id) is not for this pseudonym") }
            records[rec.id] = rec
            trades.append(ParticipantTrade(record: rec.id, counterpartySlot: secrets.side == .sell ? rec.buyerSlot : rec.sellerSlot, energy: rec.energy))
            transcript.learn("match record \(rec.id): \(rec.energy) Wh with \(secrets.side == .sell ? "buyer" : "seller") slot \(secrets.side == .sell ? rec.buyerSlot : rec.sellerSlot)")
            let c = try MatchConfirmation.make(record: rec, side: secrets.side, plan: p, energyOpening: secrets.energy, recordOpening: ro,
                                               priceOpening: secrets.side == .sell ? secrets.price : nil, signingKey: key)
            return [MarketEnvelope(to: matchingAddress, .matchConfirmation(c))]

        case .balanceDebit(let id, let amount):
            guard secrets.side == .buy, peer == matchingAddress, let rec = records[id] else { throw PrivacyError.malformedEncoding("balance debit for record \(id) not mine") }
            let (u, o) = try BalanceUpdate.debit(balance ?? secrets.record, amount: amount, record: rec)
            balance = o
            transcript.learn("record \(id): balance debited \(amount)")
            return [MarketEnvelope(to: matchingAddress, .balanceUpdate(record: id, balance: u.newBalance, proof: u.nonNegative!))]

        default:
            throw PrivacyError.malformedEncoding("participant does not accept \(message.kind)")
        }
    }
}
