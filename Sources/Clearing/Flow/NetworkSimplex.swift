/// Exact primal network simplex for minimum-cost flow on `Int64` data, with block-search
/// pivoting and a strongly feasible spanning-tree basis that survives cost changes
/// (warm starts).
///
/// The method and its data structures (parent/thread/reverse-thread/successor-count tree,
/// big-M artificial arcs to an extra root, LEMON's leaving-arc rule, block search over a
/// mixed arc order) follow LEMON's `network_simplex.h` (Kovács, "Minimum-cost flow
/// algorithms: an experimental evaluation", Optim. Methods Softw. 30, 2015; LEMON is
/// © 2003–2013 EGRES, Boost Software License 1.0), written in Swift for GridClear.
///
/// Guarantees, once `init` has accepted the problem (`MinCostFlowProblem.validate()` bounds
/// plus `maxNodes` and `costBound`):
/// - every value the method forms fits in `Int64`: |cost| ≤ `costBound` ≤ 2^40, the
///   artificial cost is (costBound + 1)·(nodes + 1) ≤ 2^60, node potentials are sums of
///   tree-path costs with at most one artificial arc (|π| ≤ 2^61), reduced costs
///   |c + π_s − π_t| < 2^63; flows and capacities are ≤ 2^52;
/// - `solve()` returns only when block search has priced *every* arc and found no negative
///   reduced cost: the flow is optimal for the exact integer costs, and the potentials are
///   its complementary-slackness certificate (`certificateViolation()`, run on every
///   result in debug/test builds);
/// - the basis stays strongly feasible (LEMON's rule: the last blocking arc on the cycle
///   in the orientation of the entering arc leaves), so degenerate pivots cannot cycle;
/// - `setCosts` keeps the basis and its flows (primal feasible for the new costs) and
///   recomputes the potentials, so the next `solve()` starts where the last one ended;
/// - deterministic: no randomness, ties break by arc order.
///
/// Not thread-safe: one instance is used by one thread at a time.
final class NetworkSimplex {
    /// The largest node count accepted (keeps the bounds above with `costBound` = 2^40).
    static let maxNodes = 1 << 19
    /// The largest |cost| accepted.
    static let maxCostBound: Int64 = 1 << 40
    /// Marks an uncapacitated arc.
    static let infinite = Int64.max
    static let stateUpper: Int8 = -1, stateTree: Int8 = 0, stateLower: Int8 = 1
    static let dirUp: Int8 = 1, dirDown: Int8 = -1

    let nodeCount: Int
    let arcCount: Int
    let costBound: Int64
    let artificialCost: Int64

    // Nodes 0..<nodeCount, root = nodeCount.
    let supply: UnsafeMutablePointer<Int64>
    let pi: UnsafeMutablePointer<Int64>
    let parent: UnsafeMutablePointer<Int32>
    let pred: UnsafeMutablePointer<Int32>
    let predDir: UnsafeMutablePointer<Int8>
    let thread: UnsafeMutablePointer<Int32>
    let revThread: UnsafeMutablePointer<Int32>
    let succNum: UnsafeMutablePointer<Int32>
    let lastSucc: UnsafeMutablePointer<Int32>

    // Arcs in internal (mixed) order: real arcs 0..<arcCount, artificial arcs after them.
    let source: UnsafeMutablePointer<Int32>
    let target: UnsafeMutablePointer<Int32>
    let cost: UnsafeMutablePointer<Int64>
    let cap: UnsafeMutablePointer<Int64>
    let flow: UnsafeMutablePointer<Int64>
    let state: UnsafeMutablePointer<Int8>
    /// Internal index of each external arc.
    let internalIndex: UnsafeMutablePointer<Int32>
    /// Scratch of the tree update: nodes whose reverse thread must be refreshed (≤ nodes + 1).
    let dirtyRevs: UnsafeMutablePointer<Int32>

    let blockSize: Int
    var nextArc = 0
    // Pivot scratch (as in LEMON).
    var inArc = 0, join = 0, uIn = 0, vIn = 0, uOut = 0, delta: Int64 = 0

    /// Whether the next `solve()` starts with LEMON's initial pivots (after a cold start).
    var needsInitialPivots = true

    /// Work done so far (summed over every `solve()` on this instance).
    private(set) var stats = NetworkSimplexStats()

    /// Builds the all-artificial starting basis for a balanced problem (supplies sum to 0).
    /// Costs start at 0; set them with `setCosts` before solving.
    /// - Parameter costBound: the largest |cost| any later `setCosts` may use (≤ 2^40).
    /// - Throws: `MinCostFlowError.invalidProblem` naming the first broken bound.
    init(nodeCount: Int, supply nodeSupply: [Int64], tails: [Int32], heads: [Int32], capacity: [Int64],
         costBound: Int64) throws {
        guard costBound >= 0, costBound <= Self.maxCostBound else {
            throw MinCostFlowError.invalidProblem("cost bound \(costBound) outside 0...\(Self.maxCostBound)")
        }
        guard nodeCount <= Self.maxNodes else {
            throw MinCostFlowError.invalidProblem("\(nodeCount) nodes exceed the network simplex limit of \(Self.maxNodes)")
        }
        try MinCostFlowProblem(nodeCount: nodeCount, supply: nodeSupply, tails: tails, heads: heads, capacity: capacity,
                               cost: [Int64](repeating: 0, count: tails.count)).validate()
        let n = nodeCount, m = tails.count
        self.nodeCount = n; self.arcCount = m; self.costBound = costBound
        artificialCost = (costBound + 1) * Int64(n + 1)
        blockSize = max(Int(Double(m).squareRoot()), 10)

        func buffer<T>(_ count: Int, _ value: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: max(count, 1))
            p.initialize(repeating: value, count: max(count, 1))
            return p
        }
        supply = buffer(n + 1, 0); pi = buffer(n + 1, 0)
        parent = buffer(n + 1, -1); pred = buffer(n + 1, -1); predDir = buffer(n + 1, 0)
        thread = buffer(n + 1, 0); revThread = buffer(n + 1, 0); succNum = buffer(n + 1, 0); lastSucc = buffer(n + 1, 0)
        let all = m + n
        source = buffer(all, 0); target = buffer(all, 0); cost = buffer(all, 0)
        cap = buffer(all, 0); flow = buffer(all, 0); state = buffer(all, Self.stateLower)
        internalIndex = buffer(m, 0)
        dirtyRevs = buffer(n + 2, 0)

        // LEMON's arc mixing: consecutive internal arcs come from far-apart external arcs, so
        // a block of the search sees many different tails and heads.
        let skip = n > 1 ? max(m / n, 3) : 1
        var i = 0, j = 0
        for a in 0..<m {
            internalIndex[a] = Int32(i)
            source[i] = tails[a]; target[i] = heads[a]; cap[i] = capacity[a]
            i += skip
            if i >= m { j += 1; i = j }
        }
        for v in 0..<n { supply[v] = nodeSupply[v] }
        initialiseBasis()
    }

    deinit {
        for p in [supply, pi, cost, cap, flow] { p.deallocate() }
        for p in [parent, pred, thread, revThread, succNum, lastSucc, source, target, internalIndex, dirtyRevs] { p.deallocate() }
        predDir.deallocate(); state.deallocate()
    }

    /// Drops the current basis and starts again from the all-artificial one (a cold start);
    /// the costs are kept. Use it when the previous basis is a poor start for the next costs
    /// (an unrelated objective).
    func resetBasis() {
        initialiseBasis()
        needsInitialPivots = true
    }

    /// The all-artificial basis: every node hangs from the root by an artificial arc
    /// carrying its supply (towards the root for supply ≥ 0, from it otherwise).
    private func initialiseBasis() {
        let n = nodeCount, root = n
        for e in 0..<arcCount { flow[e] = 0; state[e] = Self.stateLower }
        parent[root] = -1; pred[root] = -1
        thread[root] = 0; revThread[0] = Int32(root)
        succNum[root] = Int32(n + 1); lastSucc[root] = Int32(root - 1)
        supply[root] = 0; pi[root] = 0
        for u in 0..<n {
            let e = arcCount + u
            parent[u] = Int32(root); pred[u] = Int32(e)
            thread[u] = Int32(u + 1); revThread[u + 1] = Int32(u)
            succNum[u] = 1; lastSucc[u] = Int32(u)
            cap[e] = Self.infinite; state[e] = Self.stateTree
            if supply[u] >= 0 {
                predDir[u] = Self.dirUp; pi[u] = 0
                source[e] = Int32(u); target[e] = Int32(root); flow[e] = supply[u]; cost[e] = 0
            } else {
                predDir[u] = Self.dirDown; pi[u] = artificialCost
                source[e] = Int32(root); target[e] = Int32(u); flow[e] = -supply[u]; cost[e] = artificialCost
            }
        }
        nextArc = 0
    }

    /// Replaces every real arc's cost (external order) and recomputes the potentials from the
    /// current tree. The basis and its flows are kept: they stay feasible, so the next
    /// `solve()` is a warm start.
    /// - Throws: `MinCostFlowError.invalidProblem` if a cost exceeds `costBound`.
    func setCosts(_ costs: UnsafeBufferPointer<Int64>) throws {
        precondition(costs.count == arcCount, "one cost per arc")
        let bound = costBound
        for a in 0..<arcCount {
            let c = costs[a]
            guard c >= -bound, c <= bound else {
                throw MinCostFlowError.invalidProblem("arc \(a) cost \(c) outside ±\(bound)")
            }
            cost[Int(internalIndex[a])] = c
        }
        recomputePotentials()
    }

    /// π along the thread (preorder): each tree arc gets reduced cost 0.
    func recomputePotentials() {
        let root = nodeCount
        pi[root] = 0
        var u = Int(thread[root])
        while u != root {
            let e = Int(pred[u])
            pi[u] = pi[Int(parent[u])] &- Int64(predDir[u]) &* cost[e]
            u = Int(thread[u])
        }
    }

    /// Pivots until no arc has a negative reduced cost.
    /// - Parameters:
    ///   - tickEvery: `tick` is called every this many pivots (progress reporting).
    ///   - pivotLimit: a safety net against bugs; strongly feasible bases cannot cycle.
    /// - Throws: `.iterationLimit` past `pivotLimit`; `.infeasible` when an artificial arc
    ///   still carries flow at the optimum (no feasible flow exists).
    func solve(tickEvery: Int = 1 << 14, pivotLimit: Int? = nil, tick: () -> Void = {}) throws {
        let limit = pivotLimit ?? max(1_000_000, 40 * (arcCount + nodeCount))
        var pivots = 0, degenerate = 0
        if needsInitialPivots {
            needsInitialPivots = false
            pivots += initialPivots()
        }
        while findEnteringArc() {
            findJoinNode()
            let change = findLeavingArc()
            if delta == 0 { degenerate += 1 }
            changeFlow(change)
            if change {
                updateTreeStructure()
                updatePotential()
            }
            pivots += 1
            if pivots % tickEvery == 0 {
                tick()
                if pivots >= limit { throw MinCostFlowError.iterationLimit(pivots) }
            }
        }
        stats.pivots += pivots; stats.degeneratePivots += degenerate; stats.solves += 1
        for e in arcCount..<(arcCount + nodeCount) where flow[e] != 0 {
            throw MinCostFlowError.infeasible("node \(e - arcCount) keeps \(flow[e]) units on its artificial arc")
        }
        #if DEBUG
        _checkInvariants()
        if let violation = certificateViolation() {
            preconditionFailure("NetworkSimplex ended without an optimality certificate: \(violation)")
        }
        #endif
    }

    /// LEMON's crash start after a cold start: for every demand node, the cheapest arc into it
    /// enters the basis if its reduced cost is negative. Returns the pivots made.
    private func initialPivots() -> Int {
        let n = nodeCount
        var best = [Int32](repeating: -1, count: n)
        var bestCost = [Int64](repeating: .max, count: n)
        for e in 0..<arcCount {
            let t = Int(target[e])
            if supply[t] < 0 && cost[e] < bestCost[t] { bestCost[t] = cost[e]; best[t] = Int32(e) }
        }
        var pivots = 0
        for v in 0..<n where best[v] >= 0 {
            let e = Int(best[v])
            guard Int64(state[e]) * (cost[e] + pi[Int(source[e])] - pi[Int(target[e])]) < 0 else { continue }
            inArc = e
            findJoinNode()
            let change = findLeavingArc()
            changeFlow(change)
            if change { updateTreeStructure(); updatePotential() }
            pivots += 1
        }
        return pivots
    }

    /// Flow on external arc `a`.
    func flow(ofArc a: Int) -> Int64 { flow[Int(internalIndex[a])] }
    /// Potential of node `v` (reduced cost of arc s→t is cost + π_s − π_t).
    func potential(ofNode v: Int) -> Int64 { pi[v] }
    /// Cost of external arc `a`.
    func cost(ofArc a: Int) -> Int64 { cost[Int(internalIndex[a])] }
}

/// Work counters of a `NetworkSimplex` instance (summed over its solves).
struct NetworkSimplexStats: Sendable, Equatable {
    var pivots = 0
    var degeneratePivots = 0
    var solves = 0
}
