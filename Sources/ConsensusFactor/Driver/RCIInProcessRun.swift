/// Runs every agent of a case in one process, exchanging plaintext shares (or, with an
/// `RCIPaillierExchange`, ciphertexts) exactly as the network protocol does, in the same
/// order. Used by tests (differential against the networked run) and benchmarks.
///
/// Guarantees: deterministic for a given case, parameters and options; the stop rule is the
/// protocol's — the run ends at the first iteration whose incoming flags are all true.
public struct RCIInProcessRun {
    public var agents: [RCIAgent]
    private let shareIndex: [[Int]]  // shareIndex[n][i] = position of agent n in partner i's list
    private let agentIndex: [String: Int]

    public init(case c: RCICase, parameters: RCIParameters, perturbation: RCIPerturbationOption? = nil) throws {
        var list: [RCIAgent] = []
        for spec in c.agents {
            let p = try perturbation.map { try RCIStepPerturbation(spread: $0.spread, rng: .derived(seed: $0.seed, label: spec.id)) }
            list.append(try RCIAgent(spec: spec, partners: try c.partners(of: spec.id), parameters: parameters, perturbation: p))
        }
        agents = list
        let index = Dictionary(uniqueKeysWithValues: list.enumerated().map { ($1.spec.id, $0) })
        agentIndex = index
        shareIndex = list.map { me in me.partners.map { pid in list[index[pid]!].partners.firstIndex(of: me.spec.id)! } }
    }

    /// Runs to the global stop or `maxIterations`, evaluating updates with `exchange` when given
    /// (nil = plaintext). `observe` sees every agent's step report.
    public mutating func run(exchange: RCIPaillierExchange? = nil,
                             observe: ((String, RCIStepReport) -> Void)? = nil) throws -> RCIOutcome {
        let maxIterations = agents[0].parameters.maxIterations
        var converged = false
        while agents[0].iteration < maxIterations {
            if agents.allSatisfy(\.converged) { converged = true; break }
            let shares = try agents.map { try $0.shares() }
            for n in agents.indices {
                let plans = try agents[n].plans()
                let incoming = agents[n].partners.indices.map { i in
                    shares[agentIndex[agents[n].partners[i]]!][shareIndex[n][i]]
                }
                var lambdas: [Int64] = []
                var verdict: Bool? = nil
                let tests = agents[n].wantsReciprocityTest ? try agents[n].reciprocityTests() : nil
                if let exchange {
                    (lambdas, verdict) = try exchange.roundTrip(plans: plans, incoming: incoming, tests: tests)
                } else {
                    lambdas = try zip(plans, incoming).map { try $0.evaluate(partnerLambda: $1.lambda, partnerPower: $1.power) }
                    verdict = tests.map { zip($0, incoming).allSatisfy { $0.holds(partnerPower: $1.power) } }
                }
                let report = try agents[n].advance(newLambdas: lambdas, reciprocityHolds: verdict)
                observe?(agents[n].spec.id, report)
            }
        }
        return RCIOutcome(agents: agents.map(\.outcome), converged: converged, iterations: agents[0].iteration)
    }
}

/// The private step-perturbation mitigation: each agent draws its own factors from a stream
/// derived from `seed` and its id (in a real deployment each agent seeds it privately).
public struct RCIPerturbationOption: Sendable, Equatable {
    public var spread: Double
    public var seed: UInt64
    public init(spread: Double, seed: UInt64) { self.spread = spread; self.seed = seed }
}
