import GridClearCore
/// Solves one CMAP round (SPEC §3.1): the four single-objective LPs (Z1max,
/// Z1min, Z2max, Z2min) and the combined LP max w1·μ(Z1) + w2·μ(Z2), as a
/// transportation problem with the upstream grid as one more seller column.
///
/// Guarantees: the returned flows are integer Wh; every buyer's flows (grid
/// included) sum exactly to its demand, no seller exceeds its supply, no flow is
/// negative, excluded pairs carry 0 (all checked in integers before returning);
/// every path's optimum values agree to ~1e-12 relative (the network path is certified
/// by integer reduced costs, the simplex path by the negative-cycle polish); the same
/// input gives the same flows. The GLPK path is serialised by a global lock (GLPK is not
/// thread-safe); the network path (pure Swift) takes no lock.
public enum CMAPRoundSolver {
    /// Solves one round on `path`. `progress` (if given) is called at the start of each of
    /// the five LPs and every few thousand pivots during a network-path solve, with the LP
    /// number (1–5) and the nanoseconds elapsed since the round started (injected clock).
    public static func solve(_ p: CMAPRoundProblem, path: CMAPSolverPath,
                             clock: @Sendable () -> UInt64,
                             progress: ((_ lp: Int, _ elapsedNanos: UInt64) -> Void)? = nil) throws -> CMAPRoundSolution {
        var options = Options()
        options.progress = progress
        return try solve(p, path: path, clock: clock, options: options)
    }

    /// Internal knobs used by tests (differential checks of the raw paths).
    struct Options {
        /// Cancel negative cycles with the real costs after each solve (required for the network paths).
        var polishSimplex = true
        /// Compute the grid capacity with the max-flow solve even when every pair is allowed.
        var forceMaxflow = false
        /// LP number (1–5) and elapsed nanoseconds, see `solve(_:path:clock:progress:)`.
        var progress: ((Int, UInt64) -> Void)?
        /// Network path only: after each LP, its number (1–5), the integer arc costs it solved
        /// and the optimal arc flows (benchmark export, tests).
        var integerLP: ((Int, [Int64], [Wh]) -> Void)?
        /// Network path only: the simplex's work counters after the round.
        var networkStats: ((NetworkSimplexStats) -> Void)?
    }

    static func solve(_ p: CMAPRoundProblem, path: CMAPSolverPath, clock: @Sendable () -> UInt64,
                      options: Options) throws -> CMAPRoundSolution {
        let t0 = clock()
        try p.validate()
        let net = try CMAPNetwork.build(p, forceMaxflow: options.forceMaxflow)
        let pc = net.pairs.count
        let aPair = net.pairs.map { p.a[$0] }, bPair = net.pairs.map { p.b[$0] }

        // Arc costs for "maximise Σ c·x": −c scaled so that max |cost| = 1.
        func arcCosts(_ c: [Double], maximise: Bool) -> [Double] {
            var cost = [Double](repeating: 0, count: net.arcCount)
            let top = c.reduce(0) { max($0, abs($1)) }
            guard top > 0 else { return cost }
            let s = (maximise ? -1 : 1) / top
            for k in 0..<pc { cost[k] = c[k] * s }
            return cost
        }
        let polish = options.polishSimplex
        var lp = 0
        func report() { options.progress?(lp, clock() &- t0) }

        /// Runs the five solves in order; `solveFor` returns verified flows for one cost
        /// vector (each path warm-starts every solve from the previous one's basis).
        func run(_ solveFor: ([Double]) throws -> [Wh]) throws -> CMAPRoundSolution {
            // Order: the two minima, then the two maxima, then the combined LP, which lies near
            // the maxima, so its warm start is short.
            var extremes: [[Wh]] = []
            for (c, maximise) in [(aPair, false), (bPair, false), (aPair, true), (bPair, true)] {
                lp += 1; report()
                extremes.append(try solveFor(arcCosts(c, maximise: maximise)))
            }
            let z1Min = value(aPair, extremes[0]), z2Min = value(bPair, extremes[1])
            let z1Max = value(aPair, extremes[2]), z2Max = value(bPair, extremes[3])
            let (w1, w2) = p.weights
            let d1 = spread(z1Max, z1Min), d2 = spread(z2Max, z2Min)
            var combined = [Double](repeating: 0, count: pc)
            for k in 0..<pc {
                combined[k] = (d1 > 0 ? w1 * aPair[k] / d1 : 0) + (d2 > 0 ? w2 * bPair[k] / d2 : 0)
            }
            lp += 1; report()
            let flows = try solveFor(arcCosts(combined, maximise: true))
            let z1 = value(aPair, flows), z2 = value(bPair, flows)
            let objective = w1 * (d1 > 0 ? (z1 - z1Min) / d1 : 1) + w2 * (d2 > 0 ? (z2 - z2Min) / d2 : 1)
            var x = [Wh](repeating: 0, count: net.m * net.n)
            for (q, k) in net.pairs.enumerated() { x[k] = flows[q] }
            let grid = Array(flows[pc..<(pc + net.m)])
            return CMAPRoundSolution(flows: x, gridFlows: grid, gridCapacity: net.gridCapacity,
                                     z1: z1, z2: z2, z1Max: z1Max, z1Min: z1Min, z2Max: z2Max, z2Min: z2Min,
                                     objective: objective, solveSeconds: 0, path: path)
        }

        var solution: CMAPRoundSolution
        switch path {
        case .simplex:
            let arcs = net.arcs()
            let polisher = CMAPFlowPolisher(nodeCount: net.nodeCount, tails: arcs.tails, heads: arcs.heads, caps: arcs.caps)
            solution = try CMAPSimplexPath.withSession(net) { minimise in
                try run { cost in
                    var flows = try minimise(cost)
                    if polish { _ = try polisher.polish(flows: &flows, cost: cost) }
                    try CMAPRounding.verify(net, flows)
                    return flows
                }
            }
        case .network:
            let simplex = try CMAPNetworkSimplexPath(net)
            solution = try run { cost in
                let flows = try simplex.minimise(cost, tick: report)
                try CMAPRounding.verify(net, flows)
                options.integerLP?(lp, simplex.lastIntegerCosts, flows)
                return flows
            }
            options.networkStats?(simplex.simplex.stats)
        }
        solution.solveSeconds = Double(clock() &- t0) / 1e9
        return solution
    }

    /// Σ c·x over the pair arcs, x converted from Wh to kWh (compensated summation).
    static func value(_ c: [Double], _ flows: [Wh]) -> Double {
        var sum = 0.0, comp = 0.0
        for k in 0..<c.count where flows[k] != 0 {
            let y = c[k] * Double(flows[k]) - comp
            let t = sum + y
            comp = (t - sum) - y
            sum = t
        }
        return sum / 1000
    }

    /// Zmax − Zmin, or 0 when they are equal up to floating noise (then μ ≡ 1).
    static func spread(_ zMax: Double, _ zMin: Double) -> Double {
        let d = zMax - zMin
        return d > 1e-12 * max(1, abs(zMax), abs(zMin)) ? d : 0
    }
}
