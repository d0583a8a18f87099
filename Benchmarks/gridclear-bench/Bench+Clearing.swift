import ArgumentParser
import Clearing
import Foundation

/// `gridclear-bench clearing` — times the CMAP round solver paths (network, simplex) on the
/// same round problem, checks that they agree, and prints seconds and ratios; with
/// `--export` writes the network path's five integer LPs for the peer solvers of
/// `Benchmarks/clearing.sh` (LEMON, OR-Tools). The work is `CMAPBenchmark` in Clearing.
struct BenchClearingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clearing",
        abstract: "Benchmark the CMAP LP solver paths (network / simplex) on one round.",
        discussion: """
        Without --problem or --round-one-of, a seeded random round-1 problem is generated (every pair allowed, satisfactions uniform in [0,1], quantities 1..100 kWh). Prints one `path=... seconds=...` line per path, then the ratios, and fails if the paths' optimum values differ by more than 1e-9 relative.

        Examples:
          gridclear-bench clearing --buyers 40 --sellers 30 --seed 7
          gridclear-bench clearing --buyers 20 --paths simplex --dump /tmp/cmap-p.json
          gridclear-bench clearing --problem /tmp/cmap-p.json
        """)

    @Option(help: "Number of buyers of the generated problem.") var buyers = 500
    @Option(help: "Number of sellers of the generated problem.") var sellers = 500
    @Option(help: "Seed of the generated problem.") var seed: UInt64 = 1
    @Option(help: "Read the round problem from this JSON file (format of scripts/cmap_reference.py).") var problem: String?
    @Option(help: "Use the first CMAP round of this cycle folder as the problem.") var roundOneOf: String?
    @Option(help: "Also clear this cycle folder end to end (parse + all CMAP rounds) with each path.") var cycle: String?
    @Flag(help: "Run the network path's two chains of LPs one after the other (one core).") var sequential = false
    @Option(help: "Write the network path's five integer LPs (peer format, Benchmarks/peers/README.md) to this file.") var export: String?
    @Option(help: "Comma-separated solver paths (default: network,simplex).") var paths: String?
    @Option(help: "Write the round problem as JSON to this file (atomically) before solving.") var dump: String?

    func run() throws {
        try reportingErrors {
            let chosen = try selectedPaths()
            let p = try loadProblem()
            if let dump { try writeAtomically(try p.jsonData(), to: dump) }
            print("problem buyers=\(p.demands.count) sellers=\(p.supplies.count) pairs=\(p.demands.count * p.supplies.count)")
            var results: [CMAPRoundSolution] = []
            for path in chosen {
                let outcome: CMAPBenchmark.Outcome
                let cpu0 = Self.cpuSeconds()
                do {
                    if let export, path == .network {
                        guard let out = FileHandle(forWritingAtPath: export) ?? {
                            FileManager.default.createFile(atPath: export, contents: nil) ? FileHandle(forWritingAtPath: export) : nil
                        }() else { throw CLIFailure("--export \(export): cannot write the file") }
                        defer { try? out.close() }
                        try out.truncate(atOffset: 0)
                        outcome = try CMAPBenchmark.run(p, path: path, clock: monotonicNanos, sequential: sequential) { try out.write(contentsOf: $0) }
                    } else {
                        outcome = try CMAPBenchmark.run(p, path: path, clock: monotonicNanos, sequential: sequential)
                    }
                } catch let e as CLIFailure { throw e } catch {
                    throw CLIFailure("bench clearing: \(path.rawValue) path failed: \(error)")
                }
                let cpu = Self.cpuSeconds() - cpu0
                let s = outcome.solution
                results.append(s)
                print(String(format: "path=%@ seconds=%.4f objective=%.12f z1Max=%.9f z1Min=%.9f z2Max=%.9f z2Min=%.9f grid_wh=%lld",
                             path.rawValue, s.solveSeconds, s.objective, s.z1Max, s.z1Min, s.z2Max, s.z2Min, s.gridCapacity))
                print(String(format: "path=%@ cpu_seconds=%.4f", path.rawValue, cpu))
                if path == .network {
                    print("path=network pivots=\(outcome.pivots) integer_objectives=\(outcome.integerObjectives.joined(separator: ","))")
                    print("path=network per_lp=" + outcome.perLP.map { String(format: "%d:%.4f", $0.pivots, $0.seconds) }.joined(separator: ","))
                }
            }
            if let first = results.first {
                for s in results.dropFirst() {
                    print(String(format: "ratio %@/%@ = %.2f", s.path.rawValue, first.path.rawValue, s.solveSeconds / max(first.solveSeconds, 1e-9)))
                    for (name, x, y) in [("objective", s.objective, first.objective), ("z1Max", s.z1Max, first.z1Max),
                                         ("z1Min", s.z1Min, first.z1Min), ("z2Max", s.z2Max, first.z2Max), ("z2Min", s.z2Min, first.z2Min)]
                    where abs(x - y) > 1e-9 * max(1, abs(x), abs(y)) {
                        throw CLIFailure("bench clearing: \(s.path.rawValue) and \(first.path.rawValue) disagree on \(name): \(x) vs \(y)")
                    }
                }
                if results.count > 1 { print("agreement: all paths equal to 1e-9 relative") }
            }
            if let cycle { try benchCycle(cycle, chosen) }
        }
    }

    /// CPU time of the whole process (all threads), seconds.
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    private func selectedPaths() throws -> [CMAPSolverPath] {
        guard let paths else { return CMAPSolverPath.available }
        return try paths.split(separator: ",").map { name in
            guard let p = CMAPSolverPath(rawValue: String(name)) else {
                throw CLIFailure("--paths: unknown path '\(name)'; expected \(CMAPSolverPath.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return p
        }
    }

    private func loadProblem() throws -> CMAPRoundProblem {
        if let roundOneOf {
            let inputs = try CyclePipeline.parse(try CycleFiles.load(cycleDirectory: roundOneOf))
            return CMAPMechanism.roundOneProblem(inputs)
        }
        guard let problem else {
            guard buyers > 0, sellers > 0, buyers * sellers <= CMAPRoundProblem.maxPairs else {
                throw CLIFailure("--buyers/--sellers must be positive with at most \(CMAPRoundProblem.maxPairs) pairs")
            }
            return CMAPRoundProblem.random(buyers: buyers, sellers: sellers, seed: seed)
        }
        guard let data = FileManager.default.contents(atPath: problem) else { throw CLIFailure("--problem \(problem): cannot read file") }
        do { return try CMAPRoundProblem(json: data) } catch { throw CLIFailure("--problem \(problem): \(error)") }
    }

    private func benchCycle(_ dir: String, _ chosen: [CMAPSolverPath]) throws {
        let files = try CycleFiles.load(cycleDirectory: dir)
        let inputs = try CyclePipeline.parse(files)
        var first: Double?
        for path in chosen {
            let t0 = monotonicNanos()
            _ = try CyclePipeline.clear(inputs: inputs, options: ClearOptions(mechanism: "cmap", solver: path.rawValue),
                                        context: ClearingContext(seed: seed, monotonicNanos: monotonicNanos))
            let secs = Double(monotonicNanos() - t0) / 1e9
            print(String(format: "cycle=%@ path=%@ clear_seconds=%.4f", dir, path.rawValue, secs) +
                  (first.map { String(format: " ratio_vs_first=%.2f", secs / max($0, 1e-9)) } ?? ""))
            if first == nil { first = secs }
        }
    }

    /// temp file in the same folder, fsync, rename.
    private func writeAtomically(_ data: Data, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw CLIFailure("--dump \(path): cannot write \(tmp)") }
        let fd = open(tmp, O_RDONLY)
        if fd >= 0 { _ = fsync(fd); close(fd) }
        guard rename(tmp, path) == 0 else { unlink(tmp); throw CLIFailure("--dump \(path): rename failed (errno \(errno))") }
    }
}
