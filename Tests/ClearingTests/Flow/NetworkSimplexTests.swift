import GridClearCore
import Testing
@testable import Clearing

/// `NetworkSimplex` against a brute-force reference on small random networks, warm starts
/// against cold solves, and its bounds.
@Suite struct NetworkSimplexTests {
    static func solve(_ p: MinCostFlowProblem, bound: Int64? = nil) throws -> NetworkSimplex {
        let ns = try NetworkSimplex(nodeCount: p.nodeCount, supply: p.supply, tails: p.tails, heads: p.heads,
                                    capacity: p.capacity, costBound: bound ?? max(1, p.cost.map { abs($0) }.max() ?? 1))
        try p.cost.withUnsafeBufferPointer { try ns.setCosts($0) }
        try ns.solve()
        return ns
    }

    static func flows(_ ns: NetworkSimplex) -> [Int64] { (0..<ns.arcCount).map { ns.flow(ofArc: $0) } }

    @Test(arguments: 0..<300)
    func matchesReference(seed: UInt64) throws {
        let p = Self.randomProblem(seed: seed)
        let reference = FlowReference.minimumCost(p)
        do {
            let ns = try Self.solve(p)
            #expect(ns.certificateViolation() == nil, "seed \(seed)")
            ns._checkInvariants()
            #expect(objective(p, Self.flows(ns)) == reference, "seed \(seed)")
        } catch MinCostFlowError.infeasible {
            #expect(reference == nil, "seed \(seed): reported infeasible, reference \(String(describing: reference))")
        }
    }

    /// Re-solving with new costs from the previous basis gives the cold optimum.
    @Test(arguments: 0..<60)
    func warmStartMatchesColdSolve(seed: UInt64) throws {
        let p = Self.randomProblem(seed: 1000 + seed, nodes: 9, arcs: 30)
        guard FlowReference.minimumCost(p) != nil else { return }
        let ns = try Self.solve(p, bound: 20)
        for round in 0..<3 {
            var q = p
            var rng = SplitMix64(seed: seed &* 31 &+ UInt64(round))
            q.cost = q.cost.map { _ in Int64.random(in: -20...20, using: &rng) }
            try q.cost.withUnsafeBufferPointer { try ns.setCosts($0) }
            try ns.solve()
            #expect(ns.certificateViolation() == nil)
            #expect(objective(q, Self.flows(ns)) == FlowReference.minimumCost(q), "seed \(seed) round \(round)")
        }
    }

    /// Costs up to the 2^40 bound, supplies far beyond 2^31: no overflow, exact optimum.
    @Test(arguments: [1 as Int64, 1 << 20, 1 << 40])
    func largeCostsAndSupplies(bound: Int64) throws {
        for seed in 0..<20 as Range<UInt64> {
            var p = Self.randomProblem(seed: 500 + seed, nodes: 7, arcs: 20, costRange: 20)
            guard FlowReference.minimumCost(p) != nil else { continue }
            p.cost = p.cost.map { max(-bound, min(bound, $0 * (bound / 20 + 1))) }
            let big: Int64 = 1 << 45
            let scaled = MinCostFlowProblem(nodeCount: p.nodeCount, supply: p.supply.map { $0 * big }, tails: p.tails,
                                            heads: p.heads, capacity: p.capacity.map { $0 * big }, cost: p.cost)
            let ns = try Self.solve(scaled, bound: bound)
            #expect(ns.certificateViolation() == nil)
            let small = try Self.solve(p, bound: bound)
            #expect(small.certificateViolation() == nil)
            // Scaling supplies and capacities by `big` scales the optimal cost by `big`.
            let reference = try #require(FlowReference.minimumCost(p))
            #expect(objective(p, Self.flows(small)) == reference)
            let scaledCost = zip(scaled.cost, Self.flows(ns)).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            #expect(abs(scaledCost - Double(reference) * Double(big)) <= 1e-9 * max(1, abs(scaledCost)))
        }
    }

    @Test func deterministic() throws {
        let p = Self.randomProblem(seed: 7, nodes: 8, arcs: 25)
        guard FlowReference.minimumCost(p) != nil else { return }
        #expect(Self.flows(try Self.solve(p)) == Self.flows(try Self.solve(p)))
    }

    @Test func rejectsBrokenBounds() throws {
        #expect(throws: MinCostFlowError.self) {
            _ = try NetworkSimplex(nodeCount: 2, supply: [1, -1], tails: [0], heads: [1], capacity: [1], costBound: (1 << 40) + 1)
        }
        #expect(throws: MinCostFlowError.self) {
            _ = try NetworkSimplex(nodeCount: 2, supply: [1, 0], tails: [0], heads: [1], capacity: [1], costBound: 1)
        }
        let ns = try NetworkSimplex(nodeCount: 2, supply: [1, -1], tails: [0], heads: [1], capacity: [1], costBound: 5)
        #expect(throws: MinCostFlowError.self) { try [Int64(6)].withUnsafeBufferPointer { try ns.setCosts($0) } }
        let empty = try NetworkSimplex(nodeCount: 0, supply: [], tails: [], heads: [], capacity: [], costBound: 1)
        try empty.solve()
    }

    // MARK: instances

    static func randomProblem(seed: UInt64, nodes: Int? = nil, arcs: Int? = nil, costRange: Int64 = 20) -> MinCostFlowProblem {
        var rng = SplitMix64(seed: 0xF10 &+ seed)
        let n = nodes ?? Int.random(in: 2...8, using: &rng)
        let m = arcs ?? Int.random(in: 1...22, using: &rng)
        var tails = [Int32](), heads = [Int32](), caps = [Int64](), costs = [Int64]()
        for _ in 0..<m {
            let t = Int.random(in: 0..<n, using: &rng)
            var h = Int.random(in: 0..<(n - 1), using: &rng)
            if h >= t { h += 1 }
            tails.append(Int32(t)); heads.append(Int32(h))
            caps.append(Int64.random(in: 0...10, using: &rng))
            costs.append(Int64.random(in: -costRange...costRange, using: &rng))
        }
        // Supplies from a random flow on the arcs (feasible), then sometimes perturbed (maybe infeasible).
        var supply = [Int64](repeating: 0, count: n)
        for k in 0..<m {
            let f = Int64.random(in: 0...caps[k], using: &rng)
            supply[Int(tails[k])] += f; supply[Int(heads[k])] -= f
        }
        if seed % 5 == 0 && n >= 2 { supply[0] += 3; supply[1] -= 3 }
        return MinCostFlowProblem(nodeCount: n, supply: supply, tails: tails, heads: heads, capacity: caps, cost: costs)
    }
}

func objective(_ p: MinCostFlowProblem, _ flows: [Int64]) -> Int64 {
    zip(p.cost, flows).reduce(0) { $0 + $1.0 * $1.1 }
}

/// The simple reference: Edmonds–Karp max flow from a super source to a super sink for a
/// feasible flow, then Bellman–Ford negative-cycle cancelling until none is left.
enum FlowReference {
    static func minimumCost(_ p: MinCostFlowProblem) -> Int64? {
        let n = p.nodeCount, s = n, t = n + 1
        // Residual graph: edge 2k forward, 2k+1 backward.
        var to = [Int](), capacity = [Int64](), cost = [Int64]()
        func add(_ u: Int, _ v: Int, _ c: Int64, _ w: Int64) {
            to.append(v); capacity.append(c); cost.append(w)
            to.append(u); capacity.append(0); cost.append(-w)
        }
        var from = [Int]()
        func addEdge(_ u: Int, _ v: Int, _ c: Int64, _ w: Int64) { from.append(u); from.append(v); add(u, v, c, w) }
        for k in 0..<p.arcCount { addEdge(Int(p.tails[k]), Int(p.heads[k]), p.capacity[k], p.cost[k]) }
        var need: Int64 = 0
        for v in 0..<n where p.supply[v] > 0 { addEdge(s, v, p.supply[v], 0); need += p.supply[v] }
        for v in 0..<n where p.supply[v] < 0 { addEdge(v, t, -p.supply[v], 0) }
        let edgeCount = to.count
        var sent: Int64 = 0
        while true {   // BFS augmenting paths
            var prev = [Int](repeating: -1, count: n + 2)
            var queue = [s]; var seen = Set([s])
            while let u = queue.first, !seen.contains(t) {
                queue.removeFirst()
                for e in 0..<edgeCount where from[e] == u && capacity[e] > 0 && !seen.contains(to[e]) {
                    seen.insert(to[e]); prev[to[e]] = e; queue.append(to[e])
                }
            }
            guard seen.contains(t) else { break }
            var delta = Int64.max, v = t
            while v != s { let e = prev[v]; delta = min(delta, capacity[e]); v = from[e] }
            v = t
            while v != s { let e = prev[v]; capacity[e] -= delta; capacity[e ^ 1] += delta; v = from[e] }
            sent += delta
        }
        guard sent == need else { return nil }
        // Cancel negative cycles among the original arcs' residual edges.
        let realEdges = 2 * p.arcCount
        while true {
            var d = [Int64](repeating: 0, count: n), pred = [Int](repeating: -1, count: n)
            var last = -1
            for _ in 0..<n {
                last = -1
                for e in 0..<realEdges where capacity[e] > 0 && d[from[e]] + cost[e] < d[to[e]] {
                    d[to[e]] = d[from[e]] + cost[e]; pred[to[e]] = e; last = to[e]
                }
            }
            guard last >= 0 else { break }
            var v = last
            for _ in 0..<n { v = from[pred[v]] }   // step back onto the cycle
            var cycle = [Int](), u = v
            repeat { cycle.append(pred[u]); u = from[pred[u]] } while u != v
            let delta = cycle.map { capacity[$0] }.min()!
            for e in cycle { capacity[e] -= delta; capacity[e ^ 1] += delta }
        }
        var total: Int64 = 0
        for k in 0..<p.arcCount { total += p.cost[k] * capacity[2 * k + 1] }
        return total
    }
}
