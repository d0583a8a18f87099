internal import CGLPK
import GridClearSystem

/// Serialises every GLPK call of the CMAP solver: GLPK keeps global (per-thread)
/// environment state and is not thread-safe. Each GLPK object is created,
/// used and deleted inside one `withGLPK` body, so no pointer outlives it.
enum CMAPGLPK {
    private static let lock = Mutex()

    /// Runs `body` under the global GLPK lock with GLPK's terminal output off.
    static func withGLPK<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        glp_term_out(GLP_OFF)
        gc_glpk_silence()
        return try body()
    }

    /// Whether the linked GLPK really provides `glp_mincost_relax4`: Debian and
    /// Ubuntu ship it as a stub that raises a fatal error ("temporarily disabled
    /// due to licensing problems"; RELAX-IV's licence forbids commercial use).
    /// Probed once on a 2-node graph with GLPK's fatal errors caught.
    static let relax4Available: Bool = withGLPK {
        guard let g = glp_create_graph(8, 24) else { return false }
        glp_add_vertices(g, 2)
        g.pointee.v[1]!.pointee.data.storeBytes(of: 1.0, as: Double.self)
        g.pointee.v[2]!.pointee.data.storeBytes(of: -1.0, as: Double.self)
        let a = glp_add_arc(g, 1, 2)!
        a.pointee.data.storeBytes(of: 2.0, as: Double.self)                     // cap
        a.pointee.data.storeBytes(of: 1.0, toByteOffset: 8, as: Double.self)    // cost
        a.pointee.data.storeBytes(of: 0.0, toByteOffset: 16, as: Double.self)   // x
        var sol = 0.0
        let rc = gc_glpk_mincost_relax4_guarded(g, 0, -1, 0, 8, 0, &sol, 16, -1)
        if rc == -1 { return false }   // GLPK freed everything, including g
        let x = a.pointee.data.load(fromByteOffset: 16, as: Double.self)
        glp_delete_graph(g)
        return rc == 0 && x == 1 && sol == 1
    }

    /// Largest integer GLPK's network routines accept for supplies, capacities and costs.
    static let large = Int(Int32.max / 4)

    /// Human-readable name of a GLPK return code.
    static func codeName(_ code: Int32) -> String {
        switch code {
        case 0: return "OK"
        case GLP_EBADB: return "GLP_EBADB (invalid basis)"
        case GLP_ESING: return "GLP_ESING (singular basis)"
        case GLP_ECOND: return "GLP_ECOND (ill-conditioned basis)"
        case GLP_EBOUND: return "GLP_EBOUND (invalid bounds)"
        case GLP_EFAIL: return "GLP_EFAIL (solver failure)"
        case GLP_EOBJLL, GLP_EOBJUL: return "GLP_EOBJ (objective limit)"
        case GLP_EITLIM: return "GLP_EITLIM (iteration limit)"
        case GLP_ETMLIM: return "GLP_ETMLIM (time limit)"
        case GLP_ENOPFS: return "GLP_ENOPFS (no primal feasible solution)"
        case GLP_ENODFS: return "GLP_ENODFS (no dual feasible solution)"
        case GLP_EDATA: return "GLP_EDATA (invalid data)"
        case GLP_ERANGE: return "GLP_ERANGE (integer overflow)"
        default: return "GLPK code \(code)"
        }
    }
}
