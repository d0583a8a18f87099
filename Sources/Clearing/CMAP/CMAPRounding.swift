import GridClearCore

/// Turns solver values into integer Wh and checks every constraint exactly.
///
/// Rule: round each value to the nearest integer; if that breaks any constraint
/// (only possible through floating noise), fall back to largest-remainder
/// rounding per buyer: floor every value, then give +1 Wh to the buyer's cells
/// with the largest fractional parts (ties: lower column index first — pairs in
/// seller order, the grid last) whose seller still has spare capacity, until the
/// buyer's sum equals its demand exactly.
enum CMAPRounding {
    /// Full arc flows (network layout) from simplex column values (pairs, then m grid columns).
    static func arcFlows(_ net: CMAPNetwork, columnValues v: [Double]) throws -> [Wh] {
        let pc = net.pairs.count
        for x in v where !x.isFinite {
            throw CMAPSolverError.solverFailed("solver returned a non-finite flow")
        }
        var cols = v.map { Wh(max(0, $0).rounded()) }
        if !columnsFeasible(net, cols) {
            cols = try largestRemainder(net, v)
        }
        var arcs = [Wh](repeating: 0, count: net.arcCount)
        var sold = [Wh](repeating: 0, count: net.n)
        for p in 0..<pc { arcs[p] = cols[p]; sold[net.pairs[p] % net.n] += cols[p] }
        var grid: Wh = 0
        for i in 0..<net.m { arcs[pc + i] = cols[pc + i]; grid += cols[pc + i] }
        for j in 0..<net.n { arcs[pc + net.m + j] = net.supplies[j] - sold[j] }
        arcs[pc + net.m + net.n] = net.gridCapacity - grid
        try verify(net, arcs)
        return arcs
    }

    private static func columnsFeasible(_ net: CMAPNetwork, _ cols: [Wh]) -> Bool {
        let pc = net.pairs.count
        var bought = [Wh](repeating: 0, count: net.m), sold = [Wh](repeating: 0, count: net.n)
        for p in 0..<pc { bought[net.pairs[p] / net.n] += cols[p]; sold[net.pairs[p] % net.n] += cols[p] }
        var grid: Wh = 0
        for i in 0..<net.m { bought[i] += cols[pc + i]; grid += cols[pc + i] }
        return bought == net.demands && zip(sold, net.supplies).allSatisfy { $0 <= $1 } && grid <= net.gridCapacity
    }

    private static func largestRemainder(_ net: CMAPNetwork, _ v: [Double]) throws -> [Wh] {
        let pc = net.pairs.count
        var cols = v.map { Wh(max(0, $0).rounded(.down)) }
        var spare = net.supplies
        var gridSpare = net.gridCapacity
        var byBuyer = [[Int]](repeating: [], count: net.m)
        for p in 0..<pc { byBuyer[net.pairs[p] / net.n].append(p); spare[net.pairs[p] % net.n] -= cols[p] }
        for i in 0..<net.m { byBuyer[i].append(pc + i); gridSpare -= cols[pc + i] }
        guard spare.allSatisfy({ $0 >= 0 }), gridSpare >= 0 else {
            throw CMAPSolverError.solverFailed("rounding: floored flows exceed a seller's supply")
        }
        for i in 0..<net.m {
            var need = net.demands[i] - byBuyer[i].reduce(0) { $0 + cols[$1] }
            guard need >= 0 else { throw CMAPSolverError.solverFailed("rounding: buyer \(i) over-served by \(-need) Wh") }
            let order = byBuyer[i].sorted { l, r in
                let fl = v[l] - v[l].rounded(.down), fr = v[r] - v[r].rounded(.down)
                return fl != fr ? fl > fr : l < r
            }
            for c in order where need > 0 {
                if c >= pc { if gridSpare > 0 { gridSpare -= 1; cols[c] += 1; need -= 1 } }
                else if spare[net.pairs[c] % net.n] > 0 { spare[net.pairs[c] % net.n] -= 1; cols[c] += 1; need -= 1 }
            }
            guard need == 0 else { throw CMAPSolverError.solverFailed("rounding: buyer \(i) short by \(need) Wh after repair") }
        }
        return cols
    }

    /// Checks arc flows exactly: 0 ≤ x ≤ cap on every arc and flow balance at every node.
    static func verify(_ net: CMAPNetwork, _ arcs: [Wh]) throws {
        let (tails, heads, caps) = net.arcs()
        var balance = net.nodeSupply
        for k in 0..<arcs.count {
            guard arcs[k] >= 0, arcs[k] <= caps[k] else {
                throw CMAPSolverError.solverFailed("flow \(arcs[k]) on arc \(k) outside [0, \(caps[k])]")
            }
            balance[Int(tails[k])] -= arcs[k]
            balance[Int(heads[k])] += arcs[k]
        }
        if let v = balance.firstIndex(where: { $0 != 0 }) {
            throw CMAPSolverError.solverFailed("flow balance broken at node \(v) by \(balance[v]) Wh")
        }
    }
}
