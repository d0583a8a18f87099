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
