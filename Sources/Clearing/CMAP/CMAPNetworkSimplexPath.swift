import GridClearCore

/// The `network` path (the default): one `NetworkSimplex` per round on the round's
/// transportation network, warm-started across the round's five LPs.
///
/// Costs (already scaled to max |c| = 1) are multiplied by `costScale` = 2^40 and rounded
/// to `Int64`, so each arc's integer cost is within 2^-41 of the real one. The network
/// simplex's result is exactly optimal for those integer costs (certified by integer reduced
/// costs over every arc); for the real costs it is optimal up to that rounding — at most
/// 2^-40 per Wh of flow, far below the 1e-9 relative agreement the paths promise. No
/// floating-point step can fail after the solve.
///
/// Warm starts: the five LPs share every constraint, so the optimal basis of one LP is a
/// primal-feasible, strongly feasible basis for the next; `minimise` only rewrites the costs
/// and recomputes the potentials before pivoting on.
final class CMAPNetworkSimplexPath {
    /// Cost resolution: 2^40 per unit of (max-scaled) cost.
    static let costBits = 40
    static let costScale = Double(Int64(1) << Int64(costBits))

    let simplex: NetworkSimplex
    private var integerCost: [Int64]
    /// The integer costs of the last `minimise` call (one per arc).
    var lastIntegerCosts: [Int64] { integerCost }

    /// Builds the round's network with the all-artificial starting basis.
    /// - Throws: `CMAPSolverError.invalidModel` when the network breaks a size bound.
    init(_ net: CMAPNetwork) throws {
        let (tails, heads, caps) = net.arcs()
        do {
            simplex = try NetworkSimplex(nodeCount: net.nodeCount, supply: net.nodeSupply, tails: tails, heads: heads,
                                         capacity: caps, costBound: Int64(1) << Int64(Self.costBits))
        } catch let error as MinCostFlowError {
            throw CMAPSolverError.invalidModel("network simplex: \(error)")
        }
        integerCost = [Int64](repeating: 0, count: tails.count)
    }

    /// The integer cost of a real cost in [−1, 1].
    @inline(__always) static func integerCost(_ c: Double) -> Int64 { Int64((c * costScale).rounded()) }

    /// An optimal flow (one value per arc of `CMAPNetwork`'s layout) for the rounded `cost`,
    /// starting from the basis the previous call ended with, or with `coldStart` from the
    /// all-artificial basis.
    /// - Parameter tick: called every few thousand pivots (progress reporting).
    func minimise(_ cost: [Double], coldStart: Bool = false, tick: () -> Void = {}) throws -> [Wh] {
        precondition(cost.count == simplex.arcCount)
        if coldStart { simplex.resetBasis() }
        for k in 0..<cost.count { integerCost[k] = Self.integerCost(cost[k]) }
        do {
            try integerCost.withUnsafeBufferPointer { try simplex.setCosts($0) }
            try simplex.solve(tick: tick)
        } catch MinCostFlowError.infeasible(let why) {
            throw CMAPSolverError.infeasible("network simplex: \(why)")
        } catch let error as MinCostFlowError {
            throw CMAPSolverError.solverFailed("network simplex: \(error)")
        }
        return (0..<simplex.arcCount).map { simplex.flow(ofArc: $0) }
    }
}
