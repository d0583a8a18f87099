import ArgumentParser
import ConsensusFactor
import Foundation
import GridClearSystem

/// The public RCI parameters as command-line options (shared by `run`, `platform`, `solve`).
struct RCIParameterOptions: ParsableArguments {
    @Option(help: "Algorithm: admm (default: consensus ADMM, ~100× fewer iterations) or rci (docs/rci-privacy.md).") var algorithm = "admm"
    @Option(help: "ρ: ADMM penalty in (0, 2] (€/MWh per MW; the step is 1.6·ρ/2, over-relaxed).") var rho = 1.25
    @Option(help: "α: step on the reciprocity mismatch (€/MWh per MW).") var alpha = 0.05
    @Option(help: "β: step on the partner price disagreement.") var beta = 0.2
    @Option(help: "η: step of the bound multipliers.") var eta = 0.05
    @Option(help: "δ in the trade weights (MW).") var delta = 10.0
    @Option(help: "Starting consensus factor λ⁰ (€/MWh).") var initialPrice = 0.0
    @Option(help: "Stop threshold on the price change (€/MWh).") var priceTol = 1e-3
    @Option(help: "Stop threshold on |P_nm + P_mn| (MW).") var reciprocityTol = 1e-2
    @Option(help: "Stop threshold on the trade change (MW).") var tradeTol = 1e-3
    @Option(help: "Give up after this many iterations.") var maxIterations = 200_000

    func parameters() throws -> RCIParameters {
        guard let algorithm = RCIAlgorithm(rawValue: algorithm) else {
            throw CLIFailure("--algorithm must be rci or admm, not \(self.algorithm)")
        }
        do {
            return try RCIParameters(algorithm: algorithm, alpha: .constant(alpha), beta: .constant(beta), eta: .constant(eta), delta: delta, rho: rho,
                                     initialPrice: initialPrice,
                                     thresholds: RCIThresholds(priceChange: priceTol, reciprocity: reciprocityTol, tradeChange: tradeTol),
                                     maxIterations: maxIterations).validated()
        } catch { throw CLIFailure("rci parameters: \(error)") }
    }

    var arguments: [String] {
        ["--algorithm", algorithm, "--rho", "\(rho)", "--alpha", "\(alpha)", "--beta", "\(beta)", "--eta", "\(eta)", "--delta", "\(delta)", "--initial-price", "\(initialPrice)",
         "--price-tol", "\(priceTol)", "--reciprocity-tol", "\(reciprocityTol)", "--trade-tol", "\(tradeTol)",
         "--max-iterations", "\(maxIterations)"]
    }
}

enum RCIFiles {
    static func readCase(_ path: String) throws -> RCICase {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("case file \(path): cannot read") }
        do { return try RCICase.parseCSV(String(decoding: data, as: UTF8.self)) } catch { throw CLIFailure("case file \(path): \(error)") }
    }

    /// One line on stderr (refused connections and other notes that do not stop the run).
    @Sendable static func logLine(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` atomically and durably (`AtomicFile`).
    static func writeAtomically(_ text: String, to path: String) throws {
        do { try AtomicFile.write(text, to: path) } catch { throw CLIFailure("cannot write \(path): \(error)") }
    }

    /// A transcript sink appending JSON lines to `path` (nil → no transcript).
    static func transcript(_ path: String?) throws -> ((RCITranscriptEntry) -> Void)? {
        guard let path else { return nil }
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path) else {
            throw CLIFailure("cannot create transcript \(path)")
        }
        return { e in h.write(Data((e.jsonLine + "\n").utf8)) }
    }

    static func json(_ value: some Encodable) -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(value)) ?? Data(), as: UTF8.self)
    }
}

/// What an agent process prints (one JSON line) at the end.
struct RCIAgentReport: Codable {
    var outcome: RCIAgentOutcome
    var converged: Bool
    var settled_kw: [String: Int64]
    var verified: [String]
    var failed: [String: String]
    var last_step: RCIStepResiduals?
    var costs: RCICosts?

    init(_ r: RCIAgentResult) {
        outcome = r.outcome; converged = r.converged; settled_kw = r.settledKW; verified = r.verified; failed = r.failed
        costs = r.costs
        last_step = r.lastReport.map { RCIStepResiduals($0, finalReciprocityHolds: r.finalReciprocityHolds) }
    }
}

/// An agent's own residuals in its last step (what its stop condition compared with `≤`).
struct RCIStepResiduals: Codable {
    var price_change: Double
    var trade_change: Double
    var reciprocity: Double?
    var reciprocity_holds: Bool?
    init(_ r: RCIStepReport, finalReciprocityHolds: Bool?) {
        price_change = r.maxPriceChange; trade_change = r.maxTradeChange; reciprocity = r.maxReciprocity
        reciprocity_holds = finalReciprocityHolds
    }
}

/// What the platform process prints (one JSON line) at the end.
struct RCIPlatformReport: Codable {
    var converged: Bool
    var iterations: Int
    var decryptions: Int
    var verified: [String: [String]]
    var failed: [String: [String]]
    var costs: RCICosts?
    var checked_proof_iterations: [Int]?

    init(_ s: RCIPlatformSummary) {
        converged = s.converged; iterations = s.iterations; decryptions = s.decryptions; verified = s.verified; failed = s.failed
        costs = s.costs
        checked_proof_iterations = s.checkedProofIterations
    }
}
