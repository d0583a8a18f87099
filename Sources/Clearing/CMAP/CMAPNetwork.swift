import GridClearCore

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

    /// Builds the network of a validated problem. The grid capacity is
    /// max(0, Σ PE − Σ SE) in closed form when every pair is allowed; otherwise the
    /// bipartite max flow comes from `maxFlow` (exact, `Int64`).
    static func build(_ p: CMAPRoundProblem, forceMaxflow: Bool = false) throws -> CMAPNetwork {
        let m = p.demands.count, n = p.supplies.count
        var pairs = [Int]()
        pairs.reserveCapacity(m * n)
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
        let flow: Wh
        if everyPair && !forceMaxflow {
            flow = min(totalDemand, p.supplies.reduce(0, +))
        } else {
            flow = try maxFlow(m: m, n: n, pairs: pairs, demands: p.demands, supplies: p.supplies)
        }
        return CMAPNetwork(m: m, n: n, pairs: pairs, demands: p.demands, supplies: p.supplies,
                           gridCapacity: totalDemand - flow)
    }

    /// Max flow sellers (SE_j) → allowed buyers → demands (PE_i), as a min-cost flow on the
    /// round's own layout: the grid offers Σ PE at cost 1 per Wh, pairs cost 0, so the optimum
    /// uses the grid exactly for Σ PE − maxflow. Solved by `NetworkSimplex` (exact integers).
    static func maxFlow(m: Int, n: Int, pairs: [Int], demands: [Wh], supplies: [Wh]) throws -> Wh {
        if pairs.isEmpty { return 0 }
        let totalDemand = demands.reduce(0, +)
        let probe = CMAPNetwork(m: m, n: n, pairs: pairs, demands: demands, supplies: supplies, gridCapacity: totalDemand)
        let (tails, heads, caps) = probe.arcs()
        var cost = [Int64](repeating: 0, count: tails.count)
        for i in 0..<m { cost[pairs.count + i] = 1 }
        do {
            let simplex = try NetworkSimplex(nodeCount: probe.nodeCount, supply: probe.nodeSupply, tails: tails, heads: heads,
                                             capacity: caps, costBound: 1)
            try cost.withUnsafeBufferPointer { try simplex.setCosts($0) }
            try simplex.solve()
            let grid = (0..<m).reduce(Wh(0)) { $0 + simplex.flow(ofArc: pairs.count + $1) }
            return totalDemand - grid
        } catch let error as MinCostFlowError {
            throw CMAPSolverError.solverFailed("max flow (network simplex): \(error)")
        }
    }
}

/// Integer flows of one solve: x_ij on `network.pairs` and the grid column.
struct CMAPFlow: Equatable {
    var pairFlow: [Wh]
    var gridFlow: [Wh]
}
