/// The working memory of one `RelaxIV.solve`: the graph with arcs renumbered by tail
/// (so a node's outgoing arcs are contiguous), flows, prices, surpluses, the FIFO of
/// nodes with positive surplus, the balanced-arc lists and scratch space.
///
/// Owns every buffer (allocated in `init`, freed in `deinit`); no pointer leaves the
/// type. Buffers are unchecked in release builds, so every index comes from the
/// validated problem. Reduced costs are computed on demand: cost + p[head] − p[tail].
final class RelaxIVState {
    typealias Buffer<T> = UnsafeMutableBufferPointer<T>

    let nodeCount: Int
    let arcCount: Int
    /// Outgoing arcs of v are `outStart[v]..<outStart[v+1]` (internal numbering).
    let outStart: Buffer<Int>
    let head: Buffer<Int32>, tail: Buffer<Int32>, cap: Buffer<Int64>
    /// Costs of the current scaling phase.
    let cost: Buffer<Int64>
    /// Incoming arcs of v: positions `inStart[v]..<inStart[v+1]` of `inArc` (internal arc ids).
    let inStart: Buffer<Int>, inArc: Buffer<Int32>
    /// Internal arc id → the problem's arc index.
    let original: Buffer<Int32>

    let x: Buffer<Int64>
    let supply: Buffer<Int64>
    let price: Buffer<Int64>
    /// Surplus g = supply − outflow + inflow.
    let surplus: Buffer<Int64>
    var stats = RelaxIVStats()

    // FIFO of nodes that may have positive surplus (ring buffer, one slot per node).
    let queue: Buffer<Int32>, queued: Buffer<Bool>
    var queueHead = 0, queueCount = 0

    // Balanced-arc lists: intrusive singly linked lists of arcs with zero reduced cost,
    // per tail (out) and per head (in); added when an arc becomes balanced, dropped
    // lazily when a walk finds it unbalanced.
    let outFirst: Buffer<Int32>, outNext: Buffer<Int32>, onOut: Buffer<Bool>
    let inFirst: Buffer<Int32>, inNext: Buffer<Int32>, onIn: Buffer<Bool>

    // Multi-node scratch: membership stamp, labelling arc (arc << 1 | backward), members.
    let mark: Buffer<Int32>
    var stamp: Int32 = 0
    let pred: Buffer<Int32>
    let members: Buffer<Int32>
    var memberCount = 0
    /// Arcs that a set price rise brings to balance.
    let tied: Buffer<Int32>
    var tiedCount = 0

    /// Single-node scratch: breakpoints (gap, arc << 1 | incoming).
    struct Breakpoint { var gap: Int64; var code: Int32 }
    let breakpoints: Buffer<Breakpoint>

    init(_ p: MinCostFlowProblem) {
        let n = p.nodeCount, m = p.arcCount
        nodeCount = n; arcCount = m
        func make<T>(_ count: Int, _ value: T) -> Buffer<T> {
            let b = Buffer<T>.allocate(capacity: max(count, 1))
            b.initialize(repeating: value)
            return b
        }
        // Counting sort of arcs by tail (stable: ascending problem index within a tail).
        outStart = make(n + 1, 0)
        for t in p.tails { outStart[Int(t) + 1] += 1 }
        for v in 0..<n { outStart[v + 1] += outStart[v] }
        original = make(m, 0)
        head = make(m, 0); tail = make(m, 0); cap = make(m, 0); cost = make(m, 0)
        var fill = Array(outStart.prefix(n))
        for a in 0..<m {
            let t = Int(p.tails[a]), k = fill[t]
            fill[t] += 1
            original[k] = Int32(a); tail[k] = p.tails[a]; head[k] = p.heads[a]; cap[k] = p.capacity[a]
        }
        inStart = make(n + 1, 0)
        for k in 0..<m { inStart[Int(head[k]) + 1] += 1 }
        for v in 0..<n { inStart[v + 1] += inStart[v] }
        inArc = make(m, 0)
        fill = Array(inStart.prefix(n))
        for k in 0..<m { let h = Int(head[k]); inArc[fill[h]] = Int32(k); fill[h] += 1 }

        x = make(m, 0); price = make(n, 0); surplus = make(n, 0)
        supply = make(n, 0)
        for v in 0..<n { surplus[v] = p.supply[v]; supply[v] = p.supply[v] }
        queue = make(n, 0); queued = make(n, false)
        outFirst = make(n, -1); inFirst = make(n, -1)
        outNext = make(m, -1); inNext = make(m, -1); onOut = make(m, false); onIn = make(m, false)
        mark = make(n, 0); pred = make(n, -1); members = make(n, 0); tied = make(m, 0)
        var maxDegree = 0
        for v in 0..<n { maxDegree = max(maxDegree, outStart[v + 1] - outStart[v] + inStart[v + 1] - inStart[v]) }
        breakpoints = make(maxDegree, Breakpoint(gap: 0, code: 0))
        // Keep the problem's costs at hand for `setCosts`.
        problemCost = make(m, 0)
        for k in 0..<m { problemCost[k] = p.cost[Int(original[k])] }
    }

    /// The problem's costs in internal arc order.
    let problemCost: Buffer<Int64>

    deinit {
        for b in [outStart, inStart] { b.deallocate() }
        for b in [head, tail, inArc, original, queue, outFirst, outNext, inFirst, inNext, mark, pred, members, tied] { b.deallocate() }
        for b in [cap, cost, x, supply, price, surplus, problemCost] { b.deallocate() }
        for b in [queued, onOut, onIn] { b.deallocate() }
        breakpoints.deallocate()
    }

    /// Sets the phase costs to the problem's costs shifted right by `shift` bits.
    func setCosts(shift: Int) {
        for k in 0..<arcCount { cost[k] = problemCost[k] >> Int64(shift) }
    }

    @inline(__always) func reducedCost(_ a: Int) -> Int64 {
        cost[a] &+ price[Int(head[a])] &- price[Int(tail[a])]
    }

    /// Moves `amount` more units along arc `a` (negative: fewer), updating both surpluses
    /// and queueing an endpoint whose surplus becomes positive.
    @inline(__always) func shift(_ a: Int, _ amount: Int64) {
        x[a] += amount
        let t = Int(tail[a]), h = Int(head[a])
        surplus[t] -= amount
        surplus[h] += amount
        if surplus[h] > 0 { enqueue(h) }
        if surplus[t] > 0 { enqueue(t) }
    }

    @inline(__always) func enqueue(_ v: Int) {
        guard !queued[v] else { return }
        queued[v] = true
        var slot = queueHead + queueCount
        if slot >= nodeCount { slot -= nodeCount }
        queue[slot] = Int32(v)
        queueCount += 1
    }

    func dequeue() -> Int? {
        guard queueCount > 0 else { return nil }
        let v = Int(queue[queueHead])
        queueHead += 1; if queueHead == nodeCount { queueHead = 0 }
        queueCount -= 1
        queued[v] = false
        return v
    }

    /// Puts arc `a` (now balanced) on its tail's out-list and its head's in-list.
    @inline(__always) func markBalanced(_ a: Int) {
        if !onOut[a] {
            let t = Int(tail[a])
            outNext[a] = outFirst[t]; outFirst[t] = Int32(a); onOut[a] = true
        }
        if !onIn[a] {
            let h = Int(head[a])
            inNext[a] = inFirst[h]; inFirst[h] = Int32(a); onIn[a] = true
        }
    }

    /// Drops the arcs that are no longer balanced from `u`'s out- and in-lists.
    @inline(__always) func cleanLists(_ u: Int) {
        var prev: Int32 = -1, a = outFirst[u]
        while a >= 0 {
            let next = outNext[Int(a)]
            if reducedCost(Int(a)) == 0 { prev = a } else {
                if prev < 0 { outFirst[u] = next } else { outNext[Int(prev)] = next }
                onOut[Int(a)] = false
            }
            a = next
        }
        prev = -1; a = inFirst[u]
        while a >= 0 {
            let next = inNext[Int(a)]
            if reducedCost(Int(a)) == 0 { prev = a } else {
                if prev < 0 { inFirst[u] = next } else { inNext[Int(prev)] = next }
                onIn[Int(a)] = false
            }
            a = next
        }
    }

    /// First phase: zero prices; arcs with negative cost start full.
    func initialise() {
        for a in 0..<arcCount where cost[a] < 0 && cap[a] > 0 {
            x[a] = cap[a]
            surplus[Int(tail[a])] -= cap[a]
            surplus[Int(head[a])] += cap[a]
        }
        rebuildLists()
        for v in 0..<nodeCount where surplus[v] > 0 { enqueue(v) }
    }

    /// Starts from given prices and flows (problem arc order; flows clamped to capacity);
    /// `refine(priceShift: 0)` then restores complementary slackness.
    func load(prices: [Int64], flows: [Int64]) {
        for v in 0..<nodeCount { price[v] = prices[v] }
        for v in 0..<nodeCount { surplus[v] = supply[v] }
        for k in 0..<arcCount {
            let f = min(max(flows[Int(original[k])], 0), cap[k])
            x[k] = f
            surplus[Int(tail[k])] -= f
            surplus[Int(head[k])] += f
        }
    }

    /// Next phase: prices × 2^priceShift, and the flow moved to the bound complementary
    /// slackness requires wherever an arc's reduced cost became nonzero.
    func refine(priceShift: Int) {
        for v in 0..<nodeCount { price[v] <<= Int64(priceShift) }
        for a in 0..<arcCount {
            let rc = reducedCost(a)
            let target = rc < 0 ? cap[a] : rc > 0 ? 0 : x[a]
            let delta = target - x[a]
            if delta != 0 {
                x[a] = target
                surplus[Int(tail[a])] -= delta
                surplus[Int(head[a])] += delta
            }
        }
        rebuildLists()
        for v in 0..<nodeCount where surplus[v] > 0 { enqueue(v) }
    }

    /// Empties the balanced lists and lists every arc with zero reduced cost.
    func rebuildLists() {
        for v in 0..<nodeCount { outFirst[v] = -1; inFirst[v] = -1 }
        for a in 0..<arcCount { onOut[a] = false; onIn[a] = false }
        for a in stride(from: arcCount - 1, through: 0, by: -1) where reducedCost(a) == 0 { markBalanced(a) }
    }

    /// Relaxation iterations until no node has positive surplus.
    func run() throws {
        var iterations = 0
        while let i = dequeue() {
            guard surplus[i] > 0 else { continue }
            iterations += 1
            guard iterations <= RelaxIV.maxIterations else { throw MinCostFlowError.iterationLimit(iterations) }
            try iterate(from: i)
            if surplus[i] > 0 { enqueue(i) }
        }
        for v in 0..<nodeCount where surplus[v] != 0 {
            throw MinCostFlowError.infeasible("node \(v) keeps surplus \(surplus[v]) with no positive-surplus node left")
        }
    }

    /// Flows in the problem's arc order, and the prices.
    func solution() -> MinCostFlowSolution {
        var flows = [Int64](repeating: 0, count: arcCount)
        for k in 0..<arcCount { flows[Int(original[k])] = x[k] }
        return MinCostFlowSolution(flows: flows, prices: Array(price), stats: stats)
    }
}
