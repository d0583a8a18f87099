import Clearing
import GridClearCore
import Privacy

/// Options of one private cycle.
public struct PrivateCycleOptions: Sendable {
    /// Paillier modulus bits of the key holder (2048 in production; ≥ 512 for protocol tests).
    public var paillierBits = 2048
    /// RSA bits of the registration authority's blind-signature key (2048, 3072 or 4096).
    public var authorityBits = 2048
    /// The registration authority's long-lived blind-RSA private key (PEM, as written by
    /// `gridclear keygen --blind-rsa`); nil: a fresh key of `authorityBits` for this run.
    public var authorityKeyPEM: String? = nil
    /// Cut-and-choose candidates per registration (a false tracing tag escapes with 1/k).
    public var candidates = 4
    /// (t, n) tracing threshold among trustees.
    public var threshold = 2, trustees = 3
    /// Registration round (certificates of other rounds are refused).
    public var round: UInt64 = 1
    /// Trustees that answer trace requests (nil: all n). Fewer than t shows tracing fails.
    public var tracingAnswering: Int? = nil
    public init() {}

    /// The round's cut-and-choose authority, with the configured key or a fresh one.
    func makeAuthority(tracingKey: Point, registered: Set<String>) throws -> CutAndChooseAuthority {
        if let pem = authorityKeyPEM {
            do {
                return try CutAndChooseAuthority(round: round, tracingKey: tracingKey, registered: registered, candidates: candidates, pemRepresentation: pem)
            } catch {
                throw PrivateMarketError.usage("the registration key is not a blind-RSA private key in PEM form (make one with 'gridclear keygen --blind-rsa --out PREFIX' and pass PREFIX.blindrsa.key)")
            }
        }
        return try CutAndChooseAuthority(round: round, tracingKey: tracingKey, registered: registered, candidates: candidates, keyBits: authorityBits)
    }
}

/// Wall time per protocol step (nanoseconds), from the injected clock.
public struct PrivateCycleTimings: Sendable {
    public var steps: [(name: String, nanos: UInt64)] = []
    public var perHandler = MarketTimings()
}

/// The outcome of a private cycle: the result rendered as plaintext K-prototypes would
/// render it, every role's transcript, and the live roles (for settlement and tracing).
public struct PrivateCycleOutcome {
    public var result: ClearingResult
    public var matches: [KProtoReplay.Match]
    public var transcripts: [MarketTranscript]
    public var timings: PrivateCycleTimings
    public var faults: [String]
    public var rejected: [(identity: String, reason: String)]
    public let bus: MarketBus
    public let matching: MatchingServiceRole
    public let keyHolder: KeyHolderRole
    public let authority: RegistrationAuthorityRole
    public let trusteeRoles: [TrusteeRole]
    /// The operator's mailbox on the bus (settlement decisions, fault tags, trace results).
    public let operatorRole: OperatorRole
    public let participants: [ParticipantRole]
    /// Participant index per bid / offer (arrival order).
    public let bidParticipant: [Int], offerParticipant: [Int]
}

/// Runs the whole privacy-preserving market for one cycle in process (issue 14): key
/// holder, registration authority with cut-and-choose issuance, (t, n) trustees, one
/// participant role per bid and offer, and the matching service — all exchanging canonical
/// bytes over a `MarketBus`, each recording its transcript.
///
/// Guarantee: on honest participants the returned result equals
/// `KPrototypesMechanism().clear(inputs)` — same trades, same Wh, same prices.
/// `tamper` lets tests replace a participant's secrets (false proofs) before it starts.
public enum PrivateCycle {
    public static func run(_ inputs: CycleInputs, options: PrivateCycleOptions = PrivateCycleOptions(),
                           clock: @escaping () -> UInt64 = { 0 },
                           tamper: ((_ participant: ParticipantRole) -> Void)? = nil,
                           tamperSecrets: ((_ identity: String, _ secrets: inout ParticipantSecrets) -> Void)? = nil) throws -> PrivateCycleOutcome {
        var timings = PrivateCycleTimings()
        var t0 = clock()
        func step(_ name: String) { let t = clock(); timings.steps.append((name, t &- t0)); t0 = t }

        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        let adapter = KProtoPrivateInputs(market: inputs.market, grid: inputs.grid)

        // Setup: key holder key, trustees' tracing key, registration authority.
        let sk = try PaillierPrivateKey.generate(bits: options.paillierBits)
        let pk = sk.publicKey
        var rng = SystemCSPRNG()
        let (tracing, shares) = try ThresholdTracingKey.deal(threshold: options.threshold, trustees: options.trustees, using: &rng)
        let identities = bids.map { "\($0.buyerID)#\($0.id)" } + offers.map { "\($0.sellerID)#\($0.id)" }
        let ca = try options.makeAuthority(tracingKey: tracing.publicKey, registered: Set(identities))
        let ra = RegistrationAuthorityRole(authority: ca, tracing: tracing)
        let kh = KeyHolderRole(secretKey: sk)
        let trustees = try shares.map { try TrusteeRole(address: "trustee-\($0.index)", share: $0, commitments: tracing.commitments) }
        step("setup (keys)")

        // Participants and their anonymous account records.
        let pp = PedersenParameters.standard
        var participants: [ParticipantRole] = []
        var records = Set<PedersenCommitment>()
        func add(_ identity: String, _ secrets: ParticipantSecrets) {
            var s = secrets
            tamperSecrets?(identity, &s)
            records.insert(pp.commit(secrets.record))   // the registered record is the honest one
            let p = ParticipantRole(identity: identity, anonymousAddress: "anon-\(participants.count)", cycle: inputs.cycleID, secrets: s,
                                    publicKey: pk, tracingKey: tracing.publicKey, authority: ca.publicKey, candidates: options.candidates)
            tamper?(p)
            participants.append(p)
        }
        for o in offers {
            let capacity = o.quantity
            add("\(o.sellerID)#\(o.id)", ParticipantSecrets(
                side: .sell, energy: pp.commit(o.quantity).opening, price: pp.commit(o.price).opening, record: pp.commit(capacity).opening,
                rangeAttributes: KProtoPrivateInputs.rangeAttributes(o),
                features: { lo, hi in try adapter.sellerFeatures(o, lo: lo, hi: hi) },
                routing: KProtoPrivateInputs.routing(o.location, maxLossPct: nil)))
        }
        for b in bids {
            let balance = b.quantity * b.price
            add("\(b.buyerID)#\(b.id)", ParticipantSecrets(
                side: .buy, energy: pp.commit(b.quantity).opening, price: pp.commit(b.price).opening, record: pp.commit(balance).opening,
                rangeAttributes: KProtoPrivateInputs.rangeAttributes(b),
                features: { lo, hi in try adapter.buyerFeatures(b, lo: lo, hi: hi) },
                routing: KProtoPrivateInputs.routing(b.location, maxLossPct: b.maxLossPct)))
        }
        let config = MatchingServiceConfig(cycle: inputs.cycleID, publicKey: pk, authority: ca.publicKey, accountRecords: records,
                                           pairTerms: { try adapter.pairTerms(buyers: $0, sellers: $1) },
                                           quantityColumn: KProtoPrivateInputs.quantityColumn,
                                           sqrtQuantityWeight: adapter.sqrtQuantityWeight,
                                           toleranceBP: Int64((inputs.market.settlement.tolerancePct * 100).rounded()))
        var packedConfig = config
        packedConfig.distanceBits = adapter.distanceBits
        let ms = MatchingServiceRole(config: packedConfig)
        let bus = MarketBus(publicKey: pk, clock: clock)
        for r in [ms, kh, ra] as [MarketRole] { bus.add(r) }
        for t in trustees { bus.add(t) }
        for p in participants { bus.add(p) }

        // Registration and plan publication, one participant at a time in arrival order
        // (sellers by offer arrival, buyers by bid arrival), so slots follow arrival.
        var faults: [String] = []
        for p in participants {
            do { bus.post(try p.start(), from: p) } catch { faults.append("\(p.identity): \(error)") }
            bus.run()
            ms.revoke(ca.revoked)
        }
        step("registration + plans (proofs)")

        let op = OperatorRole()
        bus.add(op)
        bus.post([MarketEnvelope(to: ms.address, .gateClosed)], from: op)
        bus.run()
        step("range, encryption, matching, confirmation")
        faults += bus.faults.map { "\($0.role) \($0.kind): \($0.error)" }
        guard ms.isDone else { throw PrivateMarketError.incomplete("matching did not finish: \(faults.joined(separator: "; "))") }

        // Publish: map slots back to quotes through each party's own view.
        var buyerSlot: [Int: Int] = [:], sellerSlot: [Int: Int] = [:]
        var bidParticipant = [Int](repeating: -1, count: bids.count), offerParticipant = [Int](repeating: -1, count: offers.count)
        for (i, p) in participants.enumerated() {
            let isSeller = i < offers.count
            if isSeller { offerParticipant[i] = i } else { bidParticipant[i - offers.count] = i }
            guard let s = p.slot else { continue }
            if isSeller { sellerSlot[s] = i } else { buyerSlot[s] = i - offers.count }
        }
        var matches: [KProtoReplay.Match] = []
        for m in ms.matches {
            guard let b = buyerSlot[m.record.buyerSlot], let o = sellerSlot[m.record.sellerSlot], let price = m.price else {
                throw PrivateMarketError.incomplete("record \(m.record.id) is not confirmed by both parties")
            }
            matches.append(KProtoReplay.Match(bid: b, offer: o, energy: m.record.energy, price: price))
        }
        let result = try KProtoReplay.result(inputs, matches: matches)
        timings.perHandler = bus.timings
        let rejected = participants.compactMap { p in p.rejection.map { (p.identity, $0) } }
        let transcripts = [ms.transcript, kh.transcript, ra.transcript] + trustees.map(\.transcript) + participants.map(\.transcript)
        return PrivateCycleOutcome(result: result, matches: matches, transcripts: transcripts, timings: timings, faults: faults,
                                   rejected: rejected, bus: bus, matching: ms, keyHolder: kh, authority: ra, trusteeRoles: trustees, operatorRole: op,
                                   participants: participants, bidParticipant: bidParticipant, offerParticipant: offerParticipant)
    }
}

/// The market operator's mailbox: closes the gate, receives the participants' slot reports
/// (process mode) and the published match records.
public final class OperatorRole: MarketRole {
    public let address: MarketAddress = "operator"
    public var transcript = MarketTranscript(role: "operator")
    public private(set) var published: [ConfirmedMatch]?
    /// What the matching service handed over for the ledger (plans, confirmation digests).
    public private(set) var ledgerDigests: (plans: [PlanDigest], confirmations: [ConfirmationDigests])?
    /// Private settlement decisions forwarded by the matching service, by record id.
    public private(set) var settlements: [Int: PrivateSettlementOutcome] = [:]
    /// Quote id → slot (−1: rejected), as each participant reported it.
    public private(set) var reports: [String: Int] = [:]
    /// Tracing tags of at-fault pseudonyms (from the matching service) and the authority's answers.
    public private(set) var faultTags: [(tag: [UInt8], reason: String)] = []
    public private(set) var traceResults: [[UInt8]: String?] = [:]
    /// Buyers' new balance commitments after settlement, by record id (verified by the matching service).
    public private(set) var balances: [Int: PedersenCommitment] = [:]
    public init() {}
    public func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] {
        switch message {
        case .published(let ms): published = ms
        case .ledgerDigests(let p, let c): ledgerDigests = (p, c)
        case .deviationAnswer(let id, let o): settlements[id] = o
        case .partyReport(let q, let slot): reports[q] = slot
        case .faultTag(let tag, let why): faultTags.append((tag, why))
        case .balanceUpdate(let id, let c, _): balances[id] = c
        case .traceResult(let tag, let who): traceResults[tag] = .some(who)
        default: break
        }
        return []
    }
}

/// Failures of a private cycle, each saying what to do.
public enum PrivateMarketError: Error, CustomStringConvertible {
    case incomplete(String)
    case usage(String)
    public var description: String {
        switch self {
        case .incomplete(let s): return "private cycle incomplete: \(s) (see the transcripts for the failing role)"
        case .usage(let s): return s
        }
    }
}
