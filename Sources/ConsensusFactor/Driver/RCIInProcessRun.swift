import GridClearCore
import Privacy

/// Runs the platform and every agent of a case in one process: the same state machines as
/// the socket nodes (`RCIAgentMachine`, `RCIPlatformMachine`), with a FIFO queue instead of
/// sockets. Used by `rci solve`, tests (differential against the multi-process run) and
/// benchmarks.
///
/// Guarantees: deterministic for a given case, parameters, options and seed; with the same
/// `seed` a multi-process `rci run` computes bit-identical trades and prices, because both
/// drive the same machines with the same per-agent generators (`RCISeeds`) and each
/// machine's result does not depend on the interleaving of deliveries.
public struct RCIInProcessRun {
    public let `case`: RCICase
    public let parameters: RCIParameters
    /// The agents' machines in case order.
    public private(set) var agents: [RCIAgentMachine] = []
    private let index: [String: Int]
    private var platform: RCIPlatformMachine
    private var results: [String: RCIAgentResult] = [:]
    public private(set) var summary: RCIPlatformSummary?

    /// `encryption`: the platform's Paillier key and whether agents mask Enc(λ) (nil = plaintext);
    /// `registrar`: certifies every agent's bounds (then proofs are against certified bounds);
    /// `proofs`: the per-iteration proof schedule (encrypted runs only).
    public init(case c: RCICase, parameters: RCIParameters, perturbation: RCIPerturbationOption? = nil,
                encryption: (key: PaillierPrivateKey, masking: Bool)? = nil, seed: UInt64 = 0, clock: RCIClock? = nil,
                registrar: RCIRegistrar? = nil, faults: [String: RCIAgentFaults] = [:],
                proofs: RCIIterationProofOptions = RCIIterationProofOptions()) throws {
        self.case = c
        self.parameters = try parameters.validated()
        // Every agent gets an Ed25519 identity registered with the platform (derived from the
        // seed: reproducible), so per-iteration contributions are signed as across processes.
        let identities = try Dictionary(uniqueKeysWithValues: c.agents.map { spec in
            var g = SplitMix64.derived(seed: seed, label: "identity \(spec.id)")
            return (spec.id, try RCIIdentity(secret: (0..<4).flatMap { _ in withUnsafeBytes(of: g.next().littleEndian, Array.init) }))
        })
        platform = try RCIPlatformMachine(agentCount: c.agents.count, parameters: parameters,
                                          cipher: encryption.map { RCIPlatformCipher(privateKey: $0.key) }, masking: encryption?.masking ?? false,
                                          registrarKey: registrar?.publicKey ?? [],
                                          registered: Dictionary(uniqueKeysWithValues: c.agents.map {
                                              ($0.id, RCIRegisteredAgent(role: $0.role, publicKey: identities[$0.id]!.publicKey))
                                          }))
        platform.iterationProofs = proofs
        platform.runID = Array("in-process seed \(seed)".utf8)
        var certificateRNG = SplitMix64.derived(seed: seed, label: "registrar")
        for spec in c.agents {
            let p = try perturbation.map { try RCIStepPerturbation(spread: $0.spread, rng: RCISeeds.perturbation($0.seed, spec.id)) }
            let certified = try registrar?.certify(spec, using: &certificateRNG)
            var machine = try RCIAgentMachine(spec: spec, address: "inproc:\(spec.id)", perturbation: p, rng: RCISeeds.agent(seed, spec.id),
                                              certified: certified)
            machine.faults = faults[spec.id] ?? RCIAgentFaults()
            machine.identity = identities[spec.id]
            agents.append(machine)
            agents[agents.count - 1].meter.clock = clock
        }
        platform.meter.clock = clock
        index = Dictionary(uniqueKeysWithValues: c.agents.enumerated().map { ($1.id, $0) })
    }

    /// The evidence of the platform's last blame (`RCIBlameEvidence` bytes), if it blamed.
    public var blameEvidence: [UInt8]? { platform.blameEvidence }
    /// The registered Ed25519 keys of the agents, by id (to check blame evidence).
    public var registeredKeys: [String: [UInt8]] { platform.registered.mapValues(\.publicKey) }

    /// The agents' final results (after `run`), by id.
    public var agentResults: [String: RCIAgentResult] { results }

    /// Runs to the platform's stop and the end of the result proofs. `observe` sees every
    /// delivered message (sender, receiver, message).
    ///
    /// One FIFO queue of messages addressed by index (platform = −1, agents in case order):
    /// an agent's message to its partner number p goes to the partner's machine by position
    /// (`RCIAgentMachine.receive(fromPartnerAt:)`), with no id looked up or copied per message.
    public mutating func run(observe: ((RCIParty, RCIParty, RCIMessage) -> Void)? = nil) throws -> RCIOutcome {
        // One FIFO as two buffers: a round's deliveries post into `queue`, the round reads `round`.
        var queue: [Pending] = [], round: [Pending] = []
        var routes: [[Route]] = Array(repeating: [], count: agents.count)
        func post(_ from: Int, _ envelopes: [RCIEnvelope]) throws {
            for e in envelopes {
                switch e.to {
                case .platform: queue.append(Pending(from: from, to: -1, slot: -1, message: e.message))
                case .agent(let id):
                    if from >= 0, e.partner >= 0 {
                        let r = try route(from, e.partner, &routes)
                        queue.append(Pending(from: from, to: r.agent, slot: r.slot, message: e.message))
                    } else {
                        guard let i = index[id] else { throw RCIError.protocolViolation("message for unknown agent \(id)") }
                        queue.append(Pending(from: from, to: i, slot: -1, message: e.message))
                    }
                }
            }
        }
        func party(_ i: Int) -> RCIParty { i < 0 ? .platform : .agent(`case`.agents[i].id) }
        for i in `case`.agents.indices { try post(i, try deliver(i, .start)) }
        while !queue.isEmpty {
            swap(&queue, &round)
            for m in round {
                observe?(party(m.from), party(m.to), m.message)
                if m.to < 0 {
                    let ready = try platform.step(.received(from: party(m.from), m.message))
                    try post(-1, ready.messages)
                    if let s = ready.summary { summary = s }
                } else if case let slot = m.slot >= 0 ? m.slot : resolveSlot(m), slot >= 0 {
                    let ready = try agents[m.to].receive(fromPartnerAt: slot, m.message)
                    if let r = ready.result { results[`case`.agents[m.to].id] = r }
                    try post(m.to, ready.messages)
                } else {
                    try post(m.to, try deliver(m.to, .received(from: party(m.from), m.message)))
                }
            }
            round.removeAll(keepingCapacity: true)
        }
        guard let summary, results.count == `case`.agents.count else {
            throw RCIError.protocolViolation("the in-process run ended without a result (a machine stalled)")
        }
        return RCIOutcome(agents: `case`.agents.compactMap { results[$0.id]?.outcome }, converged: summary.converged,
                          iterations: summary.iterations)
    }

    /// A queued message: sender and receiver by index (−1 = platform) and, when known, the
    /// sender's position among the receiver's partners.
    private struct Pending {
        var from: Int, to: Int, slot: Int
        var message: RCIMessage
    }

    /// Where agent `from`'s partner number p is: its agent index and `from`'s position among
    /// that agent's partners (−1 until the receiver has its setup).
    private struct Route { var agent: Int, slot: Int }

    private func route(_ from: Int, _ p: Int, _ routes: inout [[Route]]) throws -> Route {
        if routes[from].isEmpty {
            routes[from] = try agents[from].partners.map { id in
                guard let i = index[id] else { throw RCIError.protocolViolation("message for unknown agent \(id)") }
                return Route(agent: i, slot: -1)
            }
        }
        guard routes[from].indices.contains(p) else { throw RCIError.protocolViolation("agent \(`case`.agents[from].id) has no partner \(p)") }
        if routes[from][p].slot < 0 {
            let r = routes[from][p].agent
            routes[from][p].slot = agents[r].partners.firstIndex(of: `case`.agents[from].id) ?? -1
        }
        return routes[from][p]
    }

    /// The sender's position among the receiver's partners for a message queued before the
    /// receiver knew its partners (−1 while it still does not).
    private func resolveSlot(_ m: Pending) -> Int {
        guard m.from >= 0, !agents[m.to].partners.isEmpty else { return -1 }
        return agents[m.to].partners.firstIndex(of: `case`.agents[m.from].id) ?? -1
    }

    /// Steps agent `i`, answering its connection requests at once (no transport to set up).
    private mutating func deliver(_ i: Int, _ input: RCIInput) throws -> [RCIEnvelope] {
        var ready = try agents[i].step(input)
        var out = ready.messages
        if ready.connect != nil {
            ready = try agents[i].step(.partnersConnected)
            out += ready.messages
        }
        if let r = ready.result { results[`case`.agents[i].id] = r }
        return out
    }
}

/// The private step-perturbation mitigation: each agent draws its own factors from a stream
/// derived from `seed` and its id (in a real deployment each agent seeds it privately).
public struct RCIPerturbationOption: Sendable, Equatable {
    public var spread: Double
    public var seed: UInt64
    public init(spread: Double, seed: UInt64) { self.spread = spread; self.seed = seed }
}
