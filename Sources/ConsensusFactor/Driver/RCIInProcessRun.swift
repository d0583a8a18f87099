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
        platform = try RCIPlatformMachine(agentCount: c.agents.count, parameters: parameters,
                                          cipher: encryption.map { RCIPlatformCipher(privateKey: $0.key) }, masking: encryption?.masking ?? false,
                                          registrarKey: registrar?.publicKey ?? [])
        platform.iterationProofs = proofs
        platform.runID = Array("in-process seed \(seed)".utf8)
        var certificateRNG = SplitMix64.derived(seed: seed, label: "registrar")
        for spec in c.agents {
            let p = try perturbation.map { try RCIStepPerturbation(spread: $0.spread, rng: RCISeeds.perturbation($0.seed, spec.id)) }
            let certified = try registrar?.certify(spec, using: &certificateRNG)
            var machine = try RCIAgentMachine(spec: spec, address: "inproc:\(spec.id)", perturbation: p, rng: RCISeeds.agent(seed, spec.id),
                                              certified: certified)
            machine.faults = faults[spec.id] ?? RCIAgentFaults()
            agents.append(machine)
            agents[agents.count - 1].meter.clock = clock
        }
        platform.meter.clock = clock
        index = Dictionary(uniqueKeysWithValues: c.agents.enumerated().map { ($1.id, $0) })
    }

    /// The agents' final results (after `run`), by id.
    public var agentResults: [String: RCIAgentResult] { results }

    /// Runs to the platform's stop and the end of the result proofs. `observe` sees every
    /// delivered message (sender, receiver, message).
    public mutating func run(observe: ((RCIParty, RCIParty, RCIMessage) -> Void)? = nil) throws -> RCIOutcome {
        var queue: [(from: RCIParty, to: RCIParty, message: RCIMessage)] = []
        var head = 0
        func post(_ from: RCIParty, _ envelopes: [RCIEnvelope]) { for e in envelopes { queue.append((from, e.to, e.message)) } }
        for spec in `case`.agents { post(.agent(spec.id), try deliver(spec.id, .start)) }
        while head < queue.count {
            let (from, to, message) = queue[head]
            head += 1
            if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
            observe?(from, to, message)
            switch to {
            case .platform:
                let ready = try platform.step(.received(from: from, message))
                post(.platform, ready.messages)
                if let s = ready.summary { summary = s }
            case .agent(let id):
                post(.agent(id), try deliver(id, .received(from: from, message)))
            }
        }
        guard let summary, results.count == `case`.agents.count else {
            throw RCIError.protocolViolation("the in-process run ended without a result (a machine stalled)")
        }
        return RCIOutcome(agents: `case`.agents.compactMap { results[$0.id]?.outcome }, converged: summary.converged,
                          iterations: summary.iterations)
    }

    /// Steps agent `id`, answering its connection requests at once (no transport to set up).
    private mutating func deliver(_ id: String, _ input: RCIInput) throws -> [RCIEnvelope] {
        guard let i = index[id] else { throw RCIError.protocolViolation("message for unknown agent \(id)") }
        var ready = try agents[i].step(input)
        var out = ready.messages
        if ready.connect != nil {
            ready = try agents[i].step(.partnersConnected)
            out += ready.messages
        }
        if let r = ready.result { results[id] = r }
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
