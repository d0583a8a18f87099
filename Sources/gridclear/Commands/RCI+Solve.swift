import ArgumentParser
import ConsensusFactor
import Foundation

/// `gridclear rci solve` — all agents in one process (no sockets): quick results, tuning.
struct RCISolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve",
        abstract: "Run every agent of a case in this process (plaintext, or --encrypted in-process) and print the result.",
        discussion: """
        Same agent core and stop rule as `rci run`, without processes; for tuning step sizes.
        Example:
          gridclear rci solve Inputs/rci/case_5x5.csv --alpha 0.05 --beta 0.2
        """)

    @Argument(help: "Case file (CSV).") var caseFile: String
    @Flag(help: "Evaluate updates on Paillier ciphertexts (in-process).") var encrypted = false
    @Option(help: "Paillier modulus size (encrypted).") var keyBits = 1024
    @Option(help: "Private step-size perturbation spread.") var perturb = 0.0
    @Option(help: "Seed for perturbations and encryption randomness.") var seed: UInt64 = 1
    @OptionGroup var params: RCIParameterOptions

    func run() throws {
        try reportingErrors {
            let c = try RCIFiles.readCase(caseFile)
            let parameters = try params.parameters()
            do {
                var run = try RCIInProcessRun(case: c, parameters: parameters,
                                              perturbation: perturb > 0 ? RCIPerturbationOption(spread: perturb, seed: seed) : nil)
                let exchange = encrypted ? RCIPaillierExchange(privateKey: try .generate(bits: keyBits), masking: false, seed: seed) : nil
                let out = try run.run(exchange: exchange)
                let r = out.residuals
                print("\(out.converged ? "converged" : "NOT converged") after \(out.iterations) iterations; total cost "
                      + String(format: "%.3f €; reciprocity %.5f MW, balance %.5f MW", out.totalCost(c), r.reciprocity, r.powerBalance))
                for a in out.agents { print(a.id, a.role.rawValue, String(format: "%.4f", a.netPower)) }
                if !out.converged { throw CLIFailure("rci solve: no convergence within \(out.iterations) iterations") }
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("rci solve: \(error)") }
        }
    }
}
