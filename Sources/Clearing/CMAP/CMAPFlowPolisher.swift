import GridClearCore

/// Makes an integer feasible flow exactly optimal for real-valued arc costs by
/// cancelling negative cycles in the residual network (Klein's algorithm),
/// found with a queue-based Bellman–Ford (SPFA) and a pred-graph cycle check.
///
/// Guarantee on return: flows are still integer and feasible (every augmentation
/// moves an integer amount along a cycle, so node balances are unchanged), and
/// the residual network has no cycle of cost below −`tolerance` — i.e. the flow
/// is optimal up to `tolerance` per unit of circulation. Costs must be O(1).
struct CMAPFlowPolisher {
    let nodeCount: Int
    let tails: [Int32]
    let heads: [Int32]
    let caps: [Wh]
    /// adjacency start per node into `edges`; edge id = arc*2 (forward) or arc*2+1 (backward)
    private let start: [Int]
    private let edges: [Int32]

    /// Relaxation threshold: a label improves only by more than this.
    static let tolerance = 1e-12
    /// Upper bound on cancelled cycles before giving up (a bug, not a property of the input).
    static let maxCycles = 200_000

    init(nodeCount: Int, tails: [Int32], heads: [Int32], caps: [Wh]) {
        self.nodeCount = nodeCount; self.tails = tails; self.heads = heads; self.caps = caps
        var degree = [Int](repeating: 0, count: nodeCount + 1)
        for k in 0..<tails.count { degree[Int(tails[k]) + 1] += 1; degree[Int(heads[k]) + 1] += 1 }
        for v in 0..<nodeCount { degree[v + 1] += degree[v] }
        var fill = degree
        var e = [Int32](repeating: 0, count: 2 * tails.count)
        for k in 0..<tails.count {
            let t = Int(tails[k]), h = Int(heads[k])
            e[fill[t]] = Int32(2 * k); fill[t] += 1
            e[fill[h]] = Int32(2 * k + 1); fill[h] += 1
        }
        start = degree
        edges = e
    }

    /// Cancels negative cycles until none is left. Returns how many were cancelled.
    /// `labels` (optional) are starting node labels, e.g. a solver's node potentials: any
    /// finite labels are valid starts, and labels under which no residual arc has a
    /// negative reduced cost end the search after one pass.
    /// - Throws: `CMAPSolverError.solverFailed` if it does not converge.
    func polish(flows: inout [Wh], cost: [Double], labels: [Double]? = nil) throws -> Int {
        let n = nodeCount
        var d = labels ?? [Double](repeating: 0, count: n)
        precondition(d.count == n)
        var pred = [Int32](repeating: -1, count: n)
        var inQueue = [Bool](repeating: true, count: n)
        var queue = [Int32](repeating: 0, count: n + 1)
        var head = 0, count = n
        for v in 0..<n { queue[v] = Int32(v) }
        var cancelled = 0
        var relaxations = 0
        let eps = Self.tolerance

        while count > 0 {
            let u = Int(queue[head]); head = head == n ? 0 : head + 1; count -= 1
            inQueue[u] = false
            let du = d[u]
            for p in start[u]..<start[u + 1] {
                let e = Int(edges[p]), arc = e >> 1
                let v: Int, w: Double
                if e & 1 == 0 {
                    if flows[arc] >= caps[arc] { continue }
                    v = Int(heads[arc]); w = cost[arc]
                } else {
                    if flows[arc] <= 0 { continue }
                    v = Int(tails[arc]); w = -cost[arc]
                }
                let nd = du + w
                if nd < d[v] - eps {
                    d[v] = nd
                    pred[v] = Int32(e)
                    relaxations += 1
                    if !inQueue[v] {
                        inQueue[v] = true
                        var tail = head + count; if tail > n { tail -= n + 1 }
                        queue[tail] = Int32(v); count += 1
                    }
                }
            }
            if relaxations >= n {
                relaxations = 0
                if let cycle = findPredCycle(pred) {
                    try cancel(cycle, flows: &flows, cost: cost)
                    cancelled += 1
                    guard cancelled <= Self.maxCycles else {
                        throw CMAPSolverError.solverFailed("optimality polish did not converge after \(Self.maxCycles) cycles")
                    }
                    // Restart the label-correcting scan on the changed residual network.
                    for v in 0..<n { pred[v] = -1; inQueue[v] = true; queue[v] = Int32(v) }
                    head = 0; count = n
                }
            }
        }
        return cancelled
    }

    /// A cycle in the predecessor graph (as residual edge ids), if any.
    private func findPredCycle(_ pred: [Int32]) -> [Int]? {
        var mark = [Int32](repeating: -1, count: nodeCount)   // walk id that visited the node
        for s in 0..<nodeCount where mark[s] < 0 {
            var v = s
            while v >= 0 && mark[v] < 0 {
                mark[v] = Int32(s)
                let e = pred[v]
                if e < 0 { v = -1; break }
                v = tailOf(Int(e))
            }
            if v >= 0 && mark[v] == Int32(s) {
                // v lies on a cycle found by this walk: collect it.
                var cycle = [Int]()
                var x = v
                repeat {
                    let e = Int(pred[x])
                    cycle.append(e)
                    x = tailOf(e)
                } while x != v
                return cycle
            }
        }
        return nil
    }

    /// The node a residual edge leaves from.
    private func tailOf(_ e: Int) -> Int { e & 1 == 0 ? Int(tails[e >> 1]) : Int(heads[e >> 1]) }

    private func cancel(_ cycle: [Int], flows: inout [Wh], cost: [Double]) throws {
        var delta = Wh.max
        var total = 0.0
        for e in cycle {
            let arc = e >> 1
            if e & 1 == 0 { delta = min(delta, caps[arc] - flows[arc]); total += cost[arc] }
            else { delta = min(delta, flows[arc]); total -= cost[arc] }
        }
        guard delta > 0, total < 0 else {
            throw CMAPSolverError.solverFailed("optimality polish found a non-improving cycle (cost \(total), amount \(delta))")
        }
        for e in cycle {
            let arc = e >> 1
            if e & 1 == 0 { flows[arc] += delta } else { flows[arc] -= delta }
        }
    }
}

extension CMAPFlowPolisher {
    /// The same guarantee as `polish`, faster when `labels` are near-optimal potentials
    /// (a solver's node prices on rounded costs).
    ///
    /// With reduced costs rc = cost + labels[tail] − labels[head] and δ = max(0, −min rc)
    /// over the residual arcs, a cycle's cost is the sum of its reduced costs, so no
    /// negative cycle can use an arc whose residual direction has rc > (nodes − 1)·δ.
    /// The polish runs on the other arcs only; if it cancels nothing, the whole residual
    /// network has no negative cycle. If it does cancel, the full polish finishes the job
    /// (cancelling changes the residual network the bound was taken on).
    func polishPruned(flows: inout [Wh], cost: [Double], labels: [Double]) throws -> Int {
        var delta = 0.0
        var rc = [Double](repeating: 0, count: tails.count)
        for a in 0..<tails.count {
            let r = cost[a] + labels[Int(tails[a])] - labels[Int(heads[a])]
            rc[a] = r
            if flows[a] < caps[a] { delta = max(delta, -r) }
            if flows[a] > 0 { delta = max(delta, r) }
        }
        let bound = Double(nodeCount) * delta + Self.tolerance
        var keep = [Int]()
        for a in 0..<tails.count where (flows[a] < caps[a] && rc[a] <= bound) || (flows[a] > 0 && -rc[a] <= bound) {
            keep.append(a)
        }
        let sub = CMAPFlowPolisher(nodeCount: nodeCount, tails: keep.map { tails[$0] }, heads: keep.map { heads[$0] },
                                   caps: keep.map { caps[$0] })
        var subFlows = keep.map { flows[$0] }
        let cancelled = try sub.polish(flows: &subFlows, cost: keep.map { cost[$0] }, labels: labels)
        guard cancelled > 0 else { return 0 }
        for (q, a) in keep.enumerated() { flows[a] = subFlows[q] }
        return try cancelled + polish(flows: &flows, cost: cost, labels: labels)
    }
}
