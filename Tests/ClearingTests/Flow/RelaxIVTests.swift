import GridClearCore
import Testing
@testable import Clearing

/// RELAX-IV against an independent reference (max flow + Bellman–Ford negative-cycle
/// cancelling, exact integers) on random networks with negative costs, parallel and
/// antiparallel arcs and zero capacities; every result also carries a complementary-
/// slackness certificate, checked here (and inside `solve` in debug builds).
@Suite struct RelaxIVTests {
    /// networkx's documented example: cost 24 (a→b 4, a→c 1, b→d 4, c→d 1).
    @Test func textbookExample() throws {
        let p = MinCostFlowProblem(nodeCount: 4, supply: [5, 0, 0, -5],
                                   tails: [0, 0, 1, 2], heads: [1, 2, 3, 3],
                                   capacity: [4, 10, 9, 5], cost: [3, 6, 1, 2])
        let s = try RelaxIV.solve(p)
        #expect(s.flows == [4, 1, 4, 1])
        #expect(objective(p, s.flows) == 24)
        #expect(RelaxIV.certificateViolation(p, s) == nil)
    }

    @Test(arguments: 0..<300)
    func matchesCycleCancellingReference(seed: UInt64) throws {
        let p = Self.randomProblem(seed: seed)
        let reference = FlowReference.minimumCost(p)
        do {
            let s = try RelaxIV.solve(p)
            #expect(RelaxIV.certificateViolation(p, s) == nil, "seed \(seed)")
            #expect(reference != nil, "seed \(seed): RELAX-IV found a flow the reference calls infeasible")
            #expect(objective(p, s.flows) == reference, "seed \(seed)")
        } catch let error as MinCostFlowError {
            guard case .infeasible = error else { Issue.record("seed \(seed): \(error)"); return }
            #expect(reference == nil, "seed \(seed): reference found cost \(reference ?? 0)")
        }
    }

    /// Large costs use every scaling phase; the result is still exact.
    @Test(arguments: [1 as Int64, 1 << 12, 1 << 30, MinCostFlowProblem.maxCost])
    func costScalingIsExactAtEveryMagnitude(maxCost: Int64) throws {
        for seed in 0..<20 as Range<UInt64> {
            let p = Self.randomProblem(seed: 1000 + seed, costRange: maxCost)
            guard let reference = FlowReference.minimumCost(p) else { continue }
            let s = try RelaxIV.solve(p)
            #expect(RelaxIV.certificateViolation(p, s) == nil)
            #expect(objective(p, s.flows) == reference, "seed \(seed) max cost \(maxCost)")
        }
    }

    @Test func sameInputSameFlow() throws {
        let p = Self.randomProblem(seed: 42, nodes: 30, arcs: 200)
        #expect(try RelaxIV.solve(p) == RelaxIV.solve(p))
    }

    @Test func infeasibleProblemsAreReportedAsSuch() throws {
        // Demand unreachable: no arc into node 2.
        let unreachable = MinCostFlowProblem(nodeCount: 3, supply: [2, 0, -2], tails: [0], heads: [1], capacity: [5], cost: [1])
        #expect(throws: MinCostFlowError.self) { try RelaxIV.solve(unreachable) }
        // Capacity too small.
        let narrow = MinCostFlowProblem(nodeCount: 2, supply: [3, -3], tails: [0], heads: [1], capacity: [2], cost: [-4])
        do { _ = try RelaxIV.solve(narrow); Issue.record("expected infeasible") } catch let e as MinCostFlowError {
            guard case .infeasible = e else { Issue.record("\(e)"); return }
        }
    }

    @Test func invalidProblemsAreRejectedBeforeSolving() {
        let cases: [(MinCostFlowProblem, String)] = [
            (MinCostFlowProblem(nodeCount: 2, supply: [1, 0], tails: [0], heads: [1], capacity: [1], cost: [0]), "sum to 1"),
            (MinCostFlowProblem(nodeCount: 2, supply: [0, 0], tails: [0], heads: [2], capacity: [1], cost: [0]), "arc 0 joins 0 → 2"),
            (MinCostFlowProblem(nodeCount: 2, supply: [0, 0], tails: [1], heads: [1], capacity: [1], cost: [0]), "self-loop"),
            (MinCostFlowProblem(nodeCount: 2, supply: [0, 0], tails: [0], heads: [1], capacity: [-1], cost: [0]), "capacity -1"),
            (MinCostFlowProblem(nodeCount: 2, supply: [0, 0], tails: [0], heads: [1], capacity: [1], cost: [MinCostFlowProblem.maxCost + 1]), "cost"),
            (MinCostFlowProblem(nodeCount: 2, supply: [0], tails: [], heads: [], capacity: [], cost: []), "supply has 1 entries"),
        ]
        for (p, fragment) in cases {
            do { _ = try RelaxIV.solve(p); Issue.record("accepted: \(fragment)") } catch let e as MinCostFlowError {
                guard case .invalidProblem(let why) = e else { Issue.record("\(e)"); continue }
                #expect(why.contains(fragment), "\(why)")
            } catch { Issue.record("\(error)") }
        }
    }

    @Test func scalingPhasesEndExact() {
        #expect(RelaxIV.scalingShifts(maxCost: 0) == [0])
        #expect(RelaxIV.scalingShifts(maxCost: 255) == [0])
        #expect(RelaxIV.scalingShifts(maxCost: 1 << 20).last == 0)
        #expect(RelaxIV.scalingShifts(maxCost: 1 << 20) == [16, 12, 8, 4, 0])
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

/// The pricing driver (restricted arc set + artificial arcs + warm-started re-solves)
/// against the plain solve and the reference.
@Suite struct RelaxIVPricingTests {
    /// Dense bipartite instances with a dump node, exclusions and negative costs.
    static func transportation(seed: UInt64, m: Int, n: Int) -> MinCostFlowProblem {
        var rng = SplitMix64(seed: 0x7A5 &+ seed)
        let nodes = m + n + 1, dump = m + n
        var supply = [Int64](repeating: 0, count: nodes)
        var tails = [Int32](), heads = [Int32](), caps = [Int64](), costs = [Int64]()
        let demand = (0..<n).map { _ in Int64.random(in: 1...500, using: &rng) }
        let offer = (0..<m).map { _ in Int64.random(in: 0...600, using: &rng) }
        for s in 0..<m {
            for b in 0..<n where Int.random(in: 0..<10, using: &rng) > 1 {
                tails.append(Int32(s)); heads.append(Int32(m + b))
                caps.append(min(offer[s], demand[b])); costs.append(Int64.random(in: -1000...1000, using: &rng))
            }
            tails.append(Int32(s)); heads.append(Int32(dump)); caps.append(offer[s]); costs.append(0)
            supply[s] = offer[s]
        }
        for b in 0..<n { supply[m + b] = -demand[b] }
        supply[dump] = -(offer.reduce(0, +) - demand.reduce(0, +))
        return MinCostFlowProblem(nodeCount: nodes, supply: supply, tails: tails, heads: heads, capacity: caps, cost: costs)
    }

    @Test(arguments: 0..<40)
    func pricingMatchesPlainSolve(seed: UInt64) throws {
        let p = Self.transportation(seed: seed, m: 12 + Int(seed % 7), n: 9 + Int(seed % 5))
        let plain: MinCostFlowSolution
        do { plain = try RelaxIV.solve(p) } catch MinCostFlowError.infeasible {
            #expect(throws: MinCostFlowError.self) { try RelaxIV.solveByPricing(p, evenIfSparse: true) }
            #expect(FlowReference.minimumCost(p) == nil)
            return
        }
        let priced = try RelaxIV.solveByPricing(p, evenIfSparse: true)
        #expect(RelaxIV.certificateViolation(p, priced) == nil, "seed \(seed)")
        #expect(objective(p, priced.flows) == objective(p, plain.flows), "seed \(seed)")
        if seed < 8 { #expect(objective(p, priced.flows) == FlowReference.minimumCost(p)) }
    }

    /// A dense CMAP-sized instance takes the pricing route by itself.
    @Test func denseInstanceAgreesWithPlainSolve() throws {
        let p = Self.transportation(seed: 99, m: 120, n: 110)
        let priced = try RelaxIV.solveByPricing(p)
        #expect(priced.stats.passes >= 1 && priced.stats.augmentations > 0)
        #expect(RelaxIV.certificateViolation(p, priced) == nil)
        #expect(objective(p, priced.flows) == objective(p, try RelaxIV.solve(p).flows))
    }

    @Test func infeasibleThroughArtificialArcs() {
        // Seller 0 can only reach buyer 0; buyer 1 has no supplier.
        let p = MinCostFlowProblem(nodeCount: 3, supply: [5, -2, -3], tails: [0], heads: [1], capacity: [5], cost: [1])
        do { _ = try RelaxIV.solveByPricing(p, evenIfSparse: true); Issue.record("expected infeasible") } catch let e as MinCostFlowError {
            guard case .infeasible = e else { Issue.record("\(e)"); return }
        } catch { Issue.record("\(error)") }
    }
}
