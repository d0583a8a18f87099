import ArgumentParser
import ConsensusFactor
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `gridclear rci run` — platform + one process per agent on this machine.
struct RCIRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the distributed clearing: a platform process and one process per agent.",
        discussion: """
        Spawns `gridclear rci platform` and one `gridclear rci agent` per case row (real processes,
        sockets), runs to convergence and prints the result. With --out DIR writes DIR/result.json
        (converged, iterations, agents: id → net MW, trades, total_cost, residuals, proofs).
        Examples:
          gridclear rci run Inputs/rci/case_2x3.csv
          gridclear rci run Inputs/rci/case_2x3.csv --encrypted --key-bits 512 --transport tcp --mask \\
              --alpha 0.1 --price-tol 0.05 --trade-tol 0.05 --reciprocity-tol 0.1 --out /tmp/rci-out
        """)

    @Argument(help: "Case file (CSV).") var caseFile: String
    @Flag(help: "Exchange Enc(λ), Enc(P) under the platform's Paillier key.") var encrypted = false
    @Option(help: "unix or tcp (loopback).") var transport = "unix"
    @Option(help: "Paillier modulus size (encrypted runs).") var keyBits = 2048
    @Flag(help: "Mask Enc(λ) before the platform decrypts it.") var mask = false
    @Option(help: "Private step-size perturbation spread per agent (privacy mitigation).") var perturb = 0.0
    @Option(help: "Seed for masks, blinding and perturbations (default: system CSPRNG).") var seed: UInt64?
    @Option(help: "Per-message timeout in seconds.") var timeout = 60.0
    @Option(help: "Write DIR/result.json.") var out: String?
    @Option(help: "Write per-process transcripts into this directory.") var transcripts: String?
    @OptionGroup var params: RCIParameterOptions

    func run() throws {
        try reportingErrors {
            let c = try RCIFiles.readCase(caseFile)
            _ = try params.parameters()
            guard transport == "unix" || transport == "tcp" else { throw CLIFailure("--transport must be unix or tcp, not \(transport)") }
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("gridclear-rci-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: work) }
            let started = DispatchTime.now()
            let runner = RCIProcessGroup(work: work)
            defer { runner.terminateAll() }
            let listen = transport == "unix" ? "unix:\(work.path)/p.sock" : "tcp:127.0.0.1:0"
            var platformArgs = ["rci", "platform", "--listen", listen, "--agents", "\(c.agents.count)",
                                "--timeout", "\(timeout)", "--ready-file", work.appendingPathComponent("ready").path,
                                "--key-bits", "\(keyBits)"] + params.arguments
            if encrypted { platformArgs.append("--encrypted") }
            if mask { platformArgs.append("--mask") }
            if let transcripts { platformArgs += ["--transcript", "\(transcripts)/platform.jsonl"] }
            if let transcripts { try FileManager.default.createDirectory(atPath: transcripts, withIntermediateDirectories: true) }
            try runner.spawn(name: "platform", args: platformArgs)
            let address = try runner.waitForFile(work.appendingPathComponent("ready").path, seconds: max(timeout, 120))
            let master = seed ?? UInt64.random(in: 0...UInt64.max)
            for a in c.agents {
                var args = ["rci", "agent", "--case", caseFile, "--id", a.id, "--platform", address, "--timeout", "\(timeout)",
                            "--seed", "\(master)"]
                if transport == "unix" { args += ["--listen", "unix:\(work.path)/a\(runner.count).sock"] }
                if perturb > 0 { args += ["--perturb", "\(perturb)"] }
                if let transcripts { args += ["--transcript", "\(transcripts)/agent-\(a.id).jsonl"] }
                try runner.spawn(name: "agent \(a.id)", args: args)
            }
            try runner.waitAll(seconds: timeout * 10 + 600)
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9

            let decoder = JSONDecoder()
            let platform = try decoder.decode(RCIPlatformReport.self, from: Data(runner.lastLine("platform").utf8))
            var reports: [RCIAgentReport] = []
            for a in c.agents { reports.append(try decoder.decode(RCIAgentReport.self, from: Data(runner.lastLine("agent \(a.id)").utf8))) }
            let outcome = RCIOutcome(agents: reports.map(\.outcome), converged: platform.converged, iterations: platform.iterations)
            let result = RCIRunResult(outcome: outcome, case: c, platform: platform, reports: reports,
                                      algorithm: try params.parameters().algorithm, encrypted: encrypted, transport: transport, seconds: elapsed)
            if let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try RCIFiles.writeAtomically(result.json + "\n", to: out + "/result.json")
            }
            print(result.summary)
            if !platform.converged { throw CLIFailure("rci run: no convergence within \(platform.iterations) iterations") }
            if platform.failed.values.contains(where: { !$0.isEmpty }) { throw CLIFailure("rci run: result proofs failed verification") }
        }
    }
}

/// The result document and its readable summary.
struct RCIRunResult {
    var outcome: RCIOutcome
    var `case`: RCICase
    var platform: RCIPlatformReport
    var reports: [RCIAgentReport]
    var algorithm: RCIAlgorithm
    var encrypted: Bool
    var transport: String
    var seconds: Double

    struct Doc: Encodable {
        var algorithm: String
        var converged: Bool
        var iterations: Int
        var encrypted: Bool
        var transport: String
        var agents: [String: Double]
        var trades: [RCITrade]
        var total_cost: Double
        var residuals: RCIResiduals
        var stop_residuals: StopResiduals
        var pool_price: Double?
        var decryptions: Int
        var proofs: Proofs
        struct Proofs: Encodable { var verified_pairs: Int; var failed: [String: [String]] }
    }

    /// The largest of the agents' own last-step residuals: what the stop rule compared (with `≤`).
    struct StopResiduals: Encodable {
        var price_change: Double
        var trade_change: Double
        var reciprocity: Double?
        var reciprocity_tests_held: Bool
    }

    var stopResiduals: StopResiduals {
        let steps = reports.compactMap(\.last_step)
        let rec = steps.compactMap(\.reciprocity)
        return StopResiduals(price_change: steps.map(\.price_change).max() ?? 0, trade_change: steps.map(\.trade_change).max() ?? 0,
                             reciprocity: rec.isEmpty ? nil : rec.max(),
                             reciprocity_tests_held: steps.allSatisfy { $0.reciprocity_holds ?? ($0.reciprocity != nil) })
    }

    var poolPrice: Double? {
        let t = outcome.trades
        return t.isEmpty ? nil : t.reduce(0) { $0 + $1.price * $1.power } / t.reduce(0) { $0 + $1.power }
    }

    var json: String {
        RCIFiles.json(Doc(algorithm: algorithm.rawValue, converged: outcome.converged, iterations: outcome.iterations, encrypted: encrypted, transport: transport,
                          agents: outcome.netPowers, trades: outcome.trades, total_cost: outcome.totalCost(`case`),
                          residuals: outcome.residuals, stop_residuals: stopResiduals, pool_price: poolPrice, decryptions: platform.decryptions,
                          proofs: .init(verified_pairs: reports.reduce(0) { $0 + $1.verified.count }, failed: platform.failed.filter { !$0.value.isEmpty })))
    }

    var summary: String {
        let r = outcome.residuals
        var lines = ["\(algorithm.rawValue.uppercased()) \(encrypted ? "encrypted" : "plaintext") run over \(transport == "in-process" ? "an in-process queue" : transport + " sockets"): "
                     + (outcome.converged ? "converged" : "NOT converged") + " after \(outcome.iterations) iterations (\(String(format: "%.2f", seconds)) s)"]
        if let p = poolPrice { lines.append(String(format: "volume-weighted price %.4f €/MWh, total cost %.3f €", p, outcome.totalCost(`case`))) }
        lines.append(String(format: "residuals: reciprocity %.5f MW, price gap %.6f €/MWh, balance %.5f MW",
                            r.reciprocity, r.priceDisagreement, r.powerBalance))
        let s = stopResiduals
        lines.append(String(format: "stop rule met (≤): max price change %.6g €/MWh, max trade change %.6g MW", s.price_change, s.trade_change)
                     + (s.reciprocity.map { String(format: ", max |P_nm + P_mn| %.6g MW", $0) } ?? ", reciprocity tests \(s.reciprocity_tests_held ? "held" : "did not all hold")"))
        lines.append("agent      role        net MW")
        for a in outcome.agents {
            lines.append(a.id.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + a.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: " %10.3f", a.netPower))
        }
        let pairs = reports.reduce(0) { $0 + $1.verified.count }
        let failed = platform.failed.values.reduce(0) { $0 + $1.count }
        lines.append("result proofs: \(pairs) partner verifications passed, \(failed) failed")
        lines.append("\(outcome.trades.count) active trades")
        return lines.joined(separator: "\n")
    }
}

/// Child processes of one run (each the same binary, /proc/self/exe); stdout/stderr go to
/// files in the run's work directory. Fails fast: the first child that exits non-zero or
/// dies by a signal ends the run, naming that child.
final class RCIProcessGroup {
    let work: URL
    private var children: [(name: String, process: Process, out: URL, err: URL)] = []
    init(work: URL) { self.work = work }
    var count: Int { children.count }

    func spawn(name: String, args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        p.arguments = args
        let i = children.count
        let out = work.appendingPathComponent("\(i).out"), err = work.appendingPathComponent("\(i).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        p.standardOutput = try FileHandle(forWritingTo: out)
        p.standardError = try FileHandle(forWritingTo: err)
        do { try p.run() } catch { throw CLIFailure("cannot start \(name): \(error)") }
        children.append((name, p, out, err))
    }

    func waitForFile(_ path: String, seconds: Double) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let d = FileManager.default.contents(atPath: path), let s = String(data: d, encoding: .utf8), s.hasSuffix("\n") {
                return s.trimmingCharacters(in: .whitespacesAndNewlines)
            }
            try checkFailures()
            usleep(20_000)
        }
        throw CLIFailure("rci run: the platform did not become ready within \(Int(seconds)) s")
    }

    func waitAll(seconds: Double) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while children.contains(where: { $0.process.isRunning }) {
            try checkFailures()
            guard Date() < deadline else { throw CLIFailure("rci run: timed out after \(Int(seconds)) s") }
            usleep(20_000)
        }
        try checkFailures()
    }

    private func checkFailures() throws {
        let failedNow = children.filter { !$0.process.isRunning && $0.process.terminationStatus != 0 }
        guard !failedNow.isEmpty else { return }
        // Give the others a moment to notice, then blame a crashed (signalled) child first.
        usleep(200_000)
        let failed = children.filter { !$0.process.isRunning && $0.process.terminationStatus != 0 }
        let culprit = failed.first { $0.process.terminationReason == .uncaughtSignal } ?? failed[0]
        terminateAll()
        if culprit.process.terminationReason == .uncaughtSignal {
            throw CLIFailure("rci run: \(culprit.name) (pid \(culprit.process.processIdentifier)) crashed with signal \(culprit.process.terminationStatus); run aborted")
        }
        let why = lastLine(at: culprit.err).isEmpty ? "exit status \(culprit.process.terminationStatus)" : lastLine(at: culprit.err)
        throw CLIFailure("rci run: \(culprit.name) failed: \(why.replacingOccurrences(of: "error: ", with: ""))")
    }

    func terminateAll() {
        for c in children where c.process.isRunning { kill(c.process.processIdentifier, SIGTERM) }
        for c in children { c.process.waitUntilExit() }
    }

    func lastLine(_ name: String) throws -> String {
        guard let c = children.first(where: { $0.name == name }) else { throw CLIFailure("no process \(name)") }
        let l = lastLine(at: c.out)
        guard !l.isEmpty else { throw CLIFailure("rci run: \(name) printed no result") }
        return l
    }

    private func lastLine(at url: URL) -> String {
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }
}
