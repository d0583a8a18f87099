import ArgumentParser
import ConsensusFactor
import Foundation
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
import Privacy

/// `gridclear rci run` — platform + one process per agent on this machine.
struct RCIRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the distributed clearing: a platform process and one process per agent.",
        discussion: """
        Spawns `gridclear rci platform` and one `gridclear rci agent` per case row (real processes, sockets), runs to convergence and prints the result. With --out DIR writes DIR/result.json (converged, iterations, agents: id → net MW, trades, total_cost, residuals, proofs), DIR/roster.csv (the registered public keys) and, when a per-iteration proof blames an agent, DIR/blame.evidence (check it with `gridclear rci check-evidence`). Every agent proves an Ed25519 identity registered with the platform: the case's public_key column with key files from --agent-keys, or fresh keys made for the run when the case names none; the platform proves a fresh identity of its own, pinned in every agent's arguments. The default algorithm is consensus ADMM (--algorithm rci for the relaxed consensus + innovation algorithm). The run's private work folder (sockets, keys, certificates) is made in $TMPDIR (default /tmp) and removed when the run ends or is stopped by SIGINT/SIGTERM; a run killed with SIGKILL leaves it behind (gridclear-rci-<pid>-<n>), so point TMPDIR at a folder you clean.
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
    @Option(help: "Write DIR/result.json, DIR/roster.csv and, on a blame, DIR/blame.evidence.") var out: String?
    @Option(help: "Write per-process transcripts into this directory.") var transcripts: String?
    @Option(help: "Folder with <id>.ed25519.key (gridclear keygen --ed25519 --out DIR/<id>) for a case that registers public keys; otherwise each run makes fresh identities.") var agentKeys: String?
    @OptionGroup var params: RCIParameterOptions
    @OptionGroup var proofs: RCIIterationProofCLIOptions
    @Option(help: .hidden) var cheat: String?
    @Option(help: .hidden) var cheatUpdate: String?
    @Option(help: .hidden) var tamperForwarded: String?
    @Option(help: .hidden) var cheatShare: String?

    func run() throws {
        try reportingErrors {
            let c = try RCIFiles.readCase(caseFile)
            _ = try params.parameters()
            _ = try proofs.options(encrypted: encrypted)
            guard transport == "unix" || transport == "tcp" else { throw CLIFailure("--transport must be unix or tcp, not \(transport)") }
            let work = FileManager.default.temporaryDirectory.appendingPathComponent("gridclear-rci-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
            try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(at: work) }
            let started = DispatchTime.now()
            let runner = try RCIProcessGroup(work: work)
            defer { runner.terminateAll() }
            let listen = transport == "unix" ? "unix:\(work.path)/p.sock" : "tcp:127.0.0.1:0"
            var platformArgs = ["rci", "platform", "--listen", listen,
                                "--timeout", "\(timeout)", "--ready-file", work.appendingPathComponent("ready").path,
                                "--key-bits", "\(keyBits)"] + params.arguments
            let publicKeyPath = work.appendingPathComponent("platform.pk").path
            if encrypted { platformArgs += ["--encrypted", "--public-key-file", publicKeyPath] }
            if mask { platformArgs.append("--mask") }
            platformArgs += proofs.arguments
            if let transcripts { platformArgs += ["--transcript", "\(transcripts)/platform.jsonl"] }
            if let transcripts { try FileManager.default.createDirectory(atPath: transcripts, withIntermediateDirectories: true) }
            // This command reads every row of the case, so it acts as the registrar: it certifies each
            // agent's bounds and hands the agent its certificate; the platform forwards the key.
            let registrar = try RCIRegistrar()
            platformArgs += ["--registrar-key", Hex.encode(registrar.publicKey)]
            var certificateRNG = SystemCSPRNG()
            for a in c.agents {
                try RCIFiles.writeAtomically(try registrar.certify(a, using: &certificateRNG).fileText, to: work.appendingPathComponent("cert-\(a.id)").path)
            }
            // Identities: the case's registered keys (key files from --agent-keys) or fresh ones kept in
            // this run's private folder; the platform admits only these agents.
            var keyFiles: [String: String] = [:], roster: [(id: String, role: RCIRole, publicKey: [UInt8])] = []
            for a in c.agents {
                let path: String, publicKey: [UInt8]
                if !a.publicKey.isEmpty {
                    guard let agentKeys else { throw CLIFailure("the case registers public keys: give --agent-keys DIR holding <id>.ed25519.key for every agent (gridclear keygen --ed25519 --out DIR/<id>)") }
                    path = agentKeys + "/\(a.id).ed25519.key"
                    do { publicKey = try NodeKeyFile.load(path: path).publicKey } catch { throw CLIFailure("--agent-keys: \(error)") }
                    guard publicKey == a.publicKey else { throw CLIFailure("\(path) is not the key registered for \(a.id) in \(caseFile)") }
                } else {
                    let key = NodeKey.generate()
                    path = work.appendingPathComponent("key-\(a.id).key").path
                    do { try NodeKeyFile.write(key, to: path) } catch { throw CLIFailure("\(error)") }
                    publicKey = key.publicKey
                }
                keyFiles[a.id] = path
                roster.append((a.id, a.role, publicKey))
            }
            let rosterPath = work.appendingPathComponent("roster.csv").path
            try RCIFiles.writeAtomically(RCICase.rosterText(roster), to: rosterPath)
            if let out {
                // a blame keeps its signed evidence and the roster to check it with (public keys only)
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try RCIFiles.writeAtomically(RCICase.rosterText(roster), to: out + "/roster.csv")
                platformArgs += ["--identities", out + "/roster.csv", "--evidence", out + "/blame.evidence"]
            } else {
                platformArgs += ["--identities", rosterPath]
            }
            // The platform's identity: fresh for the run, pinned in every agent's arguments.
            let platformKey = NodeKey.generate()
            let platformKeyPath = work.appendingPathComponent("key-platform.key").path
            do { try NodeKeyFile.write(platformKey, to: platformKeyPath) } catch { throw CLIFailure("\(error)") }
            platformArgs += ["--key", platformKeyPath]
            let cheater = cheat.map { $0.split(separator: ":").map(String.init) }
            try runner.spawn(name: "platform", args: platformArgs)
            let address = try runner.waitForFile(work.appendingPathComponent("ready").path, seconds: max(timeout, 120))
            let master = seed ?? UInt64.random(in: 0...UInt64.max)
            // The DJN fixed-base table of the platform's key, built once here instead of in every
            // agent (≈ 16 k Montgomery products each); agents adopt it after checking it is for the key.
            var fixedBase: String?
            if encrypted {
                let path = work.appendingPathComponent("fixed-base").path
                do {
                    let text = try String(contentsOfFile: publicKeyPath, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                    guard let bytes = Hex.decode(text) else { throw CLIFailure("not hex") }
                    let table = try PaillierPublicKey(serialized: bytes).fixedBaseTable()
                    guard FileManager.default.createFile(atPath: path, contents: Data(table), attributes: [.posixPermissions: 0o600]) else {
                        throw CLIFailure("cannot write \(path)")
                    }
                    fixedBase = path
                } catch { throw CLIFailure("the platform's public key (\(publicKeyPath)): \(error)") }
            }
            for a in c.agents {
                var args = ["rci", "agent", "--case", caseFile, "--id", a.id, "--key", keyFiles[a.id]!, "--platform", address,
                            "--platform-key", Hex.encode(platformKey.publicKey), "--timeout", "\(timeout)", "--seed", "\(master)"]
                if transport == "unix" { args += ["--listen", "unix:\(work.path)/a\(runner.count).sock"] }
                if perturb > 0 { args += ["--perturb", "\(perturb)"] }
                if let transcripts { args += ["--transcript", "\(transcripts)/agent-\(a.id).jsonl"] }
                args += ["--certificate", work.appendingPathComponent("cert-\(a.id)").path]
                if let fixedBase { args += ["--fixed-base", fixedBase] }
                if let cheater, cheater.count == 2, cheater[0] == a.id { args += ["--cheat-upper-bound=\(cheater[1])"] }
                let updateCheater = cheatUpdate.map { $0.split(separator: ":").map(String.init) }
                if let updateCheater, updateCheater.count == 2, updateCheater[0] == a.id { args += ["--cheat-update-at=\(updateCheater[1])"] }
                let tamperer = tamperForwarded.map { $0.split(separator: ":").map(String.init) }
                if let tamperer, tamperer.count == 2, tamperer[0] == a.id { args += ["--tamper-forwarded-at=\(tamperer[1])"] }
                let shareCheater = cheatShare.map { $0.split(separator: ":").map(String.init) }
                if let shareCheater, shareCheater.count == 2, shareCheater[0] == a.id { args += ["--cheat-share-at=\(shareCheater[1])"] }
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
            if platform.failed.values.contains(where: { !$0.isEmpty }) { throw CLIFailure("rci run: \(result.proofFailures)") }
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

    /// Per-iteration time by kind of work, summed over the agents (CPU spent in each process)
    /// and the platform's decryption; nil when nothing was metered.
    var costSplit: String? {
        let a = reports.compactMap(\.costs).reduce(RCICosts(), +)
        guard let p = platform.costs, a.encryption + a.homomorphic + a.algorithm + p.decryption > 0 else { return nil }
        let k = Double(max(1, outcome.iterations))
        func ms(_ ns: UInt64) -> String { String(format: "%.3f", Double(ns) / 1e6 / k) }
        return "per iteration (ms, summed over agents): encryption \(ms(a.encryption)), homomorphic \(ms(a.homomorphic)), "
            + "algorithm \(ms(a.algorithm)), transport \(ms(a.transport)); platform: decryption \(ms(p.decryption)), "
            + "transport \(ms(p.transport)), waiting \(ms(p.waiting)); result proofs total "
            + String(format: "%.3f s", Double(a.proofs) / 1e9)
            + (a.iterationProving + p.iterationVerifying > 0
               ? "; per-iteration proofs: agents proving \(ms(a.iterationProving)), agents checking \(ms(a.iterationVerifying)), platform verifying \(ms(p.iterationVerifying))"
               : "")
    }

    /// One line naming every agent whose result proof a partner rejected, the iteration, and
    /// the first reason given.
    var proofFailures: String {
        var rejectedBy: [String: [String]] = [:]
        for (verifier, bad) in platform.failed { for a in bad { rejectedBy[a, default: []].append(verifier) } }
        let reasons = Dictionary(reports.flatMap { r in r.failed.map { ($0.key, $0.value) } }, uniquingKeysWith: { a, _ in a })
        return "result proofs failed after iteration \(outcome.iterations): " + rejectedBy.keys.sorted().map { a in
            "agent \(a) rejected by \(rejectedBy[a]!.sorted().joined(separator: ", "))" + (reasons[a].map { " (\($0))" } ?? "")
        }.joined(separator: "; ")
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
        let rule = outcome.converged ? "stop rule met (≤)" : "stop rule NOT met"
        lines.append(String(format: "%@: max price change %.6g €/MWh, max trade change %.6g MW", rule, s.price_change, s.trade_change)
                     + (s.reciprocity.map { String(format: ", max |P_nm + P_mn| %.6g MW", $0) }
                        ?? ", reciprocity tests \(s.reciprocity_tests_held ? "held" : "did not all hold")")
                     + String(format: "; published max |P_nm + P_mn| %.6g MW", r.reciprocity))
        if let split = costSplit { lines.append(split) }
        lines.append("agent      role        net MW")
        for a in outcome.agents {
            lines.append(a.id.padding(toLength: 10, withPad: " ", startingAt: 0) + " " + a.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                         + String(format: " %10.3f", a.netPower))
        }
        let pairs = reports.reduce(0) { $0 + $1.verified.count }
        let failed = platform.failed.values.reduce(0) { $0 + $1.count }
        lines.append("result proofs: \(pairs) partner verifications passed, \(failed) failed")
        if let checked = platform.checked_proof_iterations, !checked.isEmpty {
            lines.append("per-iteration proofs checked for \(checked.count) iterations: " + checked.prefix(12).map(String.init).joined(separator: ", ")
                         + (checked.count > 12 ? ", …" : ""))
        }
        lines.append("\(outcome.trades.count) active trades")
        return lines.joined(separator: "\n")
    }
}
