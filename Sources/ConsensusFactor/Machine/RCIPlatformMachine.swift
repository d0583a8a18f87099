/// What the platform's machine asks of its transport after one step.
public struct RCIPlatformReady: Sendable {
    public var messages: [RCIEnvelope] = []
    /// What the platform learned by decrypting (one reply per agent per iteration), for
    /// transcripts and privacy audits; the same values are in `messages`.
    public var decrypted: [RCIEnvelope] = []
    /// The end-of-run summary (boxed: `Ready` is made and dropped on every step).
    public var summary: RCIPlatformSummary? {
        get { summaryBox.first }
        set { summaryBox = newValue.map { [$0] } ?? [] }
    }
    private var summaryBox: [RCIPlatformSummary] = []
}

/// What the platform reports at the end of a run.
public struct RCIPlatformSummary: Sendable, Equatable {
    public var converged: Bool
    public var iterations: Int
    public var decryptions: Int
    /// agent id → partners whose result proofs it verified / rejected.
    public var verified: [String: [String]]
    public var failed: [String: [String]]
    /// Time per kind of work (zero unless the machine had a clock).
    public var costs: RCICosts = RCICosts()
    /// Iterations whose per-iteration proofs were checked (inline or audited), in order.
    public var checkedProofIterations: [Int] = []
}

/// The trading platform as a pure state machine: gathers `agentCount` hellos, sends the
/// setup (public parameters, key, roster sorted bytewise by id), then per iteration waits for
/// every agent's request, ends the run when every flag is true (or at `maxIterations`), else
/// decrypts each agent's masked consensus factors and blinded tests and replies to that agent
/// alone; finally collects every agent's verification report.
///
/// Guarantees: it never receives a partner share, so it never holds a ciphertext of a P
/// value; replies only to the agent whose ciphertexts it decrypted; deterministic (it draws
/// no randomness); any message out of order is a protocol violation naming the agent.
public struct RCIPlatformMachine: Sendable {
    public let agentCount: Int
    public let parameters: RCIParameters
    public let cipher: RCIPlatformCipher?
    public let masking: Bool
    /// The registrar's Ed25519 key when bounds are certified (forwarded in the setup).
    public let registrarKey: [UInt8]
    /// The registered agents (id → role, Ed25519 key); empty: any id may join.
    public let registered: [String: RCIRegisteredAgent]

    enum Phase: Sendable { case gathering, iterating(Int), verifying, done }
    var phase: Phase = .gathering
    var joined: [RCIRosterEntry] = []
    var addresses: [String: String] = [:]
    /// This iteration's requests, decrypted on arrival (while other agents still compute).
    /// This iteration's requests: opened on arrival, except the packed factors of a proof
    /// iteration (`deferred`), decrypted only once their partners' slots are proven.
    var requests: [String: (converged: Bool, values: [Int128], verdict: Bool?, wants: Bool, deferred: [[UInt8]]?)] = [:]
    var verified: [String: [String]] = [:], failed: [String: [String]] = [:]
    /// Agents whose bundle the platform checked (range proofs, certificate), and the rejected ones.
    var bundlesChecked: Set<String> = [], rejected: [String] = []
    var decryptions = 0
    var convergedRun = false
    var iterations = 0
    /// Time per kind of work (only with a clock; see `RCICostMeter`).
    public var meter = RCICostMeter()
    /// Per-iteration proofs (`iterationProofs` sets the schedule).
    var proofState = RCIPlatformProofState()
    /// This run's id, sent in the setup and bound into per-iteration proofs.
    public var runID: [UInt8] = []
    /// The evidence of the last blame of the per-iteration proofs (`RCIBlameEvidence` bytes),
    /// set before the machine throws the `RCIError.cheating` it supports.
    public internal(set) var blameEvidence: [UInt8]?

    public init(agentCount: Int, parameters: RCIParameters, cipher: RCIPlatformCipher?, masking: Bool,
                registrarKey: [UInt8] = [], registered: [String: RCIRegisteredAgent] = [:]) throws {
        guard registered.isEmpty || registered.count == agentCount else {
            throw RCIError.protocolViolation("\(registered.count) registered agents for a run of \(agentCount)")
        }
        self.registered = registered
        guard registrarKey.isEmpty || registrarKey.count == 32 else {
            throw RCIError.protocolViolation("the registrar key must be 32 bytes (Ed25519), not \(registrarKey.count)")
        }
        self.registrarKey = registrarKey
        guard agentCount >= 2 else { throw RCIError.protocolViolation("the platform needs at least 2 agents") }
        self.agentCount = agentCount
        self.parameters = try parameters.validated()
        self.cipher = cipher
        self.masking = masking
    }

    /// The agents whose message the machine needs before it can progress (a transport reads
    /// only these; empty while gathering, when any new connection may say hello).
    public var awaiting: [RCIParty] {
        switch phase {
        case .gathering, .done: return []
        case .iterating: return joined.filter { requests[$0.id] == nil }.map { .agent($0.id) }
        case .verifying: return joined.filter { verified[$0.id] == nil || !bundlesChecked.contains($0.id) }.map { .agent($0.id) }
        }
    }

    /// The agents in roster order (after the setup).
    public var roster: [RCIRosterEntry] { joined }

    public mutating func step(_ input: RCIInput) throws -> RCIPlatformReady {
        var ready = RCIPlatformReady()
        guard case .received(let from, let m) = input else { return ready }
        guard case .agent(let id) = from else { throw RCIError.protocolViolation("the platform got a message from itself") }
        if case .abort(let why) = m { throw RCIError.peerFailed("agent \(id) aborted: \(why)") }
        switch (phase, m) {
        case (.gathering, .hello(let hid, let role, let address)):
            guard hid == id else { throw RCIError.protocolViolation("connection of \(id) says hello as \(hid)") }
            guard addresses[id] == nil else { throw RCIError.protocolViolation("agent id \(id) joined twice") }
            if !registered.isEmpty {
                guard registered[id]?.role == role else { throw RCIError.protocolViolation("\(id) is not registered as a \(role.rawValue)") }
            }
            joined.append(RCIRosterEntry(id: id, role: role)); addresses[id] = address
            if joined.count == agentCount { try sendSetup(into: &ready) }
        case (.iterating(let k), .request(let it, let c, let l, let t, let w)):
            guard it == k, addresses[id] != nil, requests[id] == nil else {
                throw RCIError.protocolViolation("agent \(id) sent a request for iteration \(it) during \(k)")
            }
            requests[id] = try open(agent: id, converged: c, lambdas: l, tests: t, wants: w,
                                    deferring: iterationProofs.agentsProveEvery.provesIteration(k))
            if requests.count == agentCount { try answer(k, into: &ready) }
        case (.iterating(let k), .iterationProof(let it, let payload)):
            guard addresses[id] != nil, requests[id] == nil else { throw RCIError.protocolViolation("agent \(id) sent an iteration proof after its request") }
            try acceptIterationProof(from: id, iteration: it, current: k, payload: payload)
        case (.iterating(let k), .accusation(let it, let owner, let contribution)):
            guard it == k, addresses[id] != nil, requests[id] == nil, iterationProofs.agentsProveEvery.provesIteration(k) else {
                throw RCIError.protocolViolation("agent \(id) sent an unexpected accusation for \(it) during \(k)")
            }
            throw judgeAccusation(by: id, owner: owner, iteration: k, contribution: contribution)
        case (.verifying, .resultProof(let r)):
            guard r.from == id, addresses[id] != nil, !bundlesChecked.contains(id) else {
                throw RCIError.protocolViolation("agent \(id) sent a second or foreign result proof")
            }
            bundlesChecked.insert(id)
            let t = meter.start()
            do {
                guard r.payload.first == 1 else { throw RCIError.protocolViolation("unproven result") }
                let b = try RCIResultProof.Bundle(bytes: Array(r.payload.dropFirst()))
                guard b.agent == id else { throw RCIError.protocolViolation("bundle names \(b.agent)") }
                try b.verify(verifier: "platform", mine: nil, registrar: registrarKey.isEmpty ? nil : registrarKey)
            } catch {
                rejected.append(id)
            }
            meter.charge(\.proofs, since: t)
            try finishIfComplete(into: &ready)
        case (.verifying, .verification(let vid, let ok, let bad)):
            guard vid == id, addresses[id] != nil, verified[id] == nil else {
                throw RCIError.protocolViolation("agent \(id) sent a second or foreign verification report")
            }
            verified[id] = ok; failed[id] = bad
            try finishIfComplete(into: &ready)
        default:
            throw RCIError.protocolViolation("agent \(id) sent \(m.kind) in phase \(phase)")
        }
        return ready
    }

    /// Every agent's verification report and bundle are in: the summary.
    private mutating func finishIfComplete(into ready: inout RCIPlatformReady) throws {
        guard verified.count == agentCount && bundlesChecked.count == agentCount else { return }
        if !rejected.isEmpty { failed["platform"] = rejected.sorted() }
        phase = .done
        ready.summary = RCIPlatformSummary(converged: convergedRun, iterations: iterations, decryptions: decryptions,
                                           verified: verified, failed: failed, costs: meter.costs, checkedProofIterations: proofState.checked)
    }

    private mutating func sendSetup(into ready: inout RCIPlatformReady) throws {
        joined.sort { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
        guard Set(joined.map(\.role)).count == 2 else { throw RCIError.protocolViolation("the agents must include generators and consumers") }
        let setup = RCISetup(parameters: parameters, encrypted: cipher != nil, masking: masking,
                             publicKey: cipher?.privateKey.publicKey.serialize() ?? [], registrarKey: registrarKey,
                             roster: joined, addresses: joined.map { addresses[$0.id] ?? "" },
                             keys: registered.isEmpty ? [] : joined.map { registered[$0.id]?.publicKey ?? [] },
                             proveEvery: iterationProofs.agentsProveEvery, runID: runID)
        try startIterationProofChain()
        for a in joined { ready.messages.append(RCIEnvelope(to: .agent(a.id), message: .setup(setup))) }
        phase = .iterating(0)
    }

    /// Decrypts one agent's request as it arrives: its blinded tests (only the conjunction
    /// "all ≥ 0" is kept) and its packed consensus factors (replied to it alone). The values
    /// are decrypted even in the iteration that turns out to be the last (then never sent).
    private mutating func open(agent id: String, converged: Bool, lambdas: [[UInt8]], tests: [[UInt8]], wants: Bool,
                               deferring: Bool) throws -> (converged: Bool, values: [Int128], verdict: Bool?, wants: Bool, deferred: [[UInt8]]?) {
        guard let cipher else { return (converged, [], nil, wants, nil) }
        let t = meter.start()
        defer { meter.charge(\.decryption, since: t) }
        var verdict: Bool?
        if wants {
            verdict = try cipher.verdict(tests)
            decryptions += tests.count
        }
        if deferring { return (converged, [], verdict, wants, lambdas) }
        let values = try decryptFactors(lambdas, of: id)
        return (converged, values, verdict, wants, nil)
    }

    /// Decrypts agent `id`'s packed consensus factors (one slot per partner).
    private mutating func decryptFactors(_ lambdas: [[UInt8]], of id: String) throws -> [Int128] {
        guard let cipher else { return [] }
        guard let role = joined.first(where: { $0.id == id })?.role else { throw RCIError.protocolViolation("request from \(id), who did not join") }
        let values = try cipher.decryptPacked(lambdas, count: joined.filter { $0.role != role }.count)
        decryptions += lambdas.count
        return values
    }

    /// Every request of iteration `k` is in. An agent's flag counts as true when its local
    /// criteria held and, if it asked for the test, its blinded reciprocity tests on this
    /// iteration's shares all decrypt to ≥ 0 (plaintext agents fold their own verdict in).
    /// The run stops when every flag is true: the agents then keep exactly the tested trades.
    private mutating func answer(_ k: Int, into ready: inout RCIPlatformReady) throws {
        let all = requests
        requests = [:]
        let verdicts = all.compactMapValues(\.verdict)
        meter.countIteration()
        convergedRun = all.allSatisfy { $0.value.converged && (!$0.value.wants || verdicts[$0.key] == true) }
        if convergedRun || k >= parameters.maxIterations {
            iterations = k
            try auditIterationProofs()
            endIterationProofs()
            for a in joined {
                ready.messages.append(RCIEnvelope(to: .agent(a.id), message: .reply(iteration: k, stop: true, values: [], verdict: verdicts[a.id])))
            }
            phase = .verifying
            return
        }
        let proven = try provenPackedLambdas(k)  // metered as iteration verifying
        for a in joined {
            guard let r = all[a.id] else { continue }
            var values = r.values
            if cipher != nil {
                if let deferred = r.deferred {
                    // a proof iteration: the slots its partners assembled and proved
                    let t = meter.start()
                    values = try decryptFactors(proven?[a.id] ?? deferred, of: a.id)
                    meter.charge(\.decryption, since: t)
                }
                advanceIterationProofChain(a.id, values: values)
            }
            let reply = RCIMessage.reply(iteration: k, stop: false, values: values, verdict: r.verdict)
            if cipher != nil { ready.decrypted.append(RCIEnvelope(to: .agent(a.id), message: reply)) }
            ready.messages.append(RCIEnvelope(to: .agent(a.id), message: reply))
        }
        endIterationProofs()
        phase = .iterating(k + 1)
    }
}
