import GridClearCore

/// One CMAP round's transportation model (SPEC §3.1): m buyers (rows) and
/// n sellers (columns), row-major m×n matrices of normalised satisfactions.
///
/// Guarantees nothing by itself; `validate()` checks every field before any
/// solver call, so a problem that passes validation can never make GLPK abort or an
/// integer overflow.
public struct CMAPRoundProblem: Sendable {
    /// PE_i > 0, integer Wh, one per buyer.
    public var demands: [Wh]
    /// SE_j >= 0, integer Wh, one per seller.
    public var supplies: [Wh]
    /// a'_ij in [0, 1]: buyer i's normalised satisfaction with seller j (m*n, row-major).
    public var a: [Double]
    /// b'_ij in [0, 1]: seller j's normalised satisfaction with buyer i (m*n, row-major).
    public var b: [Double]
    /// false = the pair is excluded (rejected earlier / unreachable); m*n, row-major.
    public var allowed: [Bool]
    /// Objective weights w1 (buyers) and w2 (sellers); default 0.5 / 0.5.
    public var weights: (Double, Double)

    public init(demands: [Wh], supplies: [Wh], a: [Double], b: [Double],
                allowed: [Bool]? = nil, weights: (Double, Double) = (0.5, 0.5)) {
        self.demands = demands
        self.supplies = supplies
        self.a = a
        self.b = b
        self.allowed = allowed ?? Array(repeating: true, count: demands.count * supplies.count)
        self.weights = weights
    }

    /// Number of buyers.
    public var buyerCount: Int { demands.count }
    /// Number of sellers.
    public var sellerCount: Int { supplies.count }

    /// The largest total Σ PE + Σ SE (Wh) accepted: 2^52 Wh (≈ 4.5·10^15), far above
    /// SPEC §2's bounds (100,000 rows of at most 10,000,000 kWh per side ≈ 2·10^15 Wh). Every
    /// flow, capacity and supply the solvers form is an `Int64` below it.
    public static let maxTotalWh: Wh = 1 << 52
    /// The largest number of pairs (m·n) accepted: 10,000 × 10,000. Memory, not arithmetic,
    /// is the limit: about 250 bytes per pair at peak for a whole CMAP clearing (see
    /// docs/cmap-solver.md), so 10^8 pairs need ~25 GB.
    public static let maxPairs = 100_000_000
    /// The largest number of buyers + sellers accepted (the network simplex's node bound).
    public static let maxParties = NetworkSimplex.maxNodes - 4

    /// Checks sizes, signs, NaN/infinity, ranges and totals.
    /// - Throws: `CMAPSolverError.invalidModel` naming the first offending field.
    public func validate() throws {
        let m = demands.count, n = supplies.count
        let (pairs, over) = m.multipliedReportingOverflow(by: n)
        guard !over, pairs <= Self.maxPairs, m + n <= Self.maxParties else {
            throw CMAPSolverError.invalidModel("\(m)×\(n) pairs exceed the limits of \(Self.maxPairs) pairs and \(Self.maxParties) parties; split the cycle")
        }
        for (name, count) in [("a", a.count), ("b", b.count), ("allowed", allowed.count)] where count != pairs {
            throw CMAPSolverError.invalidModel("\(name) has \(count) entries, expected m*n = \(m)*\(n) = \(pairs)")
        }
        var total: Wh = 0
        for (i, d) in demands.enumerated() {
            guard d > 0 else { throw CMAPSolverError.invalidModel("demand of buyer \(i) is \(d) Wh; must be > 0") }
            guard d <= Self.maxTotalWh - total else {
                throw CMAPSolverError.invalidModel("total demand + supply exceeds \(Self.maxTotalWh) Wh; split the cycle")
            }
            total += d
        }
        for (j, s) in supplies.enumerated() {
            guard s >= 0 else { throw CMAPSolverError.invalidModel("supply of seller \(j) is \(s) Wh; must be >= 0") }
            guard s <= Self.maxTotalWh - total else {
                throw CMAPSolverError.invalidModel("total demand + supply exceeds \(Self.maxTotalWh) Wh; split the cycle")
            }
            total += s
        }
        for (name, values) in [("a", a), ("b", b)] {
            for (k, v) in values.enumerated() where !(v.isFinite && v >= 0 && v <= 1) {
                throw CMAPSolverError.invalidModel("\(name)[\(k / max(n, 1))][\(k % max(n, 1))] = \(v); must be a finite number in [0, 1]")
            }
        }
        let (w1, w2) = weights
        guard w1.isFinite, w2.isFinite, w1 >= 0, w2 >= 0, w1 + w2 > 0 else {
            throw CMAPSolverError.invalidModel("weights (\(w1), \(w2)) must be finite, >= 0 and not both 0")
        }
    }
}

/// Which solver solves the five LPs of a round. Both paths return the same optimum
/// values (to 1e-9 relative); flows may differ where optima tie.
public enum CMAPSolverPath: String, Sendable, CaseIterable {
    /// GridClear's exact integer network simplex (`NetworkSimplex`, pure Swift, `Int64`,
    /// block search, warm-started across the five LPs). The default.
    case network
    /// `glp_simplex` on one problem object with sparse pricing (column generation over
    /// the row duals), warm-started across the five solves, then the exact polish. The
    /// independent cross-check, and the fallback when the network path fails.
    case simplex

    /// Whether this build can run the path (both always can).
    public var isAvailable: Bool { true }

    /// The default path (`--solver auto`).
    public static var fastestAvailable: CMAPSolverPath { .network }

    /// The paths this build can run.
    public static var available: [CMAPSolverPath] { allCases }

    /// The exact path to try when this one fails, if any.
    public var fallback: CMAPSolverPath? { self == .network ? .simplex : nil }

    /// Names of retired paths (still found in ledgers written by earlier versions), each
    /// read as the default path: `relax4` (GridClear's RELAX-IV), `okalg` and `glpk-relax4`
    /// (GLPK's network routines). See docs/cmap-solver.md.
    public static let retiredNames: Set<String> = ["relax4", "okalg", "glpk-relax4"]

    /// The path for a `--solver` value: `auto`, a path name, or a retired name.
    public init?(solverName name: String) {
        if name == "auto" || Self.retiredNames.contains(name) { self = .fastestAvailable; return }
        self.init(rawValue: name)
    }
}

/// The outcome of one round: integer Wh flows that satisfy every constraint
/// exactly (checked in integers before returning), and the objective values.
public struct CMAPRoundSolution: Sendable {
    /// m*n integer Wh, row-major; 0 on every excluded pair.
    public var flows: [Wh]
    /// m: energy each buyer gets from the grid column.
    public var gridFlows: [Wh]
    /// Σ PE − (max flow of the allowed bipartite network); Σ gridFlows equals it.
    public var gridCapacity: Wh
    /// Z1 = Σ a'x and Z2 = Σ b'x at the returned flows, x in kWh.
    public var z1: Double
    public var z2: Double
    /// The four single-objective optima (x in kWh).
    public var z1Max: Double
    public var z1Min: Double
    public var z2Max: Double
    public var z2Min: Double
    /// w1·μ(Z1) + w2·μ(Z2) at the returned flows, μ(Z) = (Z − Zmin)/(Zmax − Zmin), μ ≡ 1 if Zmax = Zmin.
    public var objective: Double
    /// Wall time of the whole round measured with the injected clock.
    public var solveSeconds: Double
    /// The path that produced this solution.
    public var path: CMAPSolverPath

    public init(flows: [Wh], gridFlows: [Wh], gridCapacity: Wh, z1: Double, z2: Double,
                z1Max: Double, z1Min: Double, z2Max: Double, z2Min: Double,
                objective: Double, solveSeconds: Double, path: CMAPSolverPath) {
        self.flows = flows; self.gridFlows = gridFlows; self.gridCapacity = gridCapacity
        self.z1 = z1; self.z2 = z2; self.z1Max = z1Max; self.z1Min = z1Min
        self.z2Max = z2Max; self.z2Min = z2Min; self.objective = objective
        self.solveSeconds = solveSeconds; self.path = path
    }
}

/// Why a round could not be solved. Each case says what to do.
public enum CMAPSolverError: Error, Equatable, CustomStringConvertible {
    /// Validation failed; GLPK was never called. Fix the input.
    case invalidModel(String)
    /// The solver returned an error (a solver bug or numerical trouble). Try another path.
    case solverFailed(String)
    /// The model is infeasible (cannot happen with the grid column; indicates a bug).
    case infeasible(String)

    public var description: String {
        switch self {
        case .invalidModel(let s): return "invalid CMAP model: \(s)"
        case .solverFailed(let s): return "solver failed: \(s)"
        case .infeasible(let s): return "CMAP model infeasible: \(s)"
        }
    }
}
