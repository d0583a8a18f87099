import ArgumentParser
import ConsensusFactor
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The public RCI parameters as command-line options (shared by `run`, `platform`, `solve`).
struct RCIParameterOptions: ParsableArguments {
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
        do {
            return try RCIParameters(alpha: .constant(alpha), beta: .constant(beta), eta: .constant(eta), delta: delta,
                                     initialPrice: initialPrice,
                                     thresholds: RCIThresholds(priceChange: priceTol, reciprocity: reciprocityTol, tradeChange: tradeTol),
                                     maxIterations: maxIterations).validated()
        } catch { throw CLIFailure("rci parameters: \(error)") }
    }

    var arguments: [String] {
        ["--alpha", "\(alpha)", "--beta", "\(beta)", "--eta", "\(eta)", "--delta", "\(delta)", "--initial-price", "\(initialPrice)",
         "--price-tol", "\(priceTol)", "--reciprocity-tol", "\(reciprocityTol)", "--trade-tol", "\(tradeTol)",
         "--max-iterations", "\(maxIterations)"]
    }
}

enum RCIFiles {
    static func readCase(_ path: String) throws -> RCICase {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIFailure("case file \(path): cannot read") }
        do { return try RCICase.parseCSV(String(decoding: data, as: UTF8.self)) } catch { throw CLIFailure("case file \(path): \(error)") }
    }

    /// Writes via a temp file in the same directory, fsync, rename.
    static func writeAtomically(_ text: String, to path: String) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CLIFailure("cannot create \(tmp): \(String(cString: strerror(errno)))") }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 { if errno == EINTR { continue }; close(fd); unlink(tmp); throw CLIFailure("writing \(tmp): \(String(cString: strerror(errno)))") }
            off += n
        }
        guard fsync(fd) == 0, close(fd) == 0, rename(tmp, path) == 0 else {
            unlink(tmp); throw CLIFailure("cannot write \(path): \(String(cString: strerror(errno)))")
        }
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
}

/// What the platform process prints (one JSON line) at the end.
struct RCIPlatformReport: Codable {
    var converged: Bool
    var iterations: Int
    var decryptions: Int
    var verified: [String: [String]]
    var failed: [String: [String]]
}
