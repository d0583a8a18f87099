/// RELAX-IV on a restricted arc set grown by pricing, for dense problems (a CMAP round
/// has m·n arcs but an optimal flow uses at most m + n of them).
///
/// The restricted problem holds each node's `candidatesPerNode` cheapest outgoing and
/// incoming arcs, plus artificial arcs through one extra node R (every supply node → R at
/// cost M, R → every demand node at cost 0) that keep it feasible. After each solve, every
/// left-out arc is priced with the solve's node prices; arcs with negative reduced cost
/// join, and RELAX-IV continues from the same prices and flows (warm start, exact costs).
/// When no left-out arc has a negative reduced cost the flow is optimal for the whole
/// problem: the left-out arcs carry 0 and satisfy complementary slackness too, so the
/// returned certificate covers every arc.
///
/// M = (nodes + 1)·max|cost| exceeds the cost of any simple path, so an optimal flow of the
/// full problem never uses an artificial arc when a feasible flow exists: artificial flow
/// left at the end means the problem is infeasible.
extension RelaxIV {
    /// Cheapest outgoing and incoming arcs per node in the first restricted problem.
    static let candidatesPerNode = 6

    /// Like `solve`, using pricing when the problem is dense enough to gain from it
    /// (same guarantees, same optimum; flows may differ from `solve` where optima tie).
    public static func solveByPricing(_ problem: MinCostFlowProblem) throws -> MinCostFlowSolution {
        try solveByPricing(problem, evenIfSparse: false)
    }

    /// `evenIfSparse` prices on any problem (tests use it on small instances).
    static func solveByPricing(_ problem: MinCostFlowProblem, evenIfSparse: Bool) throws -> MinCostFlowSolution {
        try problem.validate()
        let n = problem.nodeCount, m = problem.arcCount
        let maxCost = max(problem.cost.reduce(0) { max($0, abs($1)) }, 1)
        let (bigM, overflow) = Int64(n + 1).multipliedReportingOverflow(by: maxCost)
        guard !overflow, bigM <= MinCostFlowProblem.maxCost,
              evenIfSparse || m > 8 * candidatesPerNode * max(n, 1) else {
            return try solveValidated(problem, warmStart: nil, scalingCost: maxCost)
        }
        var selected = [Bool](repeating: false, count: m)
        for a in cheapestPerNode(problem, key: problem.cost, eligible: nil) { selected[a] = true }
        var artificialTails = [Int32](), artificialHeads = [Int32](), artificialCaps = [Int64](), artificialCosts = [Int64]()
        for v in 0..<n where problem.supply[v] != 0 {
            let s = problem.supply[v]
            artificialTails.append(Int32(s > 0 ? v : n)); artificialHeads.append(Int32(s > 0 ? n : v))
            artificialCaps.append(abs(s)); artificialCosts.append(s > 0 ? bigM : 0)
        }
        var warm: (prices: [Int64], flows: [Int64])? = nil
        var flows = [Int64](repeating: 0, count: m)   // full-problem flows of the latest solve
        var artificialFlows = [Int64](repeating: 0, count: artificialTails.count)
        var prices = [Int64](repeating: 0, count: n + 1)
        var stats = RelaxIVStats()
        stats.passes = 0
        while true {
            let arcs = (0..<m).filter { selected[$0] }
            let sub = MinCostFlowProblem(
                nodeCount: n + 1, supply: problem.supply + [0],
                tails: arcs.map { problem.tails[$0] } + artificialTails,
                heads: arcs.map { problem.heads[$0] } + artificialHeads,
                capacity: arcs.map { problem.capacity[$0] } + artificialCaps,
                cost: arcs.map { problem.cost[$0] } + artificialCosts)
            if warm != nil {
                warm!.flows = arcs.map { flows[$0] } + artificialFlows
            }
            let s = try solveValidated(sub, warmStart: warm, scalingCost: maxCost)
            prices = s.prices
            stats.add(s.stats)
            stats.passes += 1
            for (q, a) in arcs.enumerated() { flows[a] = s.flows[q] }
            artificialFlows = Array(s.flows[arcs.count...])
            // Price every left-out arc; each node admits its most negative few, which keeps
            // the restricted problem sparse even while prices are still far off.
            var reduced = [Int64](repeating: 0, count: m), violated = [Bool](repeating: false, count: m)
            var anyViolated = false
            for a in 0..<m where !selected[a] {
                let rc = problem.cost[a] &+ prices[Int(problem.heads[a])] &- prices[Int(problem.tails[a])]
                if rc < 0 { reduced[a] = rc; violated[a] = true; anyViolated = true }
            }
            if !anyViolated { break }
            for a in cheapestPerNode(problem, key: reduced, eligible: violated) { selected[a] = true }
            warm = (prices, [])
        }
        if let k = artificialFlows.firstIndex(where: { $0 != 0 }) {
            let v = artificialTails[k] == Int32(n) ? artificialHeads[k] : artificialTails[k]
            throw MinCostFlowError.infeasible("node \(v) can only be balanced through an artificial arc (\(artificialFlows[k]) units)")
        }
        let solution = MinCostFlowSolution(flows: flows, prices: Array(prices.prefix(n)), stats: stats)
        #if DEBUG
        if let violation = certificateViolation(problem, solution) {
            preconditionFailure("RelaxIV.solveByPricing returned an uncertified flow: \(violation)")
        }
        #endif
        return solution
    }

    /// For each node, the `candidatesPerNode` eligible outgoing and incoming arcs with the
    /// smallest `key` (ties by arc index); `eligible` nil means every arc.
    static func cheapestPerNode(_ p: MinCostFlowProblem, key: [Int64], eligible: [Bool]?) -> [Int] {
        var chosen = [Int]()
        let k = candidatesPerNode
        for endpoints in [p.tails, p.heads] {
            // best[v*k ..< v*k+count[v]]: node v's kept arcs, ascending key.
            var best = [Int32](repeating: 0, count: p.nodeCount * k)
            var count = [Int](repeating: 0, count: p.nodeCount)
            for a in 0..<p.arcCount {
                if let eligible, !eligible[a] { continue }
                let v = Int(endpoints[a]), base = v * k, c = key[a], have = count[v]
                guard have < k || c < key[Int(best[base + k - 1])] else { continue }
                var pos = min(have, k - 1)
                while pos > 0 && key[Int(best[base + pos - 1])] > c { best[base + pos] = best[base + pos - 1]; pos -= 1 }
                best[base + pos] = Int32(a)
                count[v] = min(have + 1, k)
            }
            for v in 0..<p.nodeCount {
                for q in 0..<count[v] { chosen.append(Int(best[v * k + q])) }
            }
        }
        return chosen
    }
}
