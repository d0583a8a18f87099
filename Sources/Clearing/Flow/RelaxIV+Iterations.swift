/// The two kinds of relaxation iteration (Bertsekas, *Linear Network Optimization*,
/// §3.3): a single-node price rise when raising one price alone increases the
/// dual, else a labelling search over balanced arcs that ends in either a flow
/// augmentation to a deficit node or a price rise of the whole labelled set.
///
/// Dual derivative of raising the prices of a node set S:
/// C(S) = Σ_{v∈S} g_v − Σ_{balanced (v,w), v∈S, w∉S} (u − x) − Σ_{balanced (w,v), w∉S, v∈S} x.
extension RelaxIVState {
    /// One iteration from node `i`, whose surplus is positive.
    func iterate(from i: Int) throws {
        cleanLists(i)
        var derivative = surplus[i]
        var a = outFirst[i]
        while a >= 0 { derivative -= cap[Int(a)] - x[Int(a)]; a = outNext[Int(a)] }
        a = inFirst[i]
        while a >= 0 { derivative -= x[Int(a)]; a = inNext[Int(a)] }
        if derivative > 0 {
            try singleNodeRise(i)
        } else {
            try multiNode(from: i, derivative: derivative)
        }
    }

    /// Coordinate ascent on p_i: raises it across breakpoints while the derivative
    /// stays positive, then spreads the remaining surplus over the arcs balanced at
    /// the final price (leaving g_i = 0). Expects `i`'s lists clean.
    func singleNodeRise(_ i: Int) throws {
        stats.singleNodeRises += 1
        // Arcs balanced now leave balance as p_i rises: outgoing ones fill, incoming ones empty.
        var b = outFirst[i]
        while b >= 0 { let a = Int(b); if x[a] < cap[a] { shift(a, cap[a] - x[a]) }; b = outNext[a] }
        b = inFirst[i]
        while b >= 0 { let a = Int(b); if x[a] > 0 { shift(a, -x[a]) }; b = inNext[a] }
        // Breakpoints: empty outgoing arcs with rc > 0 and full incoming arcs with rc < 0.
        var count = 0
        let pi = price[i]
        for a in outStart[i]..<outStart[i + 1] where cap[a] > 0 {
            let rc = cost[a] &+ price[Int(head[a])] &- pi
            if rc > 0 { breakpoints[count] = Breakpoint(gap: rc, code: Int32(a << 1)); count += 1 }
        }
        for k in inStart[i]..<inStart[i + 1] {
            let a = Int(inArc[k])
            guard cap[a] > 0 else { continue }
            let rc = reducedCost(a)
            if rc < 0 { breakpoints[count] = Breakpoint(gap: -rc, code: Int32(a << 1 | 1)); count += 1 }
        }
        // Take breakpoint groups in increasing gap: a few by selection (the usual case),
        // then sort whatever is left.
        var k = 0, selections = 0, sorted = false
        while true {
            guard k < count else {
                throw MinCostFlowError.infeasible("node \(i) keeps surplus \(surplus[i]) and no arc can carry it away")
            }
            if !sorted && selections == 8 {
                var rest = UnsafeMutableBufferPointer(rebasing: breakpoints[k..<count])
                rest.sort { ($0.gap, $0.code) < ($1.gap, $1.code) }
                sorted = true
            }
            var end = k
            let gap: Int64
            if sorted {
                gap = breakpoints[k].gap
                while end < count && breakpoints[end].gap == gap { end += 1 }
            } else {
                selections += 1
                var g = Int64.max
                for q in k..<count where breakpoints[q].gap < g { g = breakpoints[q].gap }
                gap = g
                for q in k..<count where breakpoints[q].gap == gap {
                    breakpoints.swapAt(q, end)
                    end += 1
                }
            }
            var range: Int64 = 0
            for q in k..<end { range += cap[Int(breakpoints[q].code >> 1)] }
            if surplus[i] > range {
                // The derivative stays positive past this breakpoint: cross it.
                for q in k..<end {
                    let code = Int(breakpoints[q].code), a = code >> 1
                    shift(a, code & 1 == 0 ? cap[a] : -cap[a])
                }
                k = end
                continue
            }
            price[i] += gap
            for q in k..<end { markBalanced(Int(breakpoints[q].code >> 1)) }
            var q = k
            while surplus[i] > 0 && q < end {
                let code = Int(breakpoints[q].code), a = code >> 1
                let amount = min(surplus[i], cap[a])
                shift(a, code & 1 == 0 ? amount : -amount)
                q += 1
            }
            return
        }
    }

    /// Labels nodes reachable from `i` over balanced arcs with residual capacity, adding
    /// them to S and updating C(S). At the first deficit node it augments and stops.
    /// When C(S) > 0 it raises the prices of S, repeatedly while the derivative stays
    /// positive, then goes on labelling from the same S (its internal arcs, and so the
    /// labelling tree, are unchanged by a uniform rise); it stops once g_i reaches 0.
    func multiNode(from i: Int, derivative: Int64) throws {
        newStamp()
        memberCount = 0
        mark[i] = stamp
        members[memberCount] = Int32(i); memberCount += 1
        var c = derivative
        var scan = 0
        labelling: while scan < memberCount {
            let u = Int(members[scan]); scan += 1
            var b = outFirst[u]
            while b >= 0 {
                let a = Int(b), j = Int(head[a])
                b = outNext[a]
                // Lists may hold arcs a rise of S unbalanced: check the reduced cost.
                guard mark[j] != stamp, x[a] < cap[a], reducedCost(a) == 0 else { continue }
                pred[j] = Int32(a << 1)
                if surplus[j] < 0 { augment(from: i, to: j); return }
                c = admit(j, c)
                if c > 0 {
                    repeat { c = try raiseLabelledSet(c) } while c > 0 && surplus[i] > 0
                    guard surplus[i] > 0 else { return }
                    scan = 0
                    continue labelling
                }
            }
            b = inFirst[u]
            while b >= 0 {
                let a = Int(b), j = Int(tail[a])
                b = inNext[a]
                guard mark[j] != stamp, x[a] > 0, reducedCost(a) == 0 else { continue }
                pred[j] = Int32(a << 1 | 1)
                if surplus[j] < 0 { augment(from: i, to: j); return }
                c = admit(j, c)
                if c > 0 {
                    repeat { c = try raiseLabelledSet(c) } while c > 0 && surplus[i] > 0
                    guard surplus[i] > 0 else { return }
                    scan = 0
                    continue labelling
                }
            }
        }
        // C(S) ≤ 0 with no balanced residual arc leaving S would mean Σ_S g ≤ 0, yet g_i > 0.
        throw MinCostFlowError.internalInconsistency("labelling from node \(i) ended with C(S) = \(c) ≤ 0 and no balanced arc to follow")
    }

    /// Adds `j` to S and returns the updated C(S); drops stale entries from `j`'s lists
    /// on the same walk.
    func admit(_ j: Int, _ c: Int64) -> Int64 {
        var c = c + surplus[j]
        let pj = price[j]
        var prev: Int32 = -1, b = outFirst[j]
        while b >= 0 {
            let a = Int(b), h = Int(head[a])
            let next = outNext[a]
            if cost[a] &+ price[h] &- pj == 0 {
                if mark[h] == stamp { c += x[a] } else { c -= cap[a] - x[a] }
                prev = b
            } else {
                if prev < 0 { outFirst[j] = next } else { outNext[Int(prev)] = next }
                onOut[a] = false
            }
            b = next
        }
        prev = -1; b = inFirst[j]
        while b >= 0 {
            let a = Int(b), t = Int(tail[a])
            let next = inNext[a]
            if cost[a] &+ pj &- price[t] == 0 {
                if mark[t] == stamp { c += cap[a] - x[a] } else { c -= x[a] }
                prev = b
            } else {
                if prev < 0 { inFirst[j] = next } else { inNext[Int(prev)] = next }
                onIn[a] = false
            }
            b = next
        }
        mark[j] = stamp
        members[memberCount] = Int32(j); memberCount += 1
        return c
    }

    /// Pushes min(g_i, −g_j, path residuals) along the labelled path i → j.
    func augment(from i: Int, to j: Int) {
        stats.augmentations += 1
        var delta = min(surplus[i], -surplus[j])
        var v = j
        while v != i {
            let e = Int(pred[v]), a = e >> 1
            if e & 1 == 0 { delta = min(delta, cap[a] - x[a]); v = Int(tail[a]) }
            else { delta = min(delta, x[a]); v = Int(head[a]) }
        }
        v = j
        while v != i {
            let e = Int(pred[v]), a = e >> 1
            if e & 1 == 0 { x[a] += delta; v = Int(tail[a]) }
            else { x[a] -= delta; v = Int(head[a]) }
        }
        surplus[i] -= delta
        surplus[j] += delta
    }

    /// Raises the prices of S (the labelled set, C(S) = `c` > 0) to the next breakpoint,
    /// first moving balanced boundary arcs to the state the rise requires, and returns
    /// C(S) at the new prices. Stale entries on members' lists are skipped.
    func raiseLabelledSet(_ c: Int64) throws -> Int64 {
        stats.multiNodeRises += 1
        for q in 0..<memberCount {
            let u = Int(members[q])
            var b = outFirst[u]
            while b >= 0 {
                let a = Int(b)
                if mark[Int(head[a])] != stamp && x[a] < cap[a] && reducedCost(a) == 0 { shift(a, cap[a] - x[a]) }
                b = outNext[a]
            }
            b = inFirst[u]
            while b >= 0 {
                let a = Int(b)
                if mark[Int(tail[a])] != stamp && x[a] > 0 && reducedCost(a) == 0 { shift(a, -x[a]) }
                b = inNext[a]
            }
        }
        #if DEBUG
        var held: Int64 = 0
        for q in 0..<memberCount { held += surplus[Int(members[q])] }
        assert(held == c, "C(S) bookkeeping: Σ_S g = \(held) after saturation, expected \(c)")
        #endif
        // The step: the smallest |rc| over boundary arcs that the rise brings to balance;
        // `tied` collects the arcs reaching it (they are balanced after the rise).
        var gap = Int64.max
        tiedCount = 0
        for q in 0..<memberCount {
            let u = Int(members[q])
            let pu = price[u]
            for a in outStart[u]..<outStart[u + 1] {
                let h = Int(head[a])
                guard mark[h] != stamp else { continue }
                let rc = cost[a] &+ price[h] &- pu
                guard rc > 0, rc <= gap, cap[a] > 0 else { continue }
                if rc < gap { gap = rc; tiedCount = 0 }
                tied[tiedCount] = Int32(a); tiedCount += 1
            }
            for k in inStart[u]..<inStart[u + 1] {
                let a = Int(inArc[k]), t = Int(tail[a])
                guard mark[t] != stamp else { continue }
                let rc = price[t] &- cost[a] &- pu
                guard rc > 0, rc <= gap, cap[a] > 0 else { continue }
                if rc < gap { gap = rc; tiedCount = 0 }
                tied[tiedCount] = Int32(a); tiedCount += 1
            }
        }
        guard gap != Int64.max else {
            throw MinCostFlowError.infeasible("a set of \(memberCount) nodes has surplus and no arc can carry it away")
        }
        for q in 0..<memberCount { price[Int(members[q])] += gap }
        var next = c
        for q in 0..<tiedCount {
            let a = Int(tied[q])
            markBalanced(a)
            next -= cap[a]   // empty outgoing or full incoming: the whole capacity is residual
        }
        return next
    }

    /// A fresh membership stamp (resets the marks on wrap-around).
    func newStamp() {
        if stamp == Int32.max {
            for v in 0..<nodeCount { mark[v] = 0 }
            stamp = 0
        }
        stamp += 1
    }
}
