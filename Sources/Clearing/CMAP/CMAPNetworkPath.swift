import GridClearCore
internal import CGLPK

/// GLPK's network routines (`glp_mincost_relax4`, `glp_mincost_okalg`) on one
/// `glp_graph` built once per round; each solve rewrites only the arc costs.
///
/// Both routines need integer costs. Costs (already scaled to max |c| = 1) are
/// multiplied by `costScale` and rounded: for relax4 C = ⌊(INT_MAX/4)/(nodes+1)⌋, which
/// keeps every reduced cost and node price RELAX-IV can form (|price| ≤ nodes·C)
/// inside `int`; for okalg C = 1000 (speed, see `costScale`). The rounded problem's
/// optimum is ε-optimal for the real costs (ε = 1/C per arc); `CMAPFlowPolisher`
/// then cancels every remaining negative cycle with the real (`Double`) costs,
/// which certifies optimality for the real objective.
enum CMAPNetworkPath {
    enum Algorithm { case relax4, okalg }

    private static let rhsOffset = 0, piOffset = 8
    private static let lowOffset = 0, capOffset = 8, costOffset = 16, xOffset = 24, rcOffset = 32

    /// The integer multiplier applied to O(1) costs.
    static func costScale(nodeCount: Int, algorithm: Algorithm) -> Double {
        switch algorithm {
        case .relax4: return Double(CMAPGLPK.large / (nodeCount + 1))
        // Out-of-kilter's running time grows with log(cost range) (≈4× from 1e2 to 5e5 on
        // 150×150); a coarse scale gives an ε-optimal start that the polish finishes exactly.
        case .okalg: return min(1000, Double(CMAPGLPK.large / (nodeCount + 1)))
        }
    }

    /// Creates the graph, hands `body` a solver that minimises Σ cost·x for a
    /// given real cost vector (one per arc) and returns integer arc flows, and
    /// deletes the graph when `body` returns. Runs under the GLPK lock.
    static func withSession<T>(_ net: CMAPNetwork, algorithm: Algorithm,
                               _ body: (_ minimise: ([Double]) throws -> [Wh]) throws -> T) throws -> T {
        if algorithm == .relax4 && !CMAPGLPK.relax4Available {
            throw CMAPSolverError.solverFailed("glp_mincost_relax4 is disabled in the linked GLPK build (Debian/Ubuntu stub, RELAX-IV licence); use the okalg or simplex path")
        }
        return try CMAPGLPK.withGLPK {
            guard let g = glp_create_graph(16, 40) else { throw CMAPSolverError.solverFailed("glp_create_graph returned NULL") }
            var graphFreed = false   // set when a caught GLPK fatal error freed the whole environment
            defer { if !graphFreed { glp_delete_graph(g) } }
            glp_add_vertices(g, Int32(net.nodeCount))
            let supply = net.nodeSupply
            for v in 0..<net.nodeCount {
                let data = g.pointee.v[v + 1]!.pointee.data!
                data.storeBytes(of: Double(supply[v]), toByteOffset: rhsOffset, as: Double.self)
                data.storeBytes(of: 0.0, toByteOffset: piOffset, as: Double.self)
            }
            let (tails, heads, caps) = net.arcs()
            var arcs = [UnsafeMutablePointer<glp_arc>]()
            arcs.reserveCapacity(tails.count)
            for k in 0..<tails.count {
                guard let a = glp_add_arc(g, tails[k] + 1, heads[k] + 1) else {
                    throw CMAPSolverError.solverFailed("glp_add_arc returned NULL")
                }
                let d = a.pointee.data!
                d.storeBytes(of: 0.0, toByteOffset: lowOffset, as: Double.self)
                d.storeBytes(of: Double(caps[k]), toByteOffset: capOffset, as: Double.self)
                d.storeBytes(of: 0.0, toByteOffset: costOffset, as: Double.self)
                d.storeBytes(of: 0.0, toByteOffset: xOffset, as: Double.self)
                d.storeBytes(of: 0.0, toByteOffset: rcOffset, as: Double.self)
                arcs.append(a)
            }
            let scale = costScale(nodeCount: net.nodeCount, algorithm: algorithm)
            func minimise(_ cost: [Double]) throws -> [Wh] {
                precondition(cost.count == arcs.count)
                guard !graphFreed else { throw CMAPSolverError.solverFailed("GLPK environment was freed after a fatal error") }
                for (k, a) in arcs.enumerated() {
                    let c = (cost[k] * scale).rounded()
                    a.pointee.data.storeBytes(of: c, toByteOffset: costOffset, as: Double.self)
                }
                var objective = 0.0
                let rc: Int32
                switch algorithm {
                case .relax4:
                    rc = gc_glpk_mincost_relax4_guarded(g, Int32(rhsOffset), Int32(lowOffset), Int32(capOffset),
                                                          Int32(costOffset), 0, &objective, Int32(xOffset), Int32(rcOffset))
                    if rc == -1 {
                        graphFreed = true
                        throw CMAPSolverError.solverFailed("glp_mincost_relax4 raised a fatal GLPK error")
                    }
                case .okalg:
                    rc = glp_mincost_okalg(g, Int32(rhsOffset), Int32(lowOffset), Int32(capOffset),
                                           Int32(costOffset), &objective, Int32(xOffset), Int32(piOffset))
                }
                let name = algorithm == .relax4 ? "glp_mincost_relax4" : "glp_mincost_okalg"
                if rc == GLP_ENOPFS { throw CMAPSolverError.infeasible("\(name) found no feasible flow") }
                guard rc == 0 else { throw CMAPSolverError.solverFailed("\(name): \(CMAPGLPK.codeName(rc))") }
                var flows = [Wh](repeating: 0, count: arcs.count)
                for (k, a) in arcs.enumerated() {
                    let x = a.pointee.data.load(fromByteOffset: xOffset, as: Double.self)
                    guard x.isFinite, x >= 0, x == x.rounded(), x <= Double(caps[k]) else {
                        throw CMAPSolverError.solverFailed("\(name) returned flow \(x) on arc \(k) (capacity \(caps[k]))")
                    }
                    flows[k] = Wh(x)
                }
                return flows
            }
            return try body(minimise)
        }
    }
}
