import GridClearCore

/// The GridClear side of `Benchmarks/clearing.sh`: times one round's five LPs on a solver
/// path and exports the network path's five integer LPs for the peer solvers (LEMON,
/// OR-Tools), so every solver solves the same integer problems. Pure: the clock is
/// injected and the export goes to a caller-supplied sink.
public enum CMAPBenchmark {
    /// What one timed round produced.
    public struct Outcome: Sendable {
        public var solution: CMAPRoundSolution
        /// The network path's Σ cost·flow of each LP in integer cost units (exact), else empty.
        public var integerObjectives: [String]
        /// Pivots of the network path (all five LPs), else 0.
        public var pivots: Int
        /// Network path: pivots and seconds (injected clock) of each LP.
        public var perLP: [(pivots: Int, seconds: Double)]
    }

    /// Solves `problem`'s five LPs on `path`. With `export` (network path only), streams the
    /// five integer LPs in the peer format (`Benchmarks/peers/README.md`): magic `GCLP0001`,
    /// then big-endian Int64s (`ByteWriter.i64`) m, n, G, demands[m], supplies[n], 5, and per LP the m·n
    /// seller→buyer arc costs, row-major; every other arc costs 0. Requires every pair to be
    /// allowed (a first round without grid.json).
    /// With `sequential`, the network path's two chains of LPs run one after the other.
    public static func run(_ problem: CMAPRoundProblem, path: CMAPSolverPath, clock: @escaping @Sendable () -> UInt64,
                           sequential: Bool = false, export: (([UInt8]) throws -> Void)? = nil) throws -> Outcome {
        var options = CMAPRoundSolver.Options()
        var objectives: [String] = []
        var exportError: Error?
        let m = problem.demands.count, n = problem.supplies.count
        if export != nil {
            guard path == .network else { throw CMAPSolverError.invalidModel("only the network path exports its LPs") }
            guard problem.allowed.allSatisfy({ $0 }), problem.supplies.allSatisfy({ $0 > 0 }) else {
                throw CMAPSolverError.invalidModel("export needs every pair allowed and every supply positive")
            }
        }
        var headerWritten = false
        var perLP: [(pivots: Int, seconds: Double)] = []
        options.integerLP = { lp, costs, flows, pivots, seconds in
            perLP.append((pivots, seconds))
            objectives.append(integerObjective(costs, flows))
            guard let export, exportError == nil else { return }
            do {
                if !headerWritten {
                    headerWritten = true
                    let net = try CMAPNetwork.build(problem)
                    var header = ByteWriter()
                    header.raw(Array("GCLP0001".utf8))
                    for v in [Int64(m), Int64(n), net.gridCapacity] + problem.demands + problem.supplies + [5] { header.i64(v) }
                    try export(header.bytes)
                }
                // Pair arcs come first in CMAPNetwork's layout, row-major: exactly m·n of them here.
                let rowsPerChunk = max(1, (1 << 20) / max(n, 1))
                var row = 0
                while row < m {
                    let end = min(m, row + rowsPerChunk)
                    var chunk = ByteWriter(reservingCapacity: (end - row) * n * 8)
                    for k in (row * n)..<(end * n) { chunk.i64(costs[k]) }
                    try export(chunk.bytes)
                    row = end
                }
            } catch { exportError = error }
        }
        options.sequential = sequential
        let solution = try CMAPRoundSolver.solve(problem, path: path, clock: clock, options: options)
        if let exportError { throw exportError }
        return Outcome(solution: solution, integerObjectives: objectives, pivots: perLP.reduce(0) { $0 + $1.pivots }, perLP: perLP)
    }

    /// Σ cost·flow, exact (128-bit), as a decimal string.
    static func integerObjective(_ costs: [Int64], _ flows: [Wh]) -> String {
        var total: Int128 = 0
        for k in 0..<costs.count where flows[k] != 0 { total += Int128(costs[k]) * Int128(flows[k]) }
        return String(total)
    }
}
