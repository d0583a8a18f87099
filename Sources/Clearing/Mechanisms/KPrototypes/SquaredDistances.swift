internal import CBLAS

/// Pairwise squared Euclidean distances between the rows of two feature matrices,
/// D[i][j] = Σ_c (A[i,c] − B[j,c])², the core of the K-prototypes dissimilarity
/// once attribute weights are folded into the columns (SPEC §3.2).
///
/// Two paths that must agree: `gemm` (one OpenBLAS `cblas_dgemm` using
/// ‖a − b‖² = ‖a‖² + ‖b‖² − 2 a·b) and `naive` (the plain triple loop, the oracle).
/// The GEMM path loses absolute precision ~ε·(‖a‖² + ‖b‖²) to cancellation; results
/// are clamped at 0 so a distance is never negative.
public enum SquaredDistances {
    /// Rows of C per block: the prefill, the GEMM update and the clamp of one block run
    /// while it is cache-resident, so main memory sees C written about once.
    public static func blockRows(n: Int) -> Int { max(1, min(256, (4 << 20) / max(1, n * 8))) }

    /// `C ← −2·A·Bᵀ + C` with C pre-filled with ‖a_i‖² + ‖b_j‖² (one `cblas_dgemm` per
    /// block of rows; a single call when the matrix is small), then clamped at 0.
    /// `blockRows`: rows per block (nil = chosen from the cache size, 0 = one call).
    public static func gemm(_ a: DenseMatrix, _ b: DenseMatrix, blockRows requested: Int? = nil) -> DenseMatrix {
        precondition(a.cols == b.cols, "feature dimensions differ: \(a.cols) vs \(b.cols)")
        let m = a.rows, n = b.rows, k = a.cols
        let na = rowNorms(a), nb = rowNorms(b)
        let br = requested.map { $0 <= 0 ? max(m, 1) : $0 } ?? (m * n <= 1 << 16 ? max(m, 1) : blockRows(n: n))
        return DenseMatrix(rows: m, cols: n) { cp in
            guard m > 0, n > 0 else { return }
            a.values.withUnsafeBufferPointer { ap in
                b.values.withUnsafeBufferPointer { bp in
                    var r0 = 0
                    while r0 < m {
                        let rows = min(br, m - r0)
                        for i in r0..<(r0 + rows) {
                            let base = i * n, ai = na[i]
                            for j in 0..<n { cp[base + j] = ai + nb[j] }
                        }
                        if k > 0 {
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
                                        Int32(rows), Int32(n), Int32(k),
                                        -2.0, ap.baseAddress! + r0 * k, Int32(k),
                                        bp.baseAddress, Int32(k),
                                        1.0, cp.baseAddress! + r0 * n, Int32(n))
                        }
                        for t in (r0 * n)..<((r0 + rows) * n) where cp[t] < 0 { cp[t] = 0 }
                        r0 += rows
                    }
                }
            }
        }
    }

    /// The reference: a plain triple loop, no algebraic rewriting.
    public static func naive(_ a: DenseMatrix, _ b: DenseMatrix) -> DenseMatrix {
        precondition(a.cols == b.cols, "feature dimensions differ: \(a.cols) vs \(b.cols)")
        let m = a.rows, n = b.rows, k = a.cols
        return DenseMatrix(rows: m, cols: n) { cp in
            a.values.withUnsafeBufferPointer { ap in
                b.values.withUnsafeBufferPointer { bp in
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
    public static func setBLASThreads(_ n: Int) { gc_blas_set_num_threads(Int32(n)) }
}
