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
