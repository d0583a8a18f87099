/// The numerical core of one agent, shared by both algorithms (`RCIAgent`, `ADMMAgent`).
///
/// Each iteration k the protocol machine (`RCIAgentMachine`) does, for this agent:
/// 1. `shares()` → share i goes to partner i (plaintext or encrypted);
/// 2. `plans()` → plan i is evaluated on partner i's share (plaintext or homomorphically, then
///    decrypted by the platform) giving λ_nm^{k+1} at result scale; if
///    `wantsReciprocityTest`, `reciprocityTests()` are decided too;
/// 3. `advance(newLambdas:reciprocityHolds:)` → the local update and the convergence flag.
///
/// Guarantees of every conforming type: pure and deterministic given its inputs; the only
/// values it needs from other parties are the new λ_nm and the reciprocity verdict.
public protocol RCIConsensusCore: Sendable {
    var spec: RCIAgentSpec { get }
    /// Partner ids in the canonical order; every array is indexed the same way.
    var partners: [String] { get }
    var iteration: Int { get }
    /// The agent's own stop condition held in the last step (sent with the next request); for
    /// RCI only its local part, completed by the reciprocity test when `wantsReciprocityTest`.
    var converged: Bool { get }
    /// Whether partners' plans use the λ of the share (false: only P is sent encrypted).
    var sharesPrice: Bool { get }
    /// P_nm in MW (the current trades: what result proofs commit to).
    var trades: [Double] { get }
    /// The last step's residuals (nil before the first step).
    var lastReport: RCIStepReport? { get }
    func shares() throws -> [RCIShare]
    mutating func plans() throws -> [RCIUpdatePlan]
    var wantsReciprocityTest: Bool { get }
    func reciprocityTests() throws -> [RCIReciprocityTest]
    @discardableResult
    mutating func advance(newLambdas: [Int64], reciprocityHolds: Bool?) throws -> RCIStepReport
    var outcome: RCIAgentOutcome { get }
}

extension RCIConsensusCore {
    public var netPower: Double { trades.reduce(0, +) }
}

extension RCIAlgorithm {
    /// The core of this algorithm for one agent (the perturbation applies to RCI's steps only).
    public func core(spec: RCIAgentSpec, partners: [String], parameters: RCIParameters,
                     perturbation: RCIStepPerturbation?) throws -> any RCIConsensusCore {
        switch self {
        case .rci: return try RCIAgent(spec: spec, partners: partners, parameters: parameters, perturbation: perturbation)
        case .admm: return try ADMMAgent(spec: spec, partners: partners, parameters: parameters)
        }
    }
}
