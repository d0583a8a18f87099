import ArgumentParser
import Foundation
import GridClearCore
import Privacy

/// `gridclear-bench privacy` — Paillier and range-proof timings beside python-paillier
/// (phe + gmpy2) measured in the same run on the same key.
struct BenchPrivacyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Benchmark Paillier (vs python-paillier) and range proofs.",
        discussion: """
        Prints ops/s for encrypt (standard, fixed-base, key-holder CRT), pooled online encryption, decrypt, add and scalar multiply at the chosen key size, the same for phe on the same key (spawned with --python), their ratios, and range-proof prove/verify times and sizes for 16/32/64-bit ranges. Use a release build for numbers.

        Examples:
          gridclear-bench privacy --bits 1024 --ops 5 --no-python
          gridclear-bench privacy --bits 2048 --ops 20
        """)

    @Option(help: "Paillier key size in bits.") var bits = 2048
    @Option(help: "Operations per measurement.") var ops = 50
    @Option(help: "Python interpreter for the phe peer.") var python = "python3"
    @Option(help: "Peer timing script.") var peerScript = "scripts/privacy_bench_phe.py"
    @Flag(help: "Skip the python-paillier peer.") var noPython = false
    @Option(help: "Seed for benchmark plaintexts.") var seed: UInt64 = 1

    func run() throws {
        try reportingErrors {
            guard ops >= 1 else { throw CLIFailure("bench privacy: --ops must be ≥ 1") }
            var rng = SplitMix64(seed: seed)
            let t0 = now()
            let sk: PaillierPrivateKey
            do { sk = try PaillierPrivateKey.generate(bits: bits) } catch { throw CLIFailure("bench privacy: \(error)") }
            let pk = sk.publicKey
            print("Paillier \(bits)-bit: keygen \(fmt(now() - t0)) s")
            let ms = (0..<ops).map { _ in Int64.random(in: -(1 << 40)...(1 << 40), using: &rng) }
            let ks = (0..<ops).map { _ in Int64.random(in: -(1 << 31)...(1 << 31), using: &rng) }

            var cts: [PaillierCiphertext] = []
            let enc = try rate(ops) { i in cts.append(try pk.encrypt(ms[i])) }
            _ = try pk.encryptFast(0)   // build the fixed-base table outside the timing
            let encFast = try rate(ops) { i in _ = try pk.encryptFast(ms[i]) }
            let encCRT = try rate(ops) { i in _ = try sk.encrypt(ms[i]) }
            let poolN = max(ops, 200)
            let tp = now()
            let pool = PaillierRandomnessPool(publicKey: pk, count: poolN)
            let poolBuild = Double(poolN) / (now() - tp)
            let pooled = try rate(poolN) { i in _ = try pk.encrypt(ms[i % ops], pool: pool) }
            let dec = try rate(ops) { i in _ = try sk.decrypt(cts[i]) }
            let add = try rate(ops) { i in _ = pk.add(cts[i], cts[(i + 1) % ops]) }
            let mul = try rate(ops) { i in _ = pk.multiply(cts[i], by: ks[i]) }

            let peer = noPython ? nil : runPeer(sk: sk)
            func line(_ name: String, _ mine: Double, _ theirs: Double?) {
                var s = "  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(fmt(mine).leftPad(12)) ops/s"
                if let t = theirs { s += "   phe \(fmt(t).leftPad(10)) ops/s   ratio \(fmt(mine / t))×" }
                print(s)
            }
            print("Paillier operations (\(ops) each; phe peer: \(peer.map { $0.gmpy2 ? "phe+gmpy2" : "phe (no gmpy2)" } ?? "not run"))")
            line("encrypt (standard r^N)", enc, peer?.encrypt)
            line("encrypt (fixed-base DJN)", encFast, peer?.encrypt)
            line("encrypt (key holder, CRT)", encCRT, peer?.encrypt)
            line("pool precompute (offline)", poolBuild, nil)
            line("encrypt (pooled, online)", pooled, peer?.encrypt)
            line("decrypt (CRT)", dec, peer?.decrypt)
            line("add", add, peer?.add)
            line("multiply by scalar", mul, peer?.multiply)

            do {   // the plan's attribute binding (issue 14): Enc(x) and C = x·G + s·H hide the same x
                let params = PedersenParameters.standard
                let (c, o) = params.commit(Int64.random(in: 0...(1 << 40), using: &rng), using: &rng)
                let n = max(1, min(ops, 20))
                var proof: (ciphertext: PaillierCiphertext, proof: PaillierPedersenEqualityProof)?
                let tProve = try timeEach(n) { proof = PaillierPedersenEqualityProof.encryptAndProve(o, commitment: c, publicKey: pk, context: []) }
                let tVerify = try timeEach(n) { try proof!.proof.verify(proof!.ciphertext, c, publicKey: pk, context: []) }
                print("Paillier–Pedersen equality proof: encrypt+prove \(fmt(tProve * 1000)) ms, verify \(fmt(tVerify * 1000)) ms, size \(proof!.proof.bytes.count) bytes")
            }
            print("Range proofs (bit decomposition, Ristretto255)")
            let params = PedersenParameters.standard
            for width in [16, 32, 64] {
                let lo: Int64 = width == 64 ? .min : 0
                let hi: Int64 = width == 64 ? .max : (1 << Int64(width)) - 1
                let (c, o) = params.commit(Int64.random(in: lo...hi, using: &rng), using: &rng)
                let n = max(1, min(ops, 10))
                var proof: RangeProof?
                let tProve = try timeEach(n) { proof = try RangeProof.prove(c, opening: o, lo: lo, hi: hi, using: &rng) }
                let tVerify = try timeEach(n) { try proof!.verify(c, lo: lo, hi: hi) }
                print("  \(width)-bit: prove \(fmt(tProve * 1000)) ms, verify \(fmt(tVerify * 1000)) ms, size \(proof!.byteCount) bytes")
            }
        }
    }

    struct Peer: Decodable { let encrypt, decrypt, add, multiply: Double; let gmpy2: Bool }

    func runPeer(sk: PaillierPrivateKey) -> Peer? {
        guard FileManager.default.fileExists(atPath: peerScript) else { print("phe peer: \(peerScript) not found (run from the repository root)"); return nil }
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("gridclear-bench-\(getpid()).json")
        defer { try? FileManager.default.removeItem(at: keyFile) }
        // The benchmark key is throwaway; it is handed to the peer in a 0600 temp file.
        let primes = (try? sk.decimalPrimes()) ?? ("", "")
        let json = "{\"n\": \"\(sk.publicKey.modulusDecimal)\", \"p\": \"\(primes.0)\", \"q\": \"\(primes.1)\"}"
        guard FileManager.default.createFile(atPath: keyFile.path, contents: Data(json.utf8), attributes: [.posixPermissions: 0o600]) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [python, peerScript, keyFile.path, String(ops)]
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        do { try p.run() } catch { print("phe peer: cannot start \(python): \(error)"); return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0, let peer = try? JSONDecoder().decode(Peer.self, from: data) else {
            let msg = String(decoding: errData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit \(p.terminationStatus)"
            print("phe peer failed: \(msg) (pip install phe gmpy2)")
            return nil
        }
        return peer
    }

    func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
    func rate(_ n: Int, _ body: (Int) throws -> Void) throws -> Double {
        let t = now(); for i in 0..<n { try body(i) }; return Double(n) / (now() - t)
    }
    func timeEach(_ n: Int, _ body: () throws -> Void) throws -> Double {
        let t = now(); for _ in 0..<n { try body() }; return (now() - t) / Double(n)
    }
    func fmt(_ x: Double) -> String { x >= 100 ? String(format: "%.0f", x) : String(format: "%.3g", x) }
}

private extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
