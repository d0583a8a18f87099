/// The relaxation method for minimum-cost flow of Bertsekas and Tseng (RELAX,
/// Operations Research 36, 1988; RELAX-IV, MIT LIDS-P-2276, 1994), written from
/// the published algorithm for GridClear — GLPK's `glp_mincost_relax4` wraps the
/// original RELAX-IV code, whose licence forbids commercial use, and Debian's GLPK 5.0
/// ships it disabled.
///
/// A dual coordinate-ascent method: it keeps a flow and node prices that satisfy
/// complementary slackness, and repeatedly takes a node with positive surplus and
/// either raises the price of a node set whose dual directional derivative is
/// positive (single-node iterations move one price across as many breakpoints as
/// the derivative allows) or pushes flow along balanced arcs to a node with a
/// deficit. Balanced arcs are kept in per-node lists as in RELAX-IV. Integer costs
/// make every price step an integer, so each phase terminates. The costs are brought
/// in a few bits at a time (cost scaling): each phase starts from the previous phase's
/// prices, so the exact last phase only repairs what the low-order bits change.
///
/// Guarantees: the returned flow is integral, within capacities, meets every supply
/// exactly, and together with the returned prices satisfies complementary slackness
/// for the exact integer costs — it is optimal (checked by
/// `RelaxIV.certificateViolation`, which debug builds run on every result).
/// Deterministic: nodes are processed FIFO from index order; ties break by arc order.
public enum RelaxIV {
    /// Iterations (node selections) per phase before giving up — a safety net.
    static let maxIterations = 100_000_000
    /// Bits of cost resolution added per scaling phase.
    static let bitsPerPhase = 4
    /// Cost bits of the first (coarsest) phase.
    static let firstPhaseBits = 8

    /// Solves `problem` to optimality.
    /// - Throws: `MinCostFlowError` — `.invalidProblem` before any work, `.infeasible`
    ///   when no flow meets the supplies.
    public static func solve(_ problem: MinCostFlowProblem) throws -> MinCostFlowSolution {
        try problem.validate()
        return try solveValidated(problem, warmStart: nil, scalingCost: problem.cost.reduce(0) { max($0, abs($1)) })
    }

    /// Solves a validated problem through the scaling phases planned for costs of magnitude
    /// `scalingCost`. With `warmStart` (prices and flows of a previous solve of a related
    /// problem) the first phase starts from those prices, shifted down to its scale, and those
    /// flows: a hint that saves work when it is close, while the phases still move prices
    /// that are far off in large steps (an exact-cost-only restart can take a step of 1 per
    /// iteration across a wide price range).
    static func solveValidated(_ problem: MinCostFlowProblem, warmStart: (prices: [Int64], flows: [Int64])?,
                               scalingCost: Int64) throws -> MinCostFlowSolution {
        let state = RelaxIVState(problem)
        let phases = scalingShifts(maxCost: scalingCost)
        for (index, shift) in phases.enumerated() {
            state.setCosts(shift: shift)
            if index > 0 {
                state.refine(priceShift: phases[index - 1] - shift)
            } else if let warmStart {
                state.load(prices: warmStart.prices.map { $0 >> Int64(shift) }, flows: warmStart.flows)
                state.refine(priceShift: 0)
            } else {
                state.initialise()
            }
            try state.run()
        }
        let solution = state.solution()
        #if DEBUG
        if let violation = certificateViolation(problem, solution) {
            preconditionFailure("RelaxIV returned an uncertified flow: \(violation)")
        }
        #endif
        return solution
    }

    /// Right shifts applied to the costs in each phase, coarse to exact (ends with 0).
    static func scalingShifts(maxCost: Int64) -> [Int] {
        let bits = 64 - maxCost.leadingZeroBitCount
        var shifts = [0]
        var s = 0
        while bits - s > firstPhaseBits {
            s += bitsPerPhase
            shifts.append(s)
        }
        return shifts.reversed()
    }

    /// Why `solution` is not a certified optimum of `problem`, or nil when it is:
    /// capacities, exact conservation, and complementary slackness with the prices.
    public static func certificateViolation(_ problem: MinCostFlowProblem, _ solution: MinCostFlowSolution) -> String? {
        let n = problem.nodeCount
        guard solution.flows.count == problem.arcCount, solution.prices.count == n else { return "wrong sizes" }
        var balance = problem.supply
        for a in 0..<problem.arcCount {
            let x = solution.flows[a], u = problem.capacity[a]
            guard x >= 0, x <= u else { return "arc \(a) flow \(x) outside 0...\(u)" }
            let t = Int(problem.tails[a]), h = Int(problem.heads[a])
            balance[t] -= x; balance[h] += x
            let rc = problem.cost[a] + solution.prices[h] - solution.prices[t]
            if rc < 0 && x != u { return "arc \(a) has reduced cost \(rc) < 0 but flow \(x) < capacity \(u)" }
            if rc > 0 && x != 0 { return "arc \(a) has reduced cost \(rc) > 0 but flow \(x) > 0" }
        }
        if let v = balance.firstIndex(where: { $0 != 0 }) { return "node \(v) is out of balance by \(balance[v])" }
        return nil
    }
}
