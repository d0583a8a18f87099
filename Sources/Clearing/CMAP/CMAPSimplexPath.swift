import CGLPK

/// GLPK's primal simplex on ONE `glp_prob` per round: the constraint matrix is
/// loaded and scaled once; each of the five solves changes only the objective
/// coefficients and starts from the previous optimal basis (warm start).
///
/// Rows: buyer i (Σ_j x_ij + g_i = PE_i), seller j (Σ_i x_ij ≤ SE_j), grid (Σ g_i ≤ G).
/// Columns: the allowed pairs, then the m grid variables g_i. Values are Wh.
/// Basic solutions of this transportation polytope are integer; they are
/// rounded by `CMAPRounding` and checked exactly in integers.
enum CMAPSimplexPath {
    static func withSession<T>(_ net: CMAPNetwork,
                               _ body: (_ minimise: ([Double]) throws -> [Wh]) throws -> T) throws -> T {
        try CMAPGLPK.withGLPK {
            guard let lp = glp_create_prob() else { throw CMAPSolverError.solverFailed("glp_create_prob returned NULL") }
            defer { glp_delete_prob(lp) }
            let m = net.m, n = net.n, pairCount = net.pairs.count
            let buyerRow = { (i: Int) in Int32(1 + i) }
            let sellerRow = { (j: Int) in Int32(1 + m + j) }
            let gridRow = Int32(1 + m + n)
            glp_add_rows(lp, gridRow)
            for i in 0..<m { glp_set_row_bnds(lp, buyerRow(i), GLP_FX, Double(net.demands[i]), Double(net.demands[i])) }
            for j in 0..<n { glp_set_row_bnds(lp, sellerRow(j), GLP_UP, 0, Double(net.supplies[j])) }
            glp_set_row_bnds(lp, gridRow, GLP_UP, 0, Double(net.gridCapacity))
            let cols = pairCount + m
            if cols > 0 { glp_add_cols(lp, Int32(cols)) }
            for c in 0..<cols { glp_set_col_bnds(lp, Int32(c + 1), GLP_LO, 0, 0) }
            // Two nonzeros per column; GLPK arrays are 1-based.
            var ia = [Int32](repeating: 0, count: 1 + 2 * cols)
            var ja = [Int32](repeating: 0, count: 1 + 2 * cols)
            var ar = [Double](repeating: 0, count: 1 + 2 * cols)
            var e = 1
            for (p, k) in net.pairs.enumerated() {
                let col = Int32(1 + p)
                ia[e] = buyerRow(k / n); ja[e] = col; ar[e] = 1; e += 1
                ia[e] = sellerRow(k % n); ja[e] = col; ar[e] = 1; e += 1
            }
            for i in 0..<m {
                let col = Int32(1 + pairCount + i)
                ia[e] = buyerRow(i); ja[e] = col; ar[e] = 1; e += 1
                ia[e] = gridRow; ja[e] = col; ar[e] = 1; e += 1
            }
            glp_load_matrix(lp, Int32(2 * cols), &ia, &ja, &ar)
            glp_set_obj_dir(lp, GLP_MIN)
            glp_scale_prob(lp, GLP_SF_AUTO)
            glp_adv_basis(lp, 0)
            var parm = glp_smcp()
            glp_init_smcp(&parm)
            parm.msg_lev = GLP_MSG_OFF
            parm.meth = GLP_PRIMAL
            parm.presolve = GLP_OFF

            func minimise(_ cost: [Double]) throws -> [Wh] {
                precondition(cost.count == net.arcCount)
                for k in pairCount..<net.arcCount where cost[k] != 0 {
                    preconditionFailure("simplex path: only pair arcs may carry cost")
                }
                for p in 0..<pairCount { glp_set_obj_coef(lp, Int32(1 + p), cost[p]) }
                let rc = glp_simplex(lp, &parm)
                guard rc == 0 else { throw CMAPSolverError.solverFailed("glp_simplex: \(CMAPGLPK.codeName(rc))") }
                let status = glp_get_status(lp)
                if status == GLP_NOFEAS { throw CMAPSolverError.infeasible("glp_simplex: no feasible solution") }
                guard status == GLP_OPT else { throw CMAPSolverError.solverFailed("glp_simplex ended with status \(status), not optimal") }
                var values = [Double](repeating: 0, count: cols)
                for c in 0..<cols { values[c] = glp_get_col_prim(lp, Int32(1 + c)) }
                return try CMAPRounding.arcFlows(net, columnValues: values)
            }
            return try body(minimise)
        }
    }
}
