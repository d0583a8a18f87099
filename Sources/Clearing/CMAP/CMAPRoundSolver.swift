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

    /// Internal knobs used by tests and the benchmark.
    struct Options {
        /// Cancel negative cycles with the real costs after each simplex-path solve.
        var polishSimplex = true
        /// Compute the grid capacity with the max-flow solve even when every pair is allowed.
        var forceMaxflow = false
        /// LP number (1–5) and elapsed nanoseconds, see `solve(_:path:clock:progress:)`.
        /// Called from the solving threads (the network path runs two at once).
        var progress: ((Int, UInt64) -> Void)?
        /// Network path only: after the round, for each LP in order, its number (1–5), the
        /// integer arc costs it solved, the optimal arc flows, its pivots and seconds.
        var integerLP: ((Int, [Int64], [Wh], Int, Double) -> Void)?
        /// Network path only: run the two chains of LPs one after the other.
        var sequential = false
    }

    static func solve(_ p: CMAPRoundProblem, path: CMAPSolverPath, clock: @Sendable () -> UInt64,
                      options: Options) throws -> CMAPRoundSolution {
        let t0 = clock()
        try p.validate()
        let net = try CMAPNetwork.build(p, forceMaxflow: options.forceMaxflow)
        let pc = net.pairs.count
        let aPair = net.pairs.map { p.a[$0] }, bPair = net.pairs.map { p.b[$0] }

        // Arc costs for "maximise Σ c·x": −c scaled so that max |cost| = 1.
        @Sendable func arcCosts(_ c: [Double], maximise: Bool) -> [Double] {
            var cost = [Double](repeating: 0, count: net.arcCount)
            let top = c.reduce(0) { max($0, abs($1)) }
            guard top > 0 else { return cost }
            let s = (maximise ? -1 : 1) / top
            for k in 0..<pc { cost[k] = c[k] * s }
            return cost
        }
        let progress = options.progress
        func report(_ lp: Int) { progress?(lp, clock() &- t0) }
        // The LPs in SPEC order of the result: Z1min, Z2min, Z1max, Z2max (numbered 1–4), then
        // the combined LP (5), whose costs need the four values.
        let extremeSpecs: [([Double], Bool)] = [(aPair, false), (bPair, false), (aPair, true), (bPair, true)]

        /// The combined LP's costs from the four extreme flows, and the values.
        func combine(_ extremes: [[Wh]]) -> (cost: [Double], z: (Double, Double, Double, Double), d: (Double, Double)) {
            let z1Min = value(aPair, extremes[0]), z2Min = value(bPair, extremes[1])
            let z1Max = value(aPair, extremes[2]), z2Max = value(bPair, extremes[3])
            let (w1, w2) = p.weights
            let d1 = spread(z1Max, z1Min), d2 = spread(z2Max, z2Min)
            var combined = [Double](repeating: 0, count: pc)
            for k in 0..<pc {
                combined[k] = (d1 > 0 ? w1 * aPair[k] / d1 : 0) + (d2 > 0 ? w2 * bPair[k] / d2 : 0)
            }
            return (arcCosts(combined, maximise: true), (z1Min, z2Min, z1Max, z2Max), (d1, d2))
        }

        /// The solution from the combined LP's flows.
        func finish(_ flows: [Wh], _ z: (Double, Double, Double, Double), _ d: (Double, Double)) -> CMAPRoundSolution {
            let (z1Min, z2Min, z1Max, z2Max) = z, (d1, d2) = d, (w1, w2) = p.weights
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
            // One GLPK problem, each solve warm-started from the previous basis; minima first,
            // so the combined LP starts next to the maxima.
            let arcs = net.arcs()
            let polisher = CMAPFlowPolisher(nodeCount: net.nodeCount, tails: arcs.tails, heads: arcs.heads, caps: arcs.caps)
            solution = try CMAPSimplexPath.withSession(net) { minimise in
                func solveFor(_ cost: [Double]) throws -> [Wh] {
                    var flows = try minimise(cost)
                    if options.polishSimplex { _ = try polisher.polish(flows: &flows, cost: cost) }
                    try CMAPRounding.verify(net, flows)
                    return flows
                }
                var extremes: [[Wh]] = []
                for (k, (c, maximise)) in extremeSpecs.enumerated() {
                    report(k + 1)
                    extremes.append(try solveFor(arcCosts(c, maximise: maximise)))
                }
                let (cost, z, d) = combine(extremes)
                report(5)
                return finish(try solveFor(cost), z, d)
            }
        case .network:
            solution = try CMAPNetworkRound.solve(net, extremes: extremeSpecs.map { c, maximise in { arcCosts(c, maximise: maximise) } },
                                                  combine: combine, finish: finish, clock: clock, report: report, options: options)
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
