import ArgumentParser
import ConsensusFactor

/// The per-iteration proof options shared by `rci run` and `rci platform` (issue 19 item 4).
struct RCIIterationProofCLIOptions: ParsableArguments {
    @Option(help: "Per-iteration proofs every K-th iteration, checked by the platform before it decrypts (encrypted runs; 0 = none).")
    var proveEvery = 0
    @Option(help: "Audit mode: proofs every iteration, N iterations drawn after the run (with --audit-seed) are checked.")
    var auditSample = 0
    @Option(help: "Seed choosing the audited iterations (default: system randomness).")
    var auditSeed: UInt64?

    /// The schedule, or a CLIFailure saying which flag to fix.
    func options(encrypted: Bool) throws -> RCIIterationProofOptions {
        guard proveEvery >= 0, auditSample >= 0 else { throw CLIFailure("--prove-every and --audit-sample must be ≥ 0") }
        guard proveEvery == 0 || auditSample == 0 else { throw CLIFailure("choose --prove-every K or --audit-sample N, not both") }
        guard encrypted || (proveEvery == 0 && auditSample == 0) else { throw CLIFailure("per-iteration proofs need --encrypted") }
        return RCIIterationProofOptions(proveEvery: proveEvery, auditSample: auditSample, auditSeed: auditSeed ?? UInt64.random(in: 0...UInt64.max))
    }

    /// The same options as arguments for a spawned platform.
    var arguments: [String] {
        var a: [String] = []
        if proveEvery > 0 { a += ["--prove-every", "\(proveEvery)"] }
        if auditSample > 0 { a += ["--audit-sample", "\(auditSample)"] }
        if let auditSeed { a += ["--audit-seed", "\(auditSeed)"] }
        return a
    }
}
