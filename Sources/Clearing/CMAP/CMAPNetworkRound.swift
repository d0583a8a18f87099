import Dispatch
import GridClearCore

/// The network path's schedule of one round's five LPs on `NetworkSimplex` instances.
///
/// Measured choice (docs/cmap-solver.md): a basis optimal for one extreme objective is a worse
/// start for another extreme than the all-artificial basis with LEMON's crash pivots (3× the
/// pivots on random rounds, 1.6× on seed-distribution cycles), because the four extremes
/// optimise unrelated or opposite objectives. The combined LP lies next to the maxima, and
/// there the warm start wins (half the pivots of a cold start). So: the four extremes start
/// cold — two chains on two instances, in parallel when the round is large enough
/// (Z1min → Z2min and Z1max → Z2max) — and the combined LP starts from the Z2max basis.
///
/// Guarantees: deterministic (each chain is sequential and owns its instance; the results do
/// not depend on thread timing); every LP's flows pass `CMAPRounding.verify`.
enum CMAPNetworkRound {
    /// Rounds with at least this many arcs run their two chains in parallel.
    static let parallelArcs = 1 << 15

    static func solve(_ net: CMAPNetwork, extremes: [() -> [Double]],
                      combine: ([[Wh]]) -> (cost: [Double], z: (Double, Double, Double, Double), d: (Double, Double)),
                      finish: ([Wh], (Double, Double, Double, Double), (Double, Double)) -> CMAPRoundSolution,
                      clock: @Sendable () -> UInt64, report: (Int) -> Void,
                      options: CMAPRoundSolver.Options) throws -> CMAPRoundSolution {
        let parallel = !options.sequential && net.arcCount >= parallelArcs
        let minima = try CMAPNetworkSimplexPath(net)
        let maxima = parallel ? try CMAPNetworkSimplexPath(net) : minima
        let keep = options.integerLP != nil

        /// One LP on `path`: cold or warm, verified, with its record for the benchmark hook.
        func one(_ path: CMAPNetworkSimplexPath, lp: Int, cost: [Double], cold: Bool) throws -> ([Wh], Record?) {
            report(lp)
            let start = clock(), before = path.simplex.stats.pivots
            let flows = try path.minimise(cost, coldStart: cold) { report(lp) }
            try CMAPRounding.verify(net, flows)
            let record = keep ? Record(lp: lp, costs: path.lastIntegerCosts, flows: flows,
                                       pivots: path.simplex.stats.pivots - before, seconds: Double(clock() &- start) / 1e9) : nil
            return (flows, record)
        }
        func chain(_ path: CMAPNetworkSimplexPath, _ lps: [Int]) throws -> [([Wh], Record?)] {
            try lps.map { try one(path, lp: $0, cost: extremes[$0 - 1](), cold: true) }
        }
        let (low, high) = try pair(parallel, { try chain(minima, [1, 2]) }, { try chain(maxima, [3, 4]) })
        let results = low + high
        let (cost, z, d) = combine(results.map(\.0))
        let (flows, last) = try one(maxima, lp: 5, cost: cost, cold: false)
        if let hook = options.integerLP {
            for r in (results.map(\.1) + [last]).compactMap({ $0 }) { hook(r.lp, r.costs, r.flows, r.pivots, r.seconds) }
        }
        return finish(flows, z, d)
    }

    struct Record {
        var lp: Int
        var costs: [Int64]
        var flows: [Wh]
        var pivots: Int
        var seconds: Double
    }

    /// Both closures' results; on two threads when `parallel`. The first error (in argument
    /// order) is rethrown.
    static func pair<A, B>(_ parallel: Bool, _ a: () throws -> A, _ b: () throws -> B) throws -> (A, B) {
        guard parallel else { return (try a(), try b()) }
        var ra: Result<A, Error>?, rb: Result<B, Error>?
        withoutActuallyEscaping(a) { a in
            withoutActuallyEscaping(b) { b in
                // Each iteration writes only its own result variable, and the two closures are
                // run concurrently by contract (their captures are read-only): unchecked.
                nonisolated(unsafe) let pa = UnsafeMutablePointer<Result<A, Error>?>.allocate(capacity: 1)
                nonisolated(unsafe) let pb = UnsafeMutablePointer<Result<B, Error>?>.allocate(capacity: 1)
                nonisolated(unsafe) let a = a, b = b
                pa.initialize(to: nil); pb.initialize(to: nil)
                DispatchQueue.concurrentPerform(iterations: 2) { k in
                    if k == 0 { pa.pointee = Result { try a() } } else { pb.pointee = Result { try b() } }
                }
                ra = pa.move(); rb = pb.move()
                pa.deallocate(); pb.deallocate()
            }
        }
        return (try ra!.get(), try rb!.get())
    }
}
