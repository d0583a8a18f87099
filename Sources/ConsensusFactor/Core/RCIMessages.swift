/// What agent n tells partner m at the start of iteration k, in plaintext form: its consensus
/// factor λ_nm and trade P_nm at `RCIFixedPoint.valueScale`, and its convergence flag from
/// iteration k−1. The encrypted protocol carries Enc(lambda) and Enc(power) instead.
public struct RCIShare: Sendable, Equatable {
    public var iteration: Int
    public var lambda: Int64
    public var power: Int64
    public var converged: Bool
    public init(iteration: Int, lambda: Int64, power: Int64, converged: Bool) {
        self.iteration = iteration; self.lambda = lambda; self.power = power; self.converged = converged
    }
}

/// The affine consensus-factor update agent n applies for partner m (SPEC §5 step 1):
///
///     λ_nm^{k+1}·R = constant + lambdaCoefficient·(λ_mn·V) + powerCoefficient·(P_mn·V)
///
/// with constant = (C − β·C)·λ_nm·V − α·C·P_nm·V, lambdaCoefficient = β·C, powerCoefficient = −α·C
/// (V, C, R the value, coefficient and result scales). Only the partner's two values are
/// unknown to n, so the same plan is evaluated on plaintexts or on Paillier ciphertexts and
/// gives the same integer.
public struct RCIUpdatePlan: Sendable, Equatable {
    public var constant: Int64
    public var lambdaCoefficient: Int64
    public var powerCoefficient: Int64

    public init(constant: Int64, lambdaCoefficient: Int64, powerCoefficient: Int64) {
        self.constant = constant; self.lambdaCoefficient = lambdaCoefficient; self.powerCoefficient = powerCoefficient
    }

    /// Exact evaluation on the partner's plaintext share; throws on Int64 overflow.
    public func evaluate(partnerLambda: Int64, partnerPower: Int64) throws -> Int64 {
        let (l, o1) = lambdaCoefficient.multipliedReportingOverflow(by: partnerLambda)
        let (p, o2) = powerCoefficient.multipliedReportingOverflow(by: partnerPower)
        let (s1, o3) = constant.addingReportingOverflow(l)
        let (s2, o4) = s1.addingReportingOverflow(p)
        guard !(o1 || o2 || o3 || o4) else { throw RCIError.arithmeticOverflow("consensus-factor update") }
        return s2
    }
}

/// The reciprocity part of the stop condition for one partner: |P_nm + P_mn| ≤ tolerance,
/// all at value scale. In the encrypted protocol it is decided by a blinded sign test.
public struct RCIReciprocityTest: Sendable, Equatable {
    public var ownPower: Int64
    public var tolerance: Int64
    public init(ownPower: Int64, tolerance: Int64) { self.ownPower = ownPower; self.tolerance = tolerance }

    public func holds(partnerPower: Int64) -> Bool {
        let (s, o) = ownPower.addingReportingOverflow(partnerPower)
        return !o && s.magnitude <= tolerance.magnitude
    }
}

/// What one step of an agent reports: its own residuals, each compared with its threshold by
/// `≤` (never shared as numbers; the CLI prints the last report of each agent).
public struct RCIStepReport: Sendable, Equatable {
    public var iteration: Int
    /// max_m |λ_nm^{k+1} − λ_nm^k| (€/MWh).
    public var maxPriceChange: Double
    /// max_m |P_nm^{k+1} − P_nm^k| (MW).
    public var maxTradeChange: Double
    /// max_m |P_nm + P_mn| (MW) when the agent knows it (ADMM derives it exactly); nil for RCI,
    /// whose agents learn only the verdict of the (possibly blinded) reciprocity test.
    public var maxReciprocity: Double?
    /// nil when the reciprocity test was not run this iteration.
    public var reciprocityHolds: Bool?
    public var converged: Bool
}
