import ArgumentParser
import ConsensusFactor
import Foundation
import GridClearSystem
import Privacy

/// `gridclear rci solve` — platform and agents in one process (no sockets): quick results, tuning.
struct RCISolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Run every agent of a case in this process (plaintext, or --encrypted in-process) and print the result.",
        discussion: """
        The same platform and agent state machines as `rci run`, connected by a queue instead of sockets: with the same --seed the result is bit-identical to `rci run`'s.
        Examples:
          gridclear rci solve Inputs/rci/case_5x5.csv --alpha 0.05 --beta 0.2
          gridclear rci solve Inputs/rci/new_england_31.csv --algorithm admm --out /tmp/rci-solve
        """)

    @Argument(help: "Case file (CSV).") var caseFile: String
    @Flag(help: "Evaluate updates on Paillier ciphertexts (in-process).") var encrypted = false
    @Option(help: "Paillier modulus size (encrypted).") var keyBits = 1024
    @Flag(help: "Mask Enc(λ) before the platform decrypts it.") var mask = false
    @Option(help: "Private step-size perturbation spread.") var perturb = 0.0
    @Option(help: "Seed for perturbations, masks and encryption randomness.") var seed: UInt64 = 1
    @Option(help: "Write DIR/result.json (the same document as `rci run --out`).") var out: String?
    @OptionGroup var params: RCIParameterOptions

    static let cpuClock: RCIClock = { GridClearSystem.SystemClock().threadCPUNanos() }

    func run() throws {
        try reportingErrors {
            let c = try RCIFiles.readCase(caseFile)
            let parameters = try params.parameters()
            let started = DispatchTime.now().uptimeNanoseconds
            let result: RCIRunResult
            do {
                let key = encrypted ? try PaillierPrivateKey.generate(bits: keyBits) : nil
                // Per-step CPU metering costs clock_gettime syscalls on every step: only worth it
                // when the steps are ciphertext operations.
                var meterClock: RCIClock? = nil
                if encrypted { meterClock = Self.cpuClock }
                var run = try RCIInProcessRun(case: c, parameters: parameters,
                                              perturbation: perturb > 0 ? RCIPerturbationOption(spread: perturb, seed: seed) : nil,
                                              encryption: key.map { ($0, mask) }, seed: seed,
                                              clock: meterClock)
                let outcome = try run.run()
                guard let summary = run.summary else { throw CLIFailure("rci solve: no platform summary") }
                result = RCIRunResult(outcome: outcome, case: c, platform: RCIPlatformReport(summary),
                                      reports: c.agents.compactMap { run.agentResults[$0.id].map(RCIAgentReport.init) },
                                      algorithm: parameters.algorithm, encrypted: encrypted, transport: "in-process",
                                      seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("rci solve: \(error)") }
            if let out {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try RCIFiles.writeAtomically(result.json + "\n", to: out + "/result.json")
            }
            print(result.summary)
            if !result.outcome.converged { throw CLIFailure("rci solve: no convergence within \(result.outcome.iterations) iterations") }
        }
    }
}
