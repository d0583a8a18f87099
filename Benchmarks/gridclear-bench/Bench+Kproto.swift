import ArgumentParser
import Clearing
import Foundation
import GridClearCore

/// `gridclear-bench kproto` — the K-prototypes dissimilarity matrix (SPEC §3.2) for
/// M × N records: the one-GEMM path against the plain triple loop and (with --numpy)
/// numpy on the same formula, in the same run; prints times, ratios, and the fraction
/// of the measured memory write bandwidth the GEMM path reaches.
struct BenchKprotoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kproto",
        abstract: "Benchmark the K-prototypes dissimilarity matrix: GEMM vs naive loop vs numpy.",
        discussion: """
        Build in release for real numbers (swift build -c release). The default is the 10 000 × 10 000 case of the issue (an 800 MB matrix); Benchmarks/kproto.sh runs it with --numpy from the package root.

        Examples:
          gridclear-bench kproto --records 300 --runs 1
        """)

    @Option(help: "Buyers and sellers (M = N).")
    var records: Int = 10_000

    @Option(help: "Feature columns (K-prototypes: 4 numeric + 5 one-hot energy types = 9).")
    var features: Int = 9

    @Option(help: "Timed repetitions; the best is reported.")
    var runs: Int = 3

    @Flag(help: "Also time numpy on the same formula (runs python3 scripts/kproto_bench_numpy.py).")
    var numpy = false

    @Option(help: "Rows of the matrix per GEMM block (default: sized to the cache; 0 = one GEMM call).")
    var blockRows: Int?

    @Option(help: "Seed for the random features.")
    var seed: UInt64 = 1

    func run() throws {
        try reportingErrors {
            guard records > 0, records <= 40_000 else { throw CLIFailure("--records must be in 1...40000 (the matrix is records² × 8 bytes)") }
            guard features > 0, runs > 0 else { throw CLIFailure("--features and --runs must be positive") }
            var rng = SplitMix64(seed: seed)
            var a = DenseMatrix(rows: records, cols: features), b = DenseMatrix(rows: records, cols: features)
            for i in 0..<a.values.count { a.values[i] = rng.nextUnitDouble() }
            for i in 0..<b.values.count { b.values[i] = rng.nextUnitDouble() }
            let bytes = Double(records) * Double(records) * 8
            print("K-prototypes dissimilarity: \(records) × \(records) records, \(features) feature columns (\(fmt(bytes / 1e6, 0)) MB matrix)")

            let bw = measureWriteBandwidth(bytes: Int(bytes))
            print("memory write bandwidth (memset, same size): \(fmt(bw.touched / 1e9, 2)) GB/s on touched memory, \(fmt(bw.fresh / 1e9, 2)) GB/s on fresh memory (page faults included)")

            var gemmBest = Double.infinity
            var g = DenseMatrix(rows: 0, cols: 0)
            for _ in 0..<runs {
                g = DenseMatrix(rows: 0, cols: 0)
                let t = time { g = SquaredDistances.gemm(a, b, blockRows: blockRows) }
                gemmBest = min(gemmBest, t)
            }
            print("GEMM path (OpenBLAS dgemm + norms + clamp, \(blockRows.map { $0 <= 0 ? "one call" : "\($0)-row blocks" } ?? "\(SquaredDistances.blockRows(n: records))-row blocks")): \(fmt(gemmBest, 3)) s; output \(fmt(bytes / gemmBest / 1e9, 2)) GB/s = \(fmt(100 * bytes / gemmBest / bw.fresh, 1)) % of the fresh-memory write bandwidth (the matrix is fresh memory)")

            var naiveBest = Double.infinity
            var ref = DenseMatrix(rows: 0, cols: 0)
            for _ in 0..<max(1, min(runs, 2)) {
                ref = DenseMatrix(rows: 0, cols: 0)
                naiveBest = min(naiveBest, time { ref = SquaredDistances.naive(a, b) })
            }
            var worst = 0.0
            for i in stride(from: 0, to: g.values.count, by: 997) {
                worst = max(worst, abs(g.values[i] - ref.values[i]) / max(1, ref.values[i]))
            }
            ref = DenseMatrix(rows: 0, cols: 0)
            print("naive triple loop: \(fmt(naiveBest, 3)) s → GEMM is \(fmt(naiveBest / gemmBest, 2))× faster (max sampled deviation \(String(format: "%.1e", worst)))")

            if numpy {
                g = DenseMatrix(rows: 0, cols: 0)
                let secs = try runNumpy()
                print("numpy (same formula, \(secs.version)): \(fmt(secs.seconds, 3)) s → GEMM path is \(fmt(secs.seconds / gemmBest, 2))× numpy's speed")
            }
        }
    }

    private func time(_ body: () -> Void) -> Double {
        let t0 = monotonicNanos()
        body()
        return Double(monotonicNanos() - t0) / 1e9
    }

    /// memset bandwidth on a buffer already touched (steady state) and, for the fair
    /// comparison with a freshly allocated matrix, on fresh memory with the same
    /// huge-page advice the matrix gets (page faults included).
    private func measureWriteBandwidth(bytes: Int) -> (touched: Double, fresh: Double) {
        var fresh = Double.infinity
        for k in 0..<3 {
            fresh = min(fresh, time {
                let m = DenseMatrix(rows: 1, cols: bytes / 8) { p in _ = memset(p.baseAddress!, Int32(k), p.count * 8) }
                precondition(m.values.count == bytes / 8)
            })
        }
        var buf = [UInt8](repeating: 1, count: bytes)
        var touched = Double.infinity
        for k in 0..<3 {
            touched = min(touched, time { buf.withUnsafeMutableBytes { p in _ = memset(p.baseAddress!, Int32(k), p.count) } })
        }
        return (Double(bytes) / touched, Double(bytes) / fresh)
    }

    private func runNumpy() throws -> (seconds: Double, version: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", repositoryFile("scripts/kproto_bench_numpy.py"), String(records), String(records), String(features), String(runs)]
        let pipe = Pipe()
        p.standardOutput = pipe
        do { try p.run() } catch { throw CLIFailure("--numpy: cannot start python3: \(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let out = String(decoding: data, as: UTF8.self)
        guard p.terminationStatus == 0,
              let field = out.split(separator: " ").first(where: { $0.hasPrefix("numpy_seconds=") }),
              let s = Double(field.dropFirst("numpy_seconds=".count)) else {
            throw CLIFailure("--numpy: scripts/kproto_bench_numpy.py failed (run from the package root with numpy installed): \(out)")
        }
        let v = out.split(separator: " ").first { $0.hasPrefix("numpy=") }.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? "numpy"
        return (s, v)
    }

    private func fmt(_ x: Double, _ d: Int) -> String { String(format: "%.\(d)f", x) }
}
