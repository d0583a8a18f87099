import GridClearCore
import Dispatch
/// Solves one CMAP round (SPEC §3.1): the four single-objective LPs (Z1max,
/// Z1min, Z2max, Z2min) and the combined LP max w1·μ(Z1) + w2·μ(Z2), as a
/// transportation problem with the upstream grid as one more seller column.
///
/// Guarantees: the returned flows are integer Wh; every buyer's flows (grid
/// included) sum exactly to its demand, no seller exceeds its supply, no flow is
/// negative, excluded pairs carry 0 (all checked in integers before returning);
/// every path's optimum values agree to ~1e-12 relative (each result is
/// certified by the negative-cycle polish); the same input gives the same flows.
/// GLPK paths are serialised by a global lock (GLPK is not thread-safe); the relax4 path
/// (pure Swift) takes no lock and runs the four extreme LPs concurrently.
public enum CMAPRoundSolver {
    public static func solve(_ p: CMAPRoundProblem, path: CMAPSolverPath,
                             clock: @Sendable () -> UInt64) throws -> CMAPRoundSolution {
        try solve(p, path: path, clock: clock, options: Options())
    }

    /// Internal knobs used by tests (differential checks of the raw paths).
    struct Options {
        /// Cancel negative cycles with the real costs after each solve (required for the network paths).
        var polishSimplex = true
        /// Compute the grid capacity with `glp_maxflow_ffalg` even when every pair is allowed.
        var forceMaxflow = false
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
        let arcs = net.arcs()
        let polisher = CMAPFlowPolisher(nodeCount: net.nodeCount, tails: arcs.tails, heads: arcs.heads, caps: arcs.caps)
        let polish = path != .simplex || options.polishSimplex

        /// Runs the five solves; `solveFor` returns polished, verified flows for one cost
        /// vector. With `concurrent`, the four independent extreme LPs run in parallel.
        func run(concurrent: Bool, _ solveFor: ([Double]) throws -> [Wh]) throws -> CMAPRoundSolution {
            // Order: the two minima, then the two maxima, then the combined LP, which lies near
            // the maxima (the simplex path warm-starts each solve from the previous basis).
            let extremeCosts = [arcCosts(aPair, maximise: false), arcCosts(bPair, maximise: false),
                                arcCosts(aPair, maximise: true), arcCosts(bPair, maximise: true)]
            let extremes = concurrent ? try concurrentMap(extremeCosts, solveFor) : try extremeCosts.map(solveFor)
            let z1Min = value(aPair, extremes[0]), z2Min = value(bPair, extremes[1])
            let z1Max = value(aPair, extremes[2]), z2Max = value(bPair, extremes[3])
            let (w1, w2) = p.weights
            let d1 = spread(z1Max, z1Min), d2 = spread(z2Max, z2Min)
            var combined = [Double](repeating: 0, count: pc)
            for k in 0..<pc {
                combined[k] = (d1 > 0 ? w1 * aPair[k] / d1 : 0) + (d2 > 0 ? w2 * bPair[k] / d2 : 0)
            }
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

        /// A GLPK path's raw solve, then the polish and the exact check.
        func glpk(_ minimise: ([Double]) throws -> [Wh]) throws -> CMAPRoundSolution {
            try run(concurrent: false) { cost in
                var flows = try minimise(cost)
                if polish { _ = try polisher.polish(flows: &flows, cost: cost) }
                try CMAPRounding.verify(net, flows)
                return flows
            }
        }
        var solution: CMAPRoundSolution
        switch path {
        case .simplex: solution = try CMAPSimplexPath.withSession(net, glpk)
        case .glpkRelax4: solution = try CMAPNetworkPath.withSession(net, algorithm: .relax4, glpk)
        case .okalg: solution = try CMAPNetworkPath.withSession(net, algorithm: .okalg, glpk)
        case .relax4:
            // RELAX-IV's prices seed the polish's labels: it then only has to confirm them.
            let relax = CMAPRelaxPath(net)
            solution = try run(concurrent: true) { cost in
                var (flows, labels) = try relax.minimise(cost)
                _ = try polisher.polishPruned(flows: &flows, cost: cost, labels: labels)
                try CMAPRounding.verify(net, flows)
                return flows
            }
        }
        solution.solveSeconds = Double(clock() &- t0) / 1e9
        return solution
    }

    /// `transform` applied to every element on the available cores; results in order.
    /// The first error (in element order) is rethrown.
    static func concurrentMap<T>(_ items: [[Double]], _ transform: ([Double]) throws -> T) throws -> [T] {
        // Each iteration writes only its own slot, and `transform` is called concurrently by
        // contract (its captures are read-only), hence the unchecked captures.
        nonisolated(unsafe) let slots = UnsafeMutableBufferPointer<Result<T, Error>?>.allocate(capacity: items.count)
        nonisolated(unsafe) let transform = transform
        slots.initialize(repeating: nil)
        defer { _ = slots.deinitialize(); slots.deallocate() }
        DispatchQueue.concurrentPerform(iterations: items.count) { k in
            slots[k] = Result { try transform(items[k]) }
        }
        return try slots.map { try $0!.get() }
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
