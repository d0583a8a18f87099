/// A candidate seller of one buyer's turn: its slot, current encrypted row.
public struct CandidateRow: Sendable {
    public var slot: Int
    public var row: EncryptedFeatureRow
    public init(slot: Int, row: EncryptedFeatureRow) { self.slot = slot; self.row = row }
}

/// An encrypted distance with the public, pair-dependent term the matching service adds
/// (the loss term from public routing data; SPEC §3.2).
public struct RankCandidate: Sendable {
    public var slot: Int
    public var distance: PaillierCiphertext
    public var pairTerm: Double
    public init(slot: Int, distance: PaillierCiphertext, pairTerm: Double) { self.slot = slot; self.distance = distance; self.pairTerm = pairTerm }
}

/// Every message of the privacy-preserving market (SPEC §4.3–4.4), with one canonical,
/// length-prefixed encoding (`encode` / `decode`). A tag byte names the kind; all integers
/// are big-endian; ciphertexts have the key's fixed length.
public enum MarketMessage: Sendable {
    // registration (participant ↔ registration authority, identity-authenticated channel)
    case registrationRequest(blinded: [[UInt8]])
    case registrationChallenge(keep: Int, signatures: [[UInt8]?])
    case registrationOpenings([RegistrationOpening])
    case registrationIssued(signature: [UInt8])
    case registrationRefused(reason: String)
    /// Registration authority → matching service: pseudonyms opened in cut-and-choose (void).
    case revocations([[UInt8]])
    // plans (participant → matching service, anonymous channel)
    case plan(MarketPlan, routing: [UInt8])
    case planAccepted(slot: Int)
    case planRejected(reason: String)
    case gateClosed
    // cycle-wide min–max scaling
    case rangeQuery(columns: [[PaillierCiphertext]])
    case rangeAnswer(lo: [Int64], hi: [Int64])
    case scales(lo: [Int64], hi: [Int64])
    case sellerRow(EncryptedFeatureRow)
    // matching
    case distanceRequest(session: Int, candidates: [CandidateRow])
    case distanceReply(session: Int, distances: [PaillierCiphertext])
    case rankOpen(session: Int, candidates: [RankCandidate])
    /// Packed form: several distances per ciphertext (Horner: Σ D_i·2^{bits·(k−1−i)}), in
    /// candidate order, `perCiphertext` per ciphertext; one decryption yields them all.
    case rankOpenPacked(session: Int, slots: [Int], pairTerms: [Double], packed: [PaillierCiphertext], slotBits: Int, perCiphertext: Int)
    /// The packed distances with the ask ≤ bid filter (amended SPEC §3.2): `askNotAboveBid`
    /// holds one blinded comparison Enc(ρ·(bid − ask) + ρ′) per candidate, in candidate order;
    /// the key holder ranks only the candidates whose comparison is non-negative.
    case rankOpenFiltered(session: Int, slots: [Int], pairTerms: [Double], packed: [PaillierCiphertext], slotBits: Int, perCiphertext: Int, askNotAboveBid: PackedSigns)
    case rankNext(session: Int, exclude: Int)
    case rankAnswer(session: Int, slot: Int?)
    /// Enc(ρ·(rem − avail) + ρ′) and Enc(σ·(avail − rem) + σ′) with 0 ≤ ρ′ < ρ, 0 ≤ σ′ < σ:
    /// their signs say rem ≥ avail and avail ≥ rem (both: equal), nothing more.
    case energyQuery(session: Int, remainingNotBelow: PaillierCiphertext, availableNotBelow: PaillierCiphertext, remaining: PaillierCiphertext, available: PaillierCiphertext)
    case energyAnswer(session: Int, energy: Int64, buyerDone: Bool, sellerDone: Bool)
    case matchRecord(MatchRecord, blinding: Scalar)
    case matchConfirmation(MatchConfirmation)
    /// All records confirmed by both parties: the matching service publishes them to the operator.
    case published([ConfirmedMatch])
    /// Matching service → operator, just before `published`: what the ledger records (plans, confirmation digests).
    case ledgerDigests(plans: [PlanDigest], confirmations: [ConfirmationDigests])
    // settlement
    case meterReading(record: Int, side: PlanSide, actual: PaillierCiphertext)
    case deviationQuery(record: Int, matched: Int64, toleranceBP: Int64, sellerShortfall: PaillierCiphertext, buyerShortfall: PaillierCiphertext)
    case deviationAnswer(record: Int, outcome: PrivateSettlementOutcome)
    /// Matching service → buyer, after settlement: debit your balance by the settled amount (settled Wh × price).
    case balanceDebit(record: Int, amount: Int64)
    /// Buyer → matching service (forwarded to the operator once verified): the new balance commitment and its b′ ≥ 0 proof.
    case balanceUpdate(record: Int, balance: PedersenCommitment, proof: RangeProof)
    // tracing
    case traceRequest(tag: [UInt8])
    case traceShare(PartialDecryption)
    /// Matching service → operator, with a settlement beyond σ: the tracing tag of an at-fault pseudonym's certificate.
    case faultTag(tag: [UInt8], reason: String)
    /// Operator → registration authority: trace this tag with these trustees.
    case traceOrder(tag: [UInt8], trustees: [MarketAddress])
    /// Registration authority → operator: the registered identity behind the tag (nil: fewer than t shares).
    case traceResult(tag: [UInt8], identity: String?)
    // operator control (process mode)
    /// Operator → participant: publish your plan now (plans reach the matching service in arrival order).
    case submitPlan
    /// Participant → operator: which quote of the cycle file it published and the slot it got (−1: rejected).
    case partyReport(quote: String, slot: Int)
    /// Operator → every process: stop.
    case shutdown

    /// A short kind name for transcripts.
    public var kind: String {
        switch self {
        case .registrationRequest: return "registration-request"
        case .registrationChallenge: return "registration-challenge"
        case .registrationOpenings: return "registration-openings"
        case .registrationIssued: return "registration-issued"
        case .registrationRefused: return "registration-refused"
        case .revocations: return "revocations"
        case .plan: return "plan"
        case .planAccepted: return "plan-accepted"
        case .planRejected: return "plan-rejected"
        case .gateClosed: return "gate-closed"
        case .rangeQuery: return "range-query"
        case .rangeAnswer: return "range-answer"
        case .scales: return "scales"
        case .sellerRow: return "seller-row"
        case .distanceRequest: return "distance-request"
        case .distanceReply: return "distance-reply"
        case .rankOpen: return "rank-open"
        case .rankOpenPacked: return "rank-open-packed"
        case .rankOpenFiltered: return "rank-open-filtered"
        case .rankNext: return "rank-next"
        case .rankAnswer: return "rank-answer"
        case .energyQuery: return "energy-query"
        case .energyAnswer: return "energy-answer"
        case .matchRecord: return "match-record"
        case .matchConfirmation: return "match-confirmation"
        case .published: return "published"
        case .ledgerDigests: return "ledger-digests"
        case .meterReading: return "meter-reading"
        case .deviationQuery: return "deviation-query"
        case .deviationAnswer: return "deviation-answer"
        case .traceRequest: return "trace-request"
        case .traceShare: return "trace-share"
        case .submitPlan: return "submit-plan"
        case .partyReport: return "party-report"
        case .shutdown: return "shutdown"
        case .faultTag: return "fault-tag"
        case .balanceDebit: return "balance-debit"
        case .balanceUpdate: return "balance-update"
        case .traceOrder: return "trace-order"
        case .traceResult: return "trace-result"
        }
    }
}
