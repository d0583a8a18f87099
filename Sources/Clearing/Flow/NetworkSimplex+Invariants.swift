/// Checks of `NetworkSimplex`'s guarantees, independent of the pivoting code.
extension NetworkSimplex {
    /// Why the current flow and potentials are *not* an optimality certificate, or nil.
    ///
    /// Checks, in integers and over every real arc: 0 ≤ flow ≤ capacity; flow conservation
    /// (out − in = supply) at every node with no flow left on artificial arcs; and
    /// complementary slackness for the reduced cost r = cost + π_tail − π_head: r > 0 ⇒
    /// flow = 0, r < 0 ⇒ flow = capacity. Together these prove the flow minimises Σ cost·x
    /// (LP duality), whatever the pivoting did.
    func certificateViolation() -> String? {
        var balance = [Int64](repeating: 0, count: nodeCount)
        for a in 0..<arcCount {
            let e = Int(internalIndex[a])
            let x = flow[e], c = cap[e]
            if x < 0 || x > c { return "arc \(a) flow \(x) outside 0...\(c)" }
            let s = Int(source[e]), t = Int(target[e])
            balance[s] += x
            balance[t] -= x
            let r = cost[e] + pi[s] - pi[t]
            if r > 0 && x != 0 { return "arc \(a) has reduced cost \(r) > 0 but flow \(x)" }
            if r < 0 && x != c { return "arc \(a) has reduced cost \(r) < 0 but flow \(x) below capacity \(c)" }
        }
        for v in 0..<nodeCount where balance[v] != supply[v] {
            return "node \(v) sends \(balance[v]) net, supply is \(supply[v])"
        }
        return nil
    }

    /// Structural invariants of the spanning tree (debug/test builds run it after each solve):
    /// the thread visits every node once in preorder, `revThread` inverts it, `succNum` and
    /// `lastSucc` describe each subtree, tree arcs join a node to its parent in the stored
    /// direction with reduced cost 0, non-tree arcs are at a bound matching their state, and
    /// every zero-flow tree arc points away from the root (strong feasibility).
    func _checkInvariants() {
        let n = nodeCount, root = n
        var seen = [Bool](repeating: false, count: n + 1)
        var order = [Int](); order.reserveCapacity(n + 1)
        var u = root
        repeat {
            precondition(!seen[u], "thread revisits node \(u)")
            seen[u] = true
            order.append(u)
            precondition(Int(revThread[Int(thread[u])]) == u, "revThread does not invert thread at \(u)")
            u = Int(thread[u])
        } while u != root
        precondition(order.count == n + 1, "thread misses nodes")
        var position = [Int](repeating: 0, count: n + 1)
        for (k, v) in order.enumerated() { position[v] = k }
        for v in 0..<n {
            let p = Int(parent[v])
            precondition(position[p] < position[v], "parent of \(v) after it in the thread")
            let size = Int(succNum[v])
            precondition(order[position[v] + size - 1] == Int(lastSucc[v]), "lastSucc/succNum of \(v) inconsistent")
            let e = Int(pred[v])
            let (s, t) = (Int(source[e]), Int(target[e]))
            precondition(predDir[v] == Self.dirUp ? (s == v && t == p) : (s == p && t == v), "pred arc of \(v) does not join it to its parent")
            precondition(state[e] == Self.stateTree, "pred arc of \(v) not marked as tree arc")
            precondition(cost[e] + pi[s] - pi[t] == 0, "tree arc \(e) has non-zero reduced cost")
            // Strongly feasible: a degenerate tree arc can carry flow towards the root.
            precondition(predDir[v] == Self.dirUp ? flow[e] < cap[e] : flow[e] > 0,
                         "tree arc \(e) above \(v) cannot carry more flow towards the root (basis not strongly feasible)")
        }
        var treeArcs = 0
        for e in 0..<(arcCount + n) {
            switch state[e] {
            case Self.stateTree: treeArcs += 1
            case Self.stateLower: precondition(flow[e] == 0, "non-tree arc \(e) at lower state carries \(flow[e])")
            case Self.stateUpper: precondition(flow[e] == cap[e], "non-tree arc \(e) at upper state carries \(flow[e]) of \(cap[e])")
            default: preconditionFailure("arc \(e) has state \(state[e])")
            }
        }
        precondition(treeArcs == n, "\(treeArcs) tree arcs for \(n) nodes")
    }
}
