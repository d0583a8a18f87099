import ArgumentParser
import ConsensusFactor
import Foundation
import Privacy

/// `gridclear-bench rci` — iterations and wall time of the RCI clearing, plaintext vs
/// encrypted (in-process, same agent core), and the cost of the step-perturbation mitigation.
struct BenchRCICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rci",
        abstract: "Benchmark RCI: iterations and time, plaintext vs encrypted, 2×3, 5×5 and New England 31.",
        discussion: """
        Encrypted runs compute bit-identical iterates (tested), so they take the same number of iterations; they are timed over the first --encrypted-iterations iterations and the per-iteration ratio is printed with the projected full time.
        Example:
          gridclear-bench rci --key-bits 512 --encrypted-iterations 20 --skip-new-england
        """)

    @Option(help: "Paillier modulus size.") var keyBits = 1024
    @Option(help: "Iterations timed in encrypted mode.") var encryptedIterations = 100
    @Flag(help: "Skip the 31-agent plaintext run.") var skipNewEngland = false
    @Option(help: "Folder with the case files.") var cases = "Inputs/rci"

    func run() throws {
        try reportingErrors {
            do { try bench() } catch let e as CLIFailure { throw e } catch { throw CLIFailure("bench rci: \(error)") }
        }
    }

    private func seconds(_ body: () throws -> Void) rethrows -> Double {
        let t = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - t) / 1e9
    }

    private func bench() throws {
        let key = try PaillierPrivateKey.generate(bits: keyBits)
        print("RCI benchmark (in-process agents; Paillier \(keyBits)-bit; default parameters α=0.05 β=0.2 η=0.05 δ=10)")
        for name in ["case_2x3", "case_5x5"] {
            let c = try readRCICase("\(cases)/\(name).csv")
            var full = try RCIInProcessRun(case: c, parameters: RCIParameters())
            var out: RCIOutcome!
            let tPlain = try seconds { out = try full.run() }
            var capped = RCIParameters()
            capped.maxIterations = encryptedIterations
            var p = try RCIInProcessRun(case: c, parameters: capped), e = try RCIInProcessRun(case: c, parameters: capped, encryption: (key, true), seed: 1)
            let tp = try seconds { _ = try p.run() }
            let te = try seconds { _ = try e.run() }
            let ratio = te / max(tp, 1e-9)
            print(String(format: "%@: plaintext %d iterations in %.3f s (converged: %@); encrypted+masked %d iterations in %.3f s vs plaintext %.4f s → overhead ×%.0f; projected encrypted full run %.1f s",
                         name, out.iterations, tPlain, out.converged ? "yes" : "no", encryptedIterations, te, tp, ratio,
                         te / Double(encryptedIterations) * Double(out.iterations)))
            try admm(c, name, rciIterations: out.iterations, rciSeconds: tPlain)
            var pert = try RCIInProcessRun(case: c, parameters: RCIParameters(), perturbation: RCIPerturbationOption(spread: 0.3, seed: 1))
            let po = try pert.run()
            print(String(format: "%@: private step perturbation ±30%%: %d iterations vs %d (×%.2f)", name, po.iterations, out.iterations,
                         Double(po.iterations) / Double(out.iterations)))
        }
        if !skipNewEngland {
            let c = try readRCICase("\(cases)/new_england_31.csv")
            for alpha in [0.05, 0.2] {
                var run = try RCIInProcessRun(case: c, parameters: RCIParameters(alpha: .constant(alpha)))
                var out: RCIOutcome!
                let t = try seconds { out = try run.run() }
                let trades = out.trades
                let price = trades.reduce(0) { $0 + $1.price * $1.power } / trades.reduce(0) { $0 + $1.power }
                print(String(format: "new_england_31 (α=%.2f): plaintext %d iterations in %.2f s (converged: %@), price %.4f €/MWh, total cost %.3f €",
                             alpha, out.iterations, t, out.converged ? "yes" : "no", price, out.totalCost(c)))
                if alpha == 0.05 { try admm(c, "new_england_31", rciIterations: out.iterations, rciSeconds: t) }
            }
        }
    }

    private func admm(_ c: RCICase, _ name: String, rciIterations: Int, rciSeconds: Double) throws {
        var run = try RCIInProcessRun(case: c, parameters: RCIParameters(algorithm: .admm, thresholds: RCIThresholds(priceChange: 1, reciprocity: 1e-3, tradeChange: 1e-3)))
        var out: RCIOutcome!
        let t = try seconds { out = try run.run() }
        print(String(format: "%@: consensus-ADMM (ρ=1) %d iterations in %.3f s (converged: %@) vs RCI %d iterations → ×%.1f fewer iterations, time ratio RCI/ADMM %.1f",
                     name, out.iterations, t, out.converged ? "yes" : "no", rciIterations,
                     Double(rciIterations) / Double(out.iterations), rciSeconds / max(t, 1e-9)))
    }
}
