/// One pivot of the network simplex: entering arc (block search), join node, leaving arc
/// (strongly feasible rule), flow change, tree update, potential update — the steps of
/// LEMON's `network_simplex.h`, on the flat buffers of `NetworkSimplex`.
extension NetworkSimplex {
    /// Block search: scans blocks of `blockSize` arcs cyclically from `nextArc` and takes the
    /// most negative reduced cost of the first block that has one. Returns false only after
    /// a full pass over every real arc found none (the optimality proof).
    @inline(__always)
    func findEnteringArc() -> Bool {
        let m = arcCount, block = blockSize
        let src = source, tgt = target, cst = cost, st = state, p = pi
        var minimum: Int64 = 0
        var best = -1
        var e = nextArc
        var scanned = 0
        // Blocks never straddle the end of the arc array, so the inner loop has fixed bounds.
        while scanned < m {
            let end = min(e + block, m)
            for k in e..<end {
                let c = Int64(st[k]) &* (cst[k] &+ p[Int(src[k])] &- p[Int(tgt[k])])
                if c < minimum { minimum = c; best = k }
            }
            scanned += end - e
            e = end == m ? 0 : end
            if minimum < 0 { break }
        }
        guard minimum < 0 else { return false }
        inArc = best
        nextArc = e
        return true
    }

    /// The first common ancestor of the entering arc's ends.
    @inline(__always)
    func findJoinNode() {
        let e = inArc, succNum = succNum, parent = parent
        var u = Int(source[e]), v = Int(target[e])
        while u != v {
            if succNum[u] < succNum[v] { u = Int(parent[u]) } else { v = Int(parent[v]) }
        }
        join = u
    }

    /// The leaving arc: the blocking arc met last when walking the cycle in the direction of
    /// the flow change, starting from the join (this keeps the tree strongly feasible).
    /// Returns false when the entering arc itself blocks (it only changes bound).
    @inline(__always)
    func findLeavingArc() -> Bool {
        let e0 = inArc, join = join
        let pred = pred, predDir = predDir, parent = parent, flow = flow, cap = cap
        let first: Int, second: Int
        if state[e0] == Self.stateLower {
            first = Int(source[e0]); second = Int(target[e0])
        } else {
            first = Int(target[e0]); second = Int(source[e0])
        }
        var delta = cap[e0]
        var out = 0
        var result = 0
        var u = first
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == Self.dirDown {
                let c = cap[e]
                d = c == Self.infinite ? Self.infinite : c - d
            }
            if d < delta { delta = d; out = u; result = 1 }
            u = Int(parent[u])
        }
        u = second
        while u != join {
            let e = Int(pred[u])
            var d = flow[e]
            if predDir[u] == Self.dirUp {
                let c = cap[e]
                d = c == Self.infinite ? Self.infinite : c - d
            }
            if d <= delta { delta = d; out = u; result = 2 }
            u = Int(parent[u])
        }
        self.delta = delta
        if result != 0 { uOut = out }
        if result == 1 { uIn = first; vIn = second } else { uIn = second; vIn = first }
        return result != 0
    }

    /// Sends `delta` around the cycle and updates the arc states.
    @inline(__always)
    func changeFlow(_ change: Bool) {
        let e0 = inArc, join = join, delta = delta
        let pred = pred, predDir = predDir, parent = parent, flow = flow, state = state
        if delta > 0 {
            let val = Int64(state[e0]) * delta
            flow[e0] += val
            var u = Int(source[e0])
            while u != join { flow[Int(pred[u])] -= Int64(predDir[u]) * val; u = Int(parent[u]) }
            u = Int(target[e0])
            while u != join { flow[Int(pred[u])] += Int64(predDir[u]) * val; u = Int(parent[u]) }
        }
        if change {
            state[e0] = Self.stateTree
            let out = Int(pred[uOut])
            state[out] = flow[out] == 0 ? Self.stateLower : Self.stateUpper
        } else {
            state[e0] = -state[e0]
        }
    }

    /// Re-hangs the subtree below the leaving arc from the entering arc: parent, pred,
    /// thread, reverse thread, successor counts and last successors (LEMON's update).
    func updateTreeStructure() {
        let uIn = uIn, vIn = vIn, uOut = uOut, join = join, inArc = inArc
        let parent = parent, pred = pred, predDir = predDir, thread = thread, revThread = revThread
        let succNum = succNum, lastSucc = lastSucc, source = source
        let oldRevThread = Int(revThread[uOut])
        let oldSuccNum = succNum[uOut]
        let oldLastSucc = Int(lastSucc[uOut])
        let vOut = Int(parent[uOut])

        if uIn == uOut {
            parent[uIn] = Int32(vIn)
            pred[uIn] = Int32(inArc)
            predDir[uIn] = uIn == Int(source[inArc]) ? Self.dirUp : Self.dirDown
            if Int(thread[vIn]) != uOut {
                var after = Int(thread[oldLastSucc])
                thread[oldRevThread] = Int32(after); revThread[after] = Int32(oldRevThread)
                after = Int(thread[vIn])
                thread[vIn] = Int32(uOut); revThread[uOut] = Int32(vIn)
                thread[oldLastSucc] = Int32(after); revThread[after] = Int32(oldLastSucc)
            }
        } else {
            let threadContinue = oldRevThread == vIn ? Int(thread[oldLastSucc]) : Int(thread[vIn])
            var stem = uIn, parStem = vIn
            var last = Int(lastSucc[uIn])
            var after = Int(thread[last])
            thread[vIn] = Int32(uIn)
            let dirty = dirtyRevs
            var dirtyCount = 0
            dirty[dirtyCount] = Int32(vIn); dirtyCount += 1
            while stem != uOut {
                let nextStem = Int(parent[stem])
                thread[last] = Int32(nextStem)
                dirty[dirtyCount] = Int32(last); dirtyCount += 1
                let before = Int(revThread[stem])
                thread[before] = Int32(after); revThread[after] = Int32(before)
                parent[stem] = Int32(parStem)
                parStem = stem
                stem = nextStem
                last = lastSucc[stem] == lastSucc[parStem] ? Int(revThread[parStem]) : Int(lastSucc[stem])
                after = Int(thread[last])
            }
            parent[uOut] = Int32(parStem)
            thread[last] = Int32(threadContinue); revThread[threadContinue] = Int32(last)
            lastSucc[uOut] = Int32(last)
            if oldRevThread != vIn {
                thread[oldRevThread] = Int32(after); revThread[after] = Int32(oldRevThread)
            }
            for k in 0..<dirtyCount { let u = dirty[k]; revThread[Int(thread[Int(u)])] = u }

            var tmpSc: Int32 = 0
            let tmpLs = lastSucc[uOut]
            var u = uOut, p = Int(parent[u])
            while u != uIn {
                pred[u] = pred[p]
                predDir[u] = -predDir[p]
                tmpSc += succNum[u] - succNum[p]
                succNum[u] = tmpSc
                lastSucc[p] = tmpLs
                u = p; p = Int(parent[u])
            }
            pred[uIn] = Int32(inArc)
            predDir[uIn] = uIn == Int(source[inArc]) ? Self.dirUp : Self.dirDown
            succNum[uIn] = oldSuccNum
        }

        let upLimitOut = Int(lastSucc[join]) == vIn ? join : -1
        let lastSuccOut = lastSucc[uOut]
        var u = vIn
        while u != -1 && Int(lastSucc[u]) == vIn { lastSucc[u] = lastSuccOut; u = Int(parent[u]) }
        if join != oldRevThread && vIn != oldRevThread {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc { lastSucc[u] = Int32(oldRevThread); u = Int(parent[u]) }
        } else if Int(lastSuccOut) != oldLastSucc {
            u = vOut
            while u != upLimitOut && Int(lastSucc[u]) == oldLastSucc { lastSucc[u] = lastSuccOut; u = Int(parent[u]) }
        }
        u = vIn
        while u != join { succNum[u] += oldSuccNum; u = Int(parent[u]) }
        u = vOut
        while u != join { succNum[u] -= oldSuccNum; u = Int(parent[u]) }
    }

    /// Shifts the potentials of the re-hung subtree so the entering arc's reduced cost is 0.
    @inline(__always)
    func updatePotential() {
        let uIn = uIn, pi = pi, thread = thread
        let sigma = pi[vIn] - pi[uIn] - Int64(predDir[uIn]) * cost[inArc]
        let end = Int(thread[Int(lastSucc[uIn])])
        var u = uIn
        while u != end { pi[u] += sigma; u = Int(thread[u]) }
    }
}
