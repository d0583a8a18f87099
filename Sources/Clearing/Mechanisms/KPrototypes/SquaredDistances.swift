import CBLAS

/// Pairwise squared Euclidean distances between the rows of two feature matrices,
/// D[i][j] = Σ_c (A[i,c] − B[j,c])², the core of the K-prototypes dissimilarity
/// once attribute weights are folded into the columns (SPEC §3.2).
///
/// Two paths that must agree: `gemm` (one OpenBLAS `cblas_dgemm` using
/// ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b) and `naive` (the plain triple loop, the oracle).
/// The GEMM path loses absolute precision ~ε·(‖a‖² + ‖b‖²) to cancellation; results
/// are clamped at 0 so a distance is never negative.
public enum SquaredDistances {
    /// One GEMM: `C ← −2·A·Bᵀ + C` with C pre-filled with ‖a_i‖² + ‖b_j‖².
    public static func gemm(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.cols == b.cols, "feature dimensions differ: \(a.cols) vs \(b.cols)")
        let m = a.rows, n = b.rows, k = a.cols
        var c = DenseMatrix(rows: m, cols: n)
        if m == 0 || n == 0 { return c }
        let na = rowNorms(a), nb = rowNorms(b)
        c.values.withUnsafeMutableBufferPointer { cp in
            for i in 0..<m {
                let base = i * n, ai = na[i]
                for j in 0..<n { cp[base + j] = ai + nb[j] }
            }
        }
        if k > 0 {
            a.values.withUnsafeBufferPointer { ap in
                b.values.withUnsafeBufferPointer { bp in
                    c.values.withUnsafeMutableBufferPointer { cp in
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                    Int32(m), Int32(n), Int32(k),
                                    -2.0, ap.baseAddress, Int32(k),
                                    bp.baseAddress, Int32(k),
                                    1.0, cp.baseAddress, Int32(n))
                    }
                }
            }
        }
        c.values.withUnsafeMutableBufferPointer { cp in
            for i in 0..<cp.count where cp[i] < 0 { cp[i] = 0 }
        }
        return c
    }

    /// The reference: a plain triple loop, no algebraic rewriting.
    public static func naive(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.cols == b.cols, "feature dimensions differ: \(a.cols) vs \(b.cols)")
        let m = a.rows, n = b.rows, k = a.cols
        var c = DenseMatrix(rows: m, cols: n)
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                c.values.withUnsafeMutableBufferPointer { cp in
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = 0.0
                            for l in 0..<k {
                                let d = ap[i * k + l] - bp[j * k + l]
                                s += d * d
                            }
                            cp[i * n + j] = s
                        }
                    }
                }
            }
        }
        return c
    }

    /// ‖row‖² for every row.
    public static func rowNorms(_ x: DenseMatrix) -> [Double] {
        var out = [Double](repeating: 0, count: x.rows)
        x.values.withUnsafeBufferPointer { p in
            for r in 0..<x.rows {
                var s = 0.0
                for c in 0..<x.cols { let v = p[r * x.cols + c]; s += v * v }
                out[r] = s
            }
        }
        return out
    }

    /// Limits OpenBLAS to `n` threads (benchmarks; results do not depend on it).
    public static func setBLASThreads(_ n: Int) { gc_openblas_set_num_threads(Int32(n)) }
}
