import ArgumentParser
import ConsensusFactor
import Foundation
import GridClearCore

/// `gridclear rci check-evidence` — re-checks a blame of the per-iteration proofs offline.
struct RCICheckEvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-evidence",
        abstract: "Re-check the signed evidence of a per-iteration proof's blame (no platform key needed).",
        discussion: """
        Reads the evidence the platform wrote (`rci platform --evidence FILE`; `rci run --out DIR` keeps DIR/blame.evidence and DIR/roster.csv), checks every signature against the registered keys and re-runs the platform's check on the signed bytes. Prints the agent the evidence convicts, or that it shows no deviation; exits 1 when the evidence is not admissible (a bundle not signed by its sender: someone altered it).
        Example:
          gridclear rci check-evidence /tmp/rci-out/blame.evidence --identities /tmp/rci-out/roster.csv
        """)

    @Argument(help: "Evidence file (hex).") var file: String
    @Option(help: "Registered agents: a roster (agent,role,public_key) or a case file with a public_key column.") var identities: String

    func run() throws {
        try reportingErrors {
            guard let text = FileManager.default.contents(atPath: file).map({ String(decoding: $0, as: UTF8.self) }),
                  let bytes = Hex.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw CLIFailure("\(file): cannot read hex evidence")
            }
            guard let roster = FileManager.default.contents(atPath: identities) else { throw CLIFailure("--identities \(identities): cannot read") }
            let keys: [String: [UInt8]]
            do { keys = try RCICase.parseRegistered(String(decoding: roster, as: UTF8.self)).mapValues(\.publicKey) } catch {
                throw CLIFailure("--identities \(identities): \(error)")
            }
            do {
                let verdict = try RCIBlameEvidence(bytes: bytes).verdict(keys: keys)
                print(verdict.map { "convicts: \($0)" } ?? "the evidence shows no deviation")
            } catch { throw CLIFailure("\(file): \(error)") }
        }
    }
}
