import ArgumentParser
import ConsensusFactor
import Foundation
import Privacy

/// `gridclear-bench rci-proofs` — cost per iteration of RCI/ADMM per-iteration proofs (issue 19
/// item 4): the same encrypted in-process run without proofs (the peer), with proofs every
/// K-th iteration, every iteration, and in audit mode, interleaved; wall time per iteration
/// (min and median over the repeats) and the split by kind of work from the machines' meters.
struct BenchRCIProofsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rci-proofs",
        abstract: "Benchmark per-iteration proofs: time per iteration with and without them, and its split.",
        discussion: """
        Example:
          gridclear-bench rci-proofs --key-bits 1024 --case case_5x5 --iterations 20 --repeats 3
        """)

    @Option(help: "Paillier modulus size.") var keyBits = 1024
    @Option(help: "Case name in --cases.") var `case` = "case_5x5"
    @Option(help: "Folder with the case files.") var cases = "Inputs/rci"
    @Option(help: "Iterations per run (the run is capped there).") var iterations = 20
    @Option(help: "Repeats per mode (interleaved).") var repeats = 3
    @Option(help: "K of the every-K mode.") var every = 10
    @Option(help: "Audited iterations in audit mode.") var audit = 5
    @Option(help: "algorithm: admm or rci.") var algorithm = "admm"

    func run() throws {
        try reportingErrors {
            do { try bench() } catch let e as CLIFailure { throw e } catch { throw CLIFailure("bench rci-proofs: \(error)") }
        }
    }

    private func bench() throws {
        guard let alg = RCIAlgorithm(rawValue: algorithm) else { throw CLIFailure("--algorithm admm or rci") }
        let c = try readRCICase("\(cases)/\(`case`).csv")
        let key = try PaillierPrivateKey.generate(bits: keyBits)
        var params = RCIParameters(algorithm: alg)
        params.maxIterations = iterations
        let modes: [(String, RCIIterationProofOptions)] = [
            ("no proofs", RCIIterationProofOptions()),
            ("every \(every)", RCIIterationProofOptions(proveEvery: every)),
            ("every 1", RCIIterationProofOptions(proveEvery: 1)),
            ("audit \(audit)", RCIIterationProofOptions(auditSample: audit, auditSeed: 1)),
        ]
        print("RCI per-iteration proofs (\(alg.rawValue), \(`case`), \(c.agents.count) agents, Paillier \(keyBits)-bit, masked, in-process, \(iterations) iterations × \(repeats) repeats)")
        var walls = Array(repeating: [Double](), count: modes.count)
        var splits = Array(repeating: (agents: RCICosts(), platform: RCICosts(), k: 0), count: modes.count)
        for _ in 0..<repeats {
            for (i, mode) in modes.enumerated() {
                var run = try RCIInProcessRun(case: c, parameters: params, encryption: (key, true), seed: 1, clock: monotonicNanos, proofs: mode.1)
                let t = monotonicNanos()
                let out = try run.run()
                let k = max(1, out.iterations)
                walls[i].append(Double(monotonicNanos() - t) / 1e6 / Double(k))
                splits[i].agents = splits[i].agents + run.agents.map(\.meter.costs).reduce(RCICosts(), +)
                splits[i].platform = splits[i].platform + (run.summary?.costs ?? RCICosts())
                splits[i].k += k
            }
        }
        func ms(_ ns: UInt64, _ k: Int) -> String { String(format: "%.2f", Double(ns) / 1e6 / Double(max(1, k))) }
        let peer = walls[0].sorted()[walls[0].count / 2]
        print("mode          min ms/it  median ms/it  ×peer | agents: encrypt  homomorphic  proving  checking | platform: decrypt  verifying")
        for (i, mode) in modes.enumerated() {
            let w = walls[i].sorted(), med = w[w.count / 2]
            // the meters add up each run's own totals, so the sums over runs are divided by the summed iterations
            var a = splits[i].agents, p = splits[i].platform
            let k = splits[i].k
            a.iterations = 0; p.iterations = 0
            print(mode.0.padding(toLength: 13, withPad: " ", startingAt: 0)
                  + String(format: " %9.2f  %12.2f  %5.2f |", w[0], med, med / peer)
                  + " \(ms(a.encryption, k))  \(ms(a.homomorphic, k))  \(ms(a.iterationProving, k))  \(ms(a.iterationVerifying, k)) |"
                  + " \(ms(p.decryption, k))  \(ms(p.iterationVerifying, k))")
        }
        let slots = c.agents.map { a in c.agents.filter { $0.role != a.role }.count }.reduce(0, +)
        try signatureCost(slots: slots, agents: c.agents.count)
        try shareProofCost(key.publicKey, slots: slots)
    }

    /// The share proofs (issue 19 item 4): in a proven iteration each share's Enc(2^S·P) is made
    /// with a plain randomiser and proven to hide the committed P (`PaillierSlotEqualityProof`),
    /// and its receiver verifies it. Unit costs (min and median over batches), interleaved with
    /// the peer: the share encryption of an unproven iteration (`RCIAgentCipher.encrypt`, no pool).
    private func shareProofCost(_ pk: PaillierPublicKey, slots: Int) throws {
        let cipher = RCIAgentCipher(publicKey: pk, masking: true), ped = PedersenParameters.standard
        var rng = SystemRandomNumberGenerator()
        var peer: [Double] = [], prove: [Double] = [], verify: [Double] = []
        let n = 10, shift = 101, ctx: [UInt8] = Array("bench".utf8)
        for _ in 0..<max(3, repeats * 3) {
            var t = monotonicNanos()
            for i in 0..<n { _ = try cipher.encrypt(RCIShare(iteration: 0, lambda: 0, power: Int64(i) - 5, converged: false), withPrice: false, slot: 1, using: &rng) }
            peer.append(Double(monotonicNanos() - t) / 1e6 / Double(n))
            var made: [(PaillierSlotOpening, PedersenCommitment, PaillierSlotEqualityProof)] = []
            t = monotonicNanos()
            for i in 0..<n {
                let (c, o) = ped.commit(Int64(i) - 5)
                let e = PaillierSlotOpening.encrypt(Int128(o.value), shift: shift, publicKey: pk)
                made.append((e, c, try PaillierSlotEqualityProof.prove(e, blinding: o.blinding, commitment: c, publicKey: pk, context: ctx)))
            }
            prove.append(Double(monotonicNanos() - t) / 1e6 / Double(n))
            t = monotonicNanos()
            for (e, c, proof) in made { try proof.verify(e.ciphertext, shift: shift, c, publicKey: pk, context: ctx) }
            verify.append(Double(monotonicNanos() - t) / 1e6 / Double(n))
        }
        peer.sort(); prove.sort(); verify.sort()
        let p = peer[peer.count / 2], e = prove[prove.count / 2], v = verify[verify.count / 2]
        print(String(format: "share proof: encrypt+prove min %.2f median %.2f ms (peer: share encryption min %.2f median %.2f ms, ×%.1f), "
                     + "verify min %.2f median %.2f ms", prove[0], e, peer[0], p, e / p, verify[0], v))
        for (name, k) in [(`case`, slots), ("new_england_31", 420)] {
            print("  \(name): per proven iteration \(k) share proofs ≈ " + String(format: "%.0f ms CPU", Double(k) * (e - p + v))
                  + " added, summed over the agents; the platform does nothing more")
        }
    }

    /// Ed25519 cost of the signed contributions (issue 19): per proven iteration every slot's
    /// contribution and every agent's bundle is signed once; partners check the contributions,
    /// the platform the forwarded headers and the bundles. Printed for this case and NE31
    /// (420 slots, 31 agents), from the measured unit costs (min and median over batches).
    private func signatureCost(slots: Int, agents: Int) throws {
        let id = RCIIdentity.generate(), message = [UInt8](repeating: 7, count: 200)
        var sign: [Double] = [], verify: [Double] = []
        var sig: [UInt8] = []
        for _ in 0..<max(3, repeats * 3) {
            var t = monotonicNanos()
            for _ in 0..<200 { sig = try id.sign(message) }
            sign.append(Double(monotonicNanos() - t) / 1e3 / 200)
            t = monotonicNanos()
            for _ in 0..<200 where !RCIIdentity.isValid(sig, by: id.publicKey, of: message) { throw CLIFailure("signature check failed") }
            verify.append(Double(monotonicNanos() - t) / 1e3 / 200)
        }
        sign.sort(); verify.sort()
        let s = sign[sign.count / 2], v = verify[verify.count / 2]
        print(String(format: "Ed25519: sign min %.1f median %.1f µs, verify min %.1f median %.1f µs", sign[0], s, verify[0], v))
        for (name, n, a) in [(`case`, slots, agents), ("new_england_31", 420, 31)] {
            let ms = (Double(n + a) * s + Double(2 * n + a) * v) / 1e3
            print("  \(name): per proven iteration \(n + a) signatures, \(2 * n + a) checks ≈ " + String(format: "%.1f ms CPU", ms)
                  + " summed over all processes; unproven iterations sign nothing")
        }
    }
}
