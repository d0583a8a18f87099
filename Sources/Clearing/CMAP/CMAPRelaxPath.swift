import GridClearCore

/// The `relax4` path: GridClear's RELAX-IV (`RelaxIV`, pure Swift, `Int64`) on the round's
/// transportation network, one independent solve per objective.
///
/// Costs (already scaled to max |c| = 1) are multiplied by `costScale` = 2^20 and rounded,
/// so each arc's integer cost is within 2^-21 of the real one and RELAX-IV's certified
/// integer optimum is optimal for the real costs up to that rounding. The caller then runs
/// `CMAPFlowPolisher` with the real `Double` costs, seeded with RELAX-IV's prices as labels:
/// it cancels any cycle the rounding hid and otherwise confirms optimality in one pass.
/// No GLPK call is involved: `minimise` is safe to call from several threads at once.
struct CMAPRelaxPath: Sendable {
    static let costScale = Double(1 << 20)
    let base: MinCostFlowProblem

    init(_ net: CMAPNetwork) {
        let (tails, heads, caps) = net.arcs()
        base = MinCostFlowProblem(nodeCount: net.nodeCount, supply: net.nodeSupply.map { Int64($0) },
                                  tails: tails, heads: heads, capacity: caps.map { Int64($0) },
                                  cost: [Int64](repeating: 0, count: tails.count))
    }

    /// An optimal flow for the rounded `cost`, and polish labels −price/costScale.
    func minimise(_ cost: [Double]) throws -> (flows: [Wh], labels: [Double]) {
        precondition(cost.count == base.arcCount)
        var problem = base
        for k in 0..<cost.count { problem.cost[k] = Int64((cost[k] * Self.costScale).rounded()) }
        let solution: MinCostFlowSolution
        do {
            solution = try RelaxIV.solveByPricing(problem)
        } catch MinCostFlowError.infeasible(let why) {
            throw CMAPSolverError.infeasible("RELAX-IV: \(why)")
        } catch let error as MinCostFlowError {
            throw CMAPSolverError.solverFailed("RELAX-IV: \(error)")
        }
        return (solution.flows.map { Wh($0) }, solution.prices.map { -Double($0) / Self.costScale })
    }
}
