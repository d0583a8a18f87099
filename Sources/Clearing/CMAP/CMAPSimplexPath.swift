import GridClearCore
internal import CGLPK

/// GLPK's primal simplex on ONE `glp_prob` per round, with sparse pricing (column
/// generation): the LP starts with a few cheap pairs per buyer and per seller and
/// grows only by pairs whose reduced cost (from GLPK's row duals) is negative, so
/// GLPK works on a few thousand columns instead of m·n. Each of the five solves
/// changes only the objective and starts from the previous optimal basis (warm
/// start). The result is optimal for the FULL model: the loop ends only when no
/// pair outside the LP has a negative reduced cost (checked over all m·n pairs).
///
/// Rows: buyer i (Σ_j x_ij + g_i + s_i = PE_i), seller j (Σ_i x_ij ≤ SE_j), grid (Σ g_i ≤ G).
/// Columns: the grid variables g_i, big-M artificial slacks s_i (keep every restricted LP
/// feasible; 0 at the end, else the model is infeasible), then pair columns as priced in.
/// Values are Wh; basic solutions of this transportation polytope are integer and are
/// rounded by `CMAPRounding` and checked exactly in integers.
enum CMAPSimplexPath {
    /// Pairs per buyer and per seller in the initial column set.
    static let initialPerLine = 3
    /// At most this many pairs priced in per buyer per pricing pass.
    static let addPerBuyer = 2
    /// A pair enters when its reduced cost is below −tolerance (costs are O(1)).
    static let pricingTolerance = 1e-9
    /// Cost of the artificial slacks (costs are scaled so max |c| = 1).
    static let bigM = 1e4
    /// Pricing passes per solve before giving up (a bug, not a property of the input).
    static let maxPasses = 10_000

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
            glp_set_obj_dir(lp, GLP_MIN)

            // Fixed columns: grid g_i (1...m), slack s_i (m+1...2m).
            if m > 0 { glp_add_cols(lp, Int32(2 * m)) }
            var ind = [Int32](repeating: 0, count: 3), val = [Double](repeating: 1, count: 3)
            for i in 0..<m {
                let g = Int32(1 + i), s = Int32(1 + m + i)
                glp_set_col_bnds(lp, g, GLP_LO, 0, 0)
                ind[1] = buyerRow(i); ind[2] = gridRow
                glp_set_mat_col(lp, g, 2, &ind, &val)
                glp_set_col_bnds(lp, s, GLP_DB, 0, Double(net.demands[i]))
                ind[1] = buyerRow(i)
                glp_set_mat_col(lp, s, 1, &ind, &val)
                glp_set_obj_coef(lp, s, bigM)
            }
            // Pair p ↔ LP column (0 = not in the LP).
            var columnOfPair = [Int32](repeating: 0, count: pairCount)
            var pairOfColumn = [Int]()          // index c - (2m+1)
            func addPairs(_ list: [Int], cost: [Double]) {
                guard !list.isEmpty else { return }
                let first = glp_add_cols(lp, Int32(list.count))
                for (q, p) in list.enumerated() {
                    let c = first + Int32(q)
                    let k = net.pairs[p]
                    glp_set_col_bnds(lp, c, GLP_LO, 0, 0)
                    ind[1] = buyerRow(k / n); ind[2] = sellerRow(k % n)
                    glp_set_mat_col(lp, c, 2, &ind, &val)
                    glp_set_obj_coef(lp, c, cost[p])
                    columnOfPair[p] = c
                    pairOfColumn.append(p)
                }
            }
            // Pairs grouped by buyer and by seller, for the initial set.
            var byBuyer = [[Int]](repeating: [], count: m), bySeller = [[Int]](repeating: [], count: n)
            for (p, k) in net.pairs.enumerated() { byBuyer[k / n].append(p); bySeller[k % n].append(p) }

            /// Removes every non-basic pair column (the basis stays valid), so the next objective
            /// starts from the optimal basis without carrying thousands of priced-out columns.
            func dropNonbasicPairs() {
                var drop: [Int32] = [0]
                var keep: [Int] = []
                for (q, p) in pairOfColumn.enumerated() {
                    let c = Int32(2 * m + 1 + q)
                    if glp_get_col_stat(lp, c) == GLP_BS { keep.append(p) } else { drop.append(c); columnOfPair[p] = 0 }
                }
                guard drop.count > 1 else { return }
                glp_del_cols(lp, Int32(drop.count - 1), &drop)
                pairOfColumn = keep
                for (q, p) in keep.enumerated() { columnOfPair[p] = Int32(2 * m + 1 + q) }
            }

            var parm = glp_smcp()
            glp_init_smcp(&parm)
            parm.msg_lev = GLP_MSG_OFF
            parm.meth = GLP_PRIMAL
            parm.presolve = GLP_OFF
            var haveBasis = false

            func minimise(_ cost: [Double]) throws -> [Wh] {
                precondition(cost.count == net.arcCount)
                for k in pairCount..<net.arcCount where cost[k] != 0 {
                    preconditionFailure("simplex path: only pair arcs may carry cost")
                }
                // Seed the column set with the cheapest pairs of every buyer and seller for this cost.
                var seed = [Int]()
                var mark = [Bool](repeating: false, count: pairCount)
                for line in byBuyer + bySeller {
                    let best = line.filter { columnOfPair[$0] == 0 }
                        .sorted { cost[$0] != cost[$1] ? cost[$0] < cost[$1] : $0 < $1 }.prefix(initialPerLine)
                    for p in best where !mark[p] { mark[p] = true; seed.append(p) }
                }
                for (q, p) in pairOfColumn.enumerated() { glp_set_obj_coef(lp, Int32(2 * m + 1 + q), cost[p]) }
                addPairs(seed.sorted(), cost: cost)
                if !haveBasis { glp_adv_basis(lp, 0); haveBasis = true }

                var passes = 0
                while true {
                    passes += 1
                    guard passes <= maxPasses else { throw CMAPSolverError.solverFailed("sparse pricing did not converge") }
                    let rc = glp_simplex(lp, &parm)
                    guard rc == 0 else { throw CMAPSolverError.solverFailed("glp_simplex: \(CMAPGLPK.codeName(rc))") }
                    let status = glp_get_status(lp)
                    if status == GLP_NOFEAS { throw CMAPSolverError.infeasible("glp_simplex: no feasible solution") }
                    guard status == GLP_OPT else { throw CMAPSolverError.solverFailed("glp_simplex ended with status \(status), not optimal") }
                    // Price every pair outside the LP with the row duals.
                    var u = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: n)
                    for i in 0..<m { u[i] = glp_get_row_dual(lp, buyerRow(i)) }
                    for j in 0..<n { v[j] = glp_get_row_dual(lp, sellerRow(j)) }
                    var entering = [Int]()
                    var perBuyer = [[(Double, Int)]](repeating: [], count: m)
                    for (p, k) in net.pairs.enumerated() where columnOfPair[p] == 0 {
                        let i = k / n
                        let d = cost[p] - u[i] - v[k % n]
                        if d < -pricingTolerance { perBuyer[i].append((d, p)) }
                    }
                    for i in 0..<m where !perBuyer[i].isEmpty {
                        let best = perBuyer[i].sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.prefix(addPerBuyer)
                        entering.append(contentsOf: best.map(\.1))
                    }
                    if entering.isEmpty { break }
                    addPairs(entering.sorted(), cost: cost)
                }
                // Slacks must be 0 (the grid capacity makes the model feasible).
                for i in 0..<m where glp_get_col_prim(lp, Int32(1 + m + i)) > 0.5 {
                    throw CMAPSolverError.infeasible("buyer \(i) cannot be served (artificial slack \(glp_get_col_prim(lp, Int32(1 + m + i))) Wh)")
                }
                var values = [Double](repeating: 0, count: pairCount + m)
                for (q, p) in pairOfColumn.enumerated() { values[p] = glp_get_col_prim(lp, Int32(2 * m + 1 + q)) }
                for i in 0..<m { values[pairCount + i] = glp_get_col_prim(lp, Int32(1 + i)) }
                let flows = try CMAPRounding.arcFlows(net, columnValues: values)
                dropNonbasicPairs()
                return flows
            }
            return try body(minimise)
        }
    }
}
