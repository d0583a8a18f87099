import GridClearCore
import Privacy

/// What an agent's machine asks of its transport after one step (etcd-io/raft's `Ready`):
/// messages to deliver, partner connections to establish (once, after the setup), and the
/// final result when the run is over.
public struct RCIAgentReady: Sendable {
    public var messages: [RCIEnvelope] = []
    /// Partners (id, address) to connect to; the transport answers with `.partnersConnected`.
    /// Generators accept these partners' connections, consumers dial them.
    public var connect: [(id: String, address: String)]?
    /// The final result (boxed: `Ready` is made and dropped on every step, the result once).
    public var result: RCIAgentResult? {
        get { resultBox.first }
        set { resultBox = newValue.map { [$0] } ?? [] }
    }
    private var resultBox: [RCIAgentResult] = []
}

/// What an agent reports at the end: its outcome (its own trades and prices), the settled
/// kW per partner, which partners' result proofs it verified, and its last residuals.
public struct RCIAgentResult: Sendable {
    public var outcome: RCIAgentOutcome
    public var converged: Bool
    public var settledKW: [String: Int64]
    public var verified: [String]
    public var failed: [String: String]
    public var lastReport: RCIStepReport?
    /// The reciprocity verdict on the final trades (nil when not tested, e.g. ADMM).
    public var finalReciprocityHolds: Bool?
    /// Time per kind of work (zero unless the machine had a clock).
    public var costs: RCICosts
}

/// One agent's side of the protocol as a pure state machine: `step` takes one input and
/// returns everything to send. The protocol order lives here once; the in-process driver
/// and the socket node only move bytes.
///
/// Order: hello → setup → partner connections → per iteration k: shares to every partner,
/// one share from every partner, request (flag of step k−1, masked Enc(λ^{k+1}), blinded
/// tests) to the platform, reply → either `advance` and iteration k+1, or (stop) the result
/// proofs: generators send settlements, consumers wait for them, everybody sends its bundle,
/// verifies its partners' bundles and reports the verdicts to the platform.
///
/// Guarantees: deterministic given the spec, the setup and the injected generator; partner
/// messages are consumed per partner in FIFO order, so any interleaving of deliveries gives
/// the same result; its cost parameters and bounds never leave the machine except inside
/// commitments and zero-knowledge proofs; any message out of order is a protocol violation.
public struct RCIAgentMachine: Sendable {
    public let spec: RCIAgentSpec
    /// Where partners reach this agent (announced in the hello).
    public let address: String
    var perturbation: RCIStepPerturbation?
    var rng: SplitMix64
    /// This agent's registrar certificate and openings (required when the setup names a registrar).
    let certified: RCICertifiedBounds?
    /// Deliberate deviations, for tests of detection only.
    public var faults = RCIAgentFaults()
    /// The registrar key of the run (empty: self-declared bounds).
    var registrarKey: [UInt8] = []
    enum Phase: Sendable {
        case idle, awaitingSetup, connecting
        case exchanging(Int)
        case awaitingReply(Int, masks: [Int128], incoming: [RCIShare], plans: [RCIUpdatePlan])
        case settling, verifying, done
        /// Sent an accusation for iteration k: waits for the platform's verdict (an abort).
        case accusing(Int)
    }
    var phase: Phase = .idle
    var core: (any RCIConsensusCore)?
    var cipher: RCIAgentCipher?
    /// This agent's slot in every receiver's packing (its place among its own role, mod slots).
    var ownSlot = 0
    /// Randomisers precomputed in idle time (`precompute()`), drawn from their own stream.
    var pool: PaillierRandomnessPool?
    var poolRNG = SplitMix64(seed: 0)
    /// A DJN fixed-base table for the platform's key made by a trusted launcher (`rci run`):
    /// adopted at the setup when it is for the setup's key (else the key builds its own).
    public var fixedBaseTable: [UInt8]?
    public internal(set) var partners: [String] = []
    /// Partners' registered Ed25519 keys from the setup (empty when the run registers none).
    public internal(set) var partnerKeys: [String: [UInt8]] = [:]
    var partnerIndex: [String: Int] = [:]
    /// Unconsumed messages per partner, FIFO.
    var inbox: [[RCIMessage]] = []
    /// How many partners' inboxes are non-empty (a phase progresses when all are).
    var filledInboxes = 0
    /// Messages from agents that arrived before the setup named the partners (bounded).
    var early: [(String, RCIMessage)] = []
    var runConverged = false
    /// The reciprocity verdict on this iteration's shares (plaintext: own; encrypted: the platform's).
    var verdict: Bool?
    // result-proof state
    var openings: [PedersenOpening] = []
    var committed: [Int64] = []
    var pairToleranceKW: Int64 = 0
    /// Time per kind of work (only with a clock; see `RCICostMeter`).
    public var meter = RCICostMeter()
    var bundle: RCIResultProof.Bundle?
    /// Per-iteration proof state (nil: the run has none).
    var proofs: RCIAgentProofState?
    /// Signs this agent's per-iteration contributions and bundles (required with per-iteration proofs).
    public var identity: RCIIdentity?

    public init(spec: RCIAgentSpec, address: String, perturbation: RCIStepPerturbation?, rng: SplitMix64,
                certified: RCICertifiedBounds? = nil) throws {
        self.spec = try spec.validated()
        self.address = address
        self.perturbation = perturbation
        self.rng = rng
        self.certified = certified
    }

    /// The parties this machine needs a message from before it can progress (a transport
    /// reads only these; a finished partner's closed connection is then never read).
    public var awaiting: [RCIParty] {
        switch phase {
        case .awaitingSetup, .awaitingReply, .accusing: return [.platform]
        case .exchanging, .settling, .verifying: return partners.indices.filter { inbox[$0].isEmpty }.map { .agent(partners[$0]) }
        case .idle, .connecting, .done: return []
        }
    }

    /// The numerical core once the setup has arrived.
    public var consensus: (any RCIConsensusCore)? { core }

    public mutating func step(_ input: RCIInput) throws -> RCIAgentReady {
        var ready = RCIAgentReady()
        // The hot path (a partner's message once the partners are known), without copying the phase.
        if case .received(.agent(let id), let m) = input, !inbox.isEmpty {
            if case .abort(let why) = m { throw RCIError.peerFailed("\(id) aborted: \(why)") }
            try enqueue(m, from: id)
            try drain(into: &ready)
            return ready
        }
        switch (phase, input) {
        case (.idle, .start):
            ready.messages.append(RCIEnvelope(to: .platform, message: .hello(id: spec.id, role: spec.role, address: address)))
            phase = .awaitingSetup
        case (_, .received(let from, .abort(let why))):
            throw RCIError.peerFailed("\(from) aborted: \(why)")
        case (.awaitingSetup, .received(.platform, .setup(let setup))):
            ready.connect = try accept(setup)
            phase = .connecting
        case (.connecting, .partnersConnected):
            try beginIteration(into: &ready)
        case (.awaitingSetup, .received(.agent(let id), let m)):
            // A partner that got its setup first may already send its first share.
            guard early.count < 1024 else { throw RCIError.protocolViolation("too many messages before the setup") }
            early.append((id, m))
        case (_, .received(.agent(let id), let m)):
            // Buffered per partner: a partner may be one phase ahead (e.g. its share of k+1
            // arrives while this agent still waits for the platform's reply to k).
            try enqueue(m, from: id)
            try drain(into: &ready)
        case (.awaitingReply(let k, let masks, let incoming, let plans), .received(.platform, .reply(let it, let stop, let values, let verdict))):
            guard it == k else { throw RCIError.protocolViolation("the platform replied for iteration \(it) during \(k)") }
            try handleReply(k: k, stop: stop, values: values, verdict: verdict, masks: masks, incoming: incoming, plans: plans, into: &ready)
            try drain(into: &ready)
        case (_, .received(let from, let m)):
            throw RCIError.protocolViolation("\(spec.id) got \(m.kind) from \(from) in phase \(phase)")
        default:
            throw RCIError.protocolViolation("\(spec.id): input \(input) in phase \(phase)")
        }
        return ready
    }

    /// A message from `partners[i]`: the same as `step(.received(from: .agent(partners[i]), m))`
    /// without looking the id up (an in-process driver's hand-off). Only once the partners are
    /// known (after the setup).
    public mutating func receive(fromPartnerAt i: Int, _ m: RCIMessage) throws -> RCIAgentReady {
        guard inbox.indices.contains(i) else { throw RCIError.protocolViolation("\(spec.id) has no partner number \(i)") }
        var ready = RCIAgentReady()
        if case .abort(let why) = m { throw RCIError.peerFailed("\(partners[i]) aborted: \(why)") }
        try enqueue(m, at: i)
        try drain(into: &ready)
        return ready
    }

    private mutating func accept(_ setup: RCISetup) throws -> [(id: String, address: String)] {
        guard setup.roster.contains(RCIRosterEntry(id: spec.id, role: spec.role)) else {
            throw RCIError.protocolViolation("the platform's roster does not list \(spec.id) as a \(spec.role.rawValue)")
        }
        guard setup.roster.count == setup.addresses.count else { throw RCIError.protocolViolation("setup roster and addresses differ in length") }
        registrarKey = setup.registrarKey
        if !registrarKey.isEmpty {
            guard let certified else {
                throw RCIError.protocolViolation("this run certifies bounds: \(spec.id) needs its registrar certificate (--certificate)")
            }
            try certified.certificate.verify(registrar: registrarKey, agent: spec.id)
        }
        partners = RCIRosterEntry.partners(of: spec.role, in: setup.roster)
        partnerIndex = Dictionary(uniqueKeysWithValues: partners.enumerated().map { ($1, $0) })
        inbox = Array(repeating: [], count: partners.count)
        filledInboxes = 0
        for (id, m) in early { try enqueue(m, from: id) }
        early = []
        let addresses = Dictionary(setup.roster.indices.map { (setup.roster[$0].id, setup.addresses[$0]) }, uniquingKeysWith: { a, _ in a })
        if setup.keys.count == setup.roster.count {
            partnerKeys = Dictionary(setup.roster.indices.filter { partnerIndex[setup.roster[$0].id] != nil }
                .map { (setup.roster[$0].id, setup.keys[$0]) }, uniquingKeysWith: { a, _ in a })
        }
        pairToleranceKW = RCIResultProof.pairToleranceKW(reciprocityThreshold: setup.parameters.thresholds.reciprocity)
        core = try setup.parameters.algorithm.core(spec: spec, partners: partners, parameters: setup.parameters, perturbation: perturbation)
        cipher = setup.encrypted
            ? RCIAgentCipher(publicKey: try PaillierPublicKey(serialized: setup.publicKey), masking: setup.masking) : nil
        if let cipher {
            let peers = RCIRosterEntry.partners(of: spec.role == .generator ? .consumer : .generator, in: setup.roster)
            ownSlot = cipher.slot(ofPartner: peers.firstIndex(of: spec.id) ?? 0)
            if let table = fixedBaseTable { try? cipher.publicKey.useFixedBaseTable(table) }
            fixedBaseTable = nil
            pool = PaillierRandomnessPool(publicKey: cipher.publicKey, count: 0)
            poolRNG = SplitMix64(seed: rng.next())
        }
        try acceptIterationProofs(setup)
        return try partners.map { p in
            guard let a = addresses[p] else { throw RCIError.protocolViolation("no address for partner \(p)") }
            return (p, a)
        }
    }

    /// Sends this iteration's shares and enters `.exchanging`.
    mutating func beginIteration(into ready: inout RCIAgentReady) throws {
        // No local copy of `core`: it would still hold the core's storage when `drain` below
        // mutates the core, and force a copy of all its arrays every iteration.
        guard core != nil else { return }
        let k = core!.iteration, withPrice = core!.sharesPrice
        let mine = try core!.shares()
        let contributions = try iterationContributions(k: k, shares: mine)
        let t = meter.start()
        ready.messages.reserveCapacity(ready.messages.count + partners.count)
        for (i, p) in partners.enumerated() {
            let m: RCIMessage = try cipher.map {
                var share = mine[i]
                if faults.cheatShareAt == k, contributions.isEmpty { share.power &+= 1 }  // test flag, unproven iteration: goes unnoticed
                var s = try $0.encrypt(share, withPrice: withPrice, slot: ownSlot, pool: pool, using: &rng)
                if !contributions.isEmpty { s.contribution = contributions[i].contribution; s.power = contributions[i].power }
                return .encryptedShare(s)
            } ?? .share(mine[i])
            ready.messages.append(RCIEnvelope(to: .agent(p), message: m, partner: i))
        }
        meter.charge(\.encryption, since: t)
        meter.countIteration()
        phase = .exchanging(k)
        try drain(into: &ready)
    }

    /// Precomputes one encryption randomiser if the pool holds less than two iterations'
    /// worth; returns whether it did (a transport calls this while it has nothing to read).
    public mutating func precompute() -> Bool {
        guard let pool, let core, !partners.isEmpty else { return false }
        guard pool.available < 2 * partners.count * (core.sharesPrice ? 2 : 1) else { return false }
        pool.refillFast(count: 1, using: &poolRNG)
        return true
    }

    /// Buffers a partner's message (a partner may be one phase ahead, e.g. its share of k+1
    /// arrives while this agent still waits for the platform's reply to k).
    mutating func enqueue(_ m: RCIMessage, from id: String) throws {
        guard let i = partnerIndex[id] else { throw RCIError.protocolViolation("message from \(id), who is not a partner of \(spec.id)") }
        try enqueue(m, at: i)
    }

    private mutating func enqueue(_ m: RCIMessage, at i: Int) throws {
        guard inbox[i].count < 4 else { throw RCIError.protocolViolation("\(partners[i]) is running ahead of the protocol") }
        if inbox[i].isEmpty { filledInboxes += 1 }
        inbox[i].append(m)
    }

    /// One message from every partner, in partner order.
    private mutating func heads() -> [RCIMessage] {
        var out: [RCIMessage] = []
        out.reserveCapacity(inbox.count)
        for i in inbox.indices {
            out.append(inbox[i].removeFirst())
            if inbox[i].isEmpty { filledInboxes -= 1 }
        }
        return out
    }

    /// Progresses as far as the buffered partner messages allow.
    mutating func drain(into ready: inout RCIAgentReady) throws {
        guard filledInboxes == inbox.count, !inbox.isEmpty else { return }
        switch phase {
        case .exchanging(let k):
            try exchange(k: k, heads: heads(), into: &ready)
        case .settling, .verifying:
            try proofStep(heads: heads(), into: &ready)
        default:
            return
        }
    }
}

/// Deliberate protocol deviations of an agent, for tests of the detection (a test flag).
public struct RCIAgentFaults: Sendable, Equatable {
    /// Prove the result against this upper bound (MW) instead of the certified one.
    public var claimedUpperBound: Double?
    /// Send a wrong consensus-factor update (off by one unit) in this iteration.
    public var cheatUpdateAt: Int?
    /// In this (proven) iteration, forward every partner's contribution header to the platform
    /// altered (a partner trying to frame the owner).
    public var tamperForwardedAt: Int?
    /// In this (proven) iteration, the agent's contributions are altered after it signed them
    /// (what a hop between it and its partners could do).
    public var alteredInTransitAt: Int?
    /// In this iteration, send every partner a share whose Enc(P) is off by one unit (in a
    /// proven iteration: from the committed P, so its proof fails; otherwise undetected).
    public var cheatShareAt: Int?
    public init(claimedUpperBound: Double? = nil, cheatUpdateAt: Int? = nil, tamperForwardedAt: Int? = nil, alteredInTransitAt: Int? = nil,
                cheatShareAt: Int? = nil) {
        self.claimedUpperBound = claimedUpperBound; self.cheatUpdateAt = cheatUpdateAt; self.tamperForwardedAt = tamperForwardedAt
        self.alteredInTransitAt = alteredInTransitAt; self.cheatShareAt = cheatShareAt
    }
}
