import GridClearCore
internal import CGLPK

/// The integer transportation network of one validated round.
///
/// Node numbering (0-based): sellers `0..<n`, the grid `n`, buyers `n+1 ..< n+1+m`,
/// the dump `n+1+m` (absorbs unsold supply). Arc layout: `pairs.count` seller→buyer
/// arcs (the variables x_ij), then `m` grid→buyer arcs, then `n` seller→dump arcs,
/// then one grid→dump arc. Supplies are positive, demands negative, and sum to 0.
struct CMAPNetwork {
    let m: Int
    let n: Int
    /// Row-major index `i*n + j` of every allowed pair with SE_j > 0, ascending.
    let pairs: [Int]
    let demands: [Wh]
    let supplies: [Wh]
    /// Σ PE − max flow over the allowed pairs.
    let gridCapacity: Wh

    var nodeCount: Int { n + m + 2 }
    var gridNode: Int { n }
    var dumpNode: Int { n + m + 1 }
    func buyerNode(_ i: Int) -> Int { n + 1 + i }
    var arcCount: Int { pairs.count + m + n + 1 }

    /// Supply (+) or demand (−) of every node.
    var nodeSupply: [Wh] {
        var s = [Wh](repeating: 0, count: nodeCount)
        for j in 0..<n { s[j] = supplies[j] }
        s[gridNode] = gridCapacity
        for i in 0..<m { s[buyerNode(i)] = -demands[i] }
        s[dumpNode] = -(supplies.reduce(0, +) + gridCapacity - demands.reduce(0, +))
        return s
    }

    /// Tail, head and capacity of every arc in the layout above.
    func arcs() -> (tails: [Int32], heads: [Int32], caps: [Wh]) {
        var t = [Int32](), h = [Int32](), c = [Wh]()
        t.reserveCapacity(arcCount); h.reserveCapacity(arcCount); c.reserveCapacity(arcCount)
        for k in pairs {
            let i = k / n, j = k % n
            t.append(Int32(j)); h.append(Int32(buyerNode(i))); c.append(min(demands[i], supplies[j]))
        }
        for i in 0..<m { t.append(Int32(gridNode)); h.append(Int32(buyerNode(i))); c.append(min(demands[i], gridCapacity)) }
        for j in 0..<n { t.append(Int32(j)); h.append(Int32(dumpNode)); c.append(supplies[j]) }
        t.append(Int32(gridNode)); h.append(Int32(dumpNode)); c.append(gridCapacity)
        return (t, h, c)
    }

    /// Builds the network of a validated problem; computes the grid capacity with
    /// GLPK's `glp_maxflow_ffalg` unless every pair is allowed (then it is
    /// max(0, Σ PE − Σ SE) in closed form).
    static func build(_ p: CMAPRoundProblem, forceMaxflow: Bool = false) throws -> CMAPNetwork {
        let m = p.demands.count, n = p.supplies.count
        var pairs = [Int]()
        var everyPair = true
        for i in 0..<m {
            for j in 0..<n {
                let k = i * n + j
                if p.allowed[k] {
                    if p.supplies[j] > 0 { pairs.append(k) }
                } else {
                    everyPair = false
                }
            }
        }
        let totalDemand = p.demands.reduce(0, +)
        let maxFlow: Wh
        if everyPair && !forceMaxflow {
            maxFlow = min(totalDemand, p.supplies.reduce(0, +))
        } else {
            maxFlow = try glpkMaxFlow(m: m, n: n, pairs: pairs, demands: p.demands, supplies: p.supplies)
        }
        return CMAPNetwork(m: m, n: n, pairs: pairs, demands: p.demands, supplies: p.supplies,
                           gridCapacity: totalDemand - maxFlow)
    }

    /// Max flow source → sellers (SE_j) → allowed buyers (uncapacitated) → sink (PE_i).
    private static func glpkMaxFlow(m: Int, n: Int, pairs: [Int], demands: [Wh], supplies: [Wh]) throws -> Wh {
        if pairs.isEmpty { return 0 }
        return try CMAPGLPK.withGLPK {
            // vertices: 1 = source, 2...n+1 sellers, n+2...n+m+1 buyers, n+m+2 sink
            let capOffset: Int32 = 0, xOffset: Int32 = 8
            guard let g = glp_create_graph(0, 16) else { throw CMAPSolverError.solverFailed("glp_create_graph returned NULL") }
            defer { glp_delete_graph(g) }
            let source: Int32 = 1, sink = Int32(n + m + 2)
            glp_add_vertices(g, sink)
            func arc(_ from: Int32, _ to: Int32, _ cap: Double) {
                let a = glp_add_arc(g, from, to)!
                a.pointee.data.storeBytes(of: cap, toByteOffset: Int(capOffset), as: Double.self)
                a.pointee.data.storeBytes(of: 0.0, toByteOffset: Int(xOffset), as: Double.self)
            }
            let unbounded = Double(Int32.max / 2)
            for j in 0..<n where supplies[j] > 0 { arc(source, Int32(2 + j), Double(supplies[j])) }
            for k in pairs { arc(Int32(2 + k % n), Int32(n + 2 + k / n), unbounded) }
            for i in 0..<m { arc(Int32(n + 2 + i), sink, Double(demands[i])) }
            var value = 0.0
            let rc = glp_maxflow_ffalg(g, source, sink, capOffset, &value, -1, -1)
            guard rc == 0 else { throw CMAPSolverError.solverFailed("glp_maxflow_ffalg: \(CMAPGLPK.codeName(rc))") }
            guard value.isFinite, value >= 0, value == value.rounded() else {
                throw CMAPSolverError.solverFailed("glp_maxflow_ffalg returned a non-integer flow \(value)")
            }
            return Wh(value)
        }
    }
}

/// Integer flows of one solve: x_ij on `network.pairs` and the grid column.
struct CMAPFlow: Equatable {
    var pairFlow: [Wh]
    var gridFlow: [Wh]
}
