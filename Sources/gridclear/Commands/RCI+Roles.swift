import ArgumentParser
import ConsensusFactor
import Foundation
import GridClearApp
import GridClearCore
import GridClearSystem
import Privacy

/// `gridclear rci platform` — the trading platform role.
struct RCIPlatformCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "platform",
        abstract: "Run the trading platform: gather N agents, decrypt their consensus factors, stop the run.",
        discussion: """
        Prints `ready <address>` once listening, then one JSON summary line at the end. Only the agents registered by --identities (a roster agent,role,public_key or a case file with a public_key column) may join: each must sign the platform's challenge with its Ed25519 key, and the platform answers each agent's challenge with its own key (--key; agents pin its public key with --platform-key). Other connections (unknown ids, bad signatures, garbage, silence) are refused with one line on stderr and the run goes on. Exits 1 when the run does not converge, a result proof fails or a per-iteration proof blames an agent (--evidence keeps the signed evidence; check it with `gridclear rci check-evidence`).
        Example:
          gridclear rci platform --listen unix:/tmp/gridclear-rci.sock --identities roster.csv --key keys/platform.ed25519.key
        """)

    @Option(help: "Listen address: unix:/path or tcp:HOST:PORT (port 0 = any).") var listen: String
    @Option(help: "Registered agents: a roster (agent,role,public_key) or a case file with a public_key column.") var identities: String
    @Option(help: "The platform's Ed25519 key file (gridclear keygen --ed25519; mode 600): agents pin its public key.") var key: String
    @Option(help: "Where to write the signed evidence when a per-iteration proof blames an agent (hex).") var evidence: String?
    @Option(help: "Number of agents to wait for (default: every registered agent).") var agents: Int?
    @Flag(help: "Encrypted exchange (Paillier).") var encrypted = false
    @Option(help: "Paillier modulus size when generating a key.") var keyBits = 2048
    @Flag(help: "Agents mask Enc(λ) before decryption (hides λ from the platform).") var mask = false
    @OptionGroup var params: RCIParameterOptions
    @Option(help: "Seconds to wait for any message before failing.") var timeout = 60.0
    @Option(help: "Write the actual listen address to this file once ready.") var readyFile: String?
    @Option(help: .hidden) var publicKeyFile: String?
    @Option(help: "Record every received message (JSON lines).") var transcript: String?
    @Option(help: "The registrar's Ed25519 public key (hex): agents then prove against registrar-certified bounds.") var registrarKey: String?
    @OptionGroup var proofs: RCIIterationProofCLIOptions

    func run() throws {
        Supervision.exitWhenParentDies()
        try reportingErrors {
            var registrar: [UInt8] = []
            if let registrarKey {
                guard let k = Hex.decode(registrarKey), k.count == 32 else { throw CLIFailure("--registrar-key must be 64 hex digits (an Ed25519 public key)") }
                registrar = k
            }
            let registered: [String: RCIRegisteredAgent]
            do {
                guard let data = FileManager.default.contents(atPath: identities) else { throw CLIFailure("--identities \(identities): cannot read") }
                registered = try RCICase.parseRegistered(String(decoding: data, as: UTF8.self))
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("--identities \(identities): \(error)") }
            if let agents, agents != registered.count {
                throw CLIFailure("--agents \(agents) differs from the \(registered.count) agents registered in \(identities)")
            }
            let address: RCIAddress
            do { address = try RCIAddress(parsing: listen) } catch { throw CLIFailure("--listen: \(error)") }
            let key: PaillierPrivateKey?
            do { key = encrypted ? try PaillierPrivateKey.generate(bits: keyBits) : nil } catch { throw CLIFailure("key generation (\(keyBits) bits): \(error)") }
            let identity: RCIIdentity
            do { identity = try RCIIdentity(secret: try NodeKeyFile.load(path: self.key).secret) } catch { throw CLIFailure("--key: \(error)") }
            let node: RCIPlatformNode
            do {
                node = try RCIPlatformNode(listen: address, agentCount: registered.count, parameters: try params.parameters(),
                                           cipher: key.map(RCIPlatformCipher.init), masking: mask, timeoutMilliseconds: Int32(timeout * 1000),
                                           registrarKey: registrar, registered: registered, identity: identity, log: RCIFiles.logLine)
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("platform: \(error)") }
            node.iterationProofs = try proofs.options(encrypted: encrypted)
            print("ready \(node.address)")
            fflush(nil)
            // `rci run` reads the public key to build the agents' fixed-base table once (before the ready file).
            if let publicKeyFile, let key { try RCIFiles.writeAtomically(Hex.encode(key.publicKey.serialize()) + "\n", to: publicKeyFile) }
            if let readyFile { try RCIFiles.writeAtomically("\(node.address)\n", to: readyFile) }
            let sink = try RCIFiles.transcript(transcript)
            let s: RCIPlatformSummary
            do { s = try node.run(transcript: sink) } catch {
                if let evidence, let bytes = node.blameEvidence {
                    try RCIFiles.writeAtomically(Hex.encode(bytes) + "\n", to: evidence)
                    throw CLIFailure("platform: \(error) (signed evidence in \(evidence); check it with 'gridclear rci check-evidence \(evidence) --identities \(identities)')")
                }
                throw CLIFailure("platform: \(error)")
            }
            print(RCIFiles.json(RCIPlatformReport(s)))
            fflush(nil)
            if !s.converged { throw CLIFailure("platform: no convergence within \(s.iterations) iterations") }
            var rejectedBy: [String: [String]] = [:]
            for (verifier, bad) in s.failed { for a in bad { rejectedBy[a, default: []].append(verifier) } }
            if !rejectedBy.isEmpty {
                throw CLIFailure("platform: result proofs failed after iteration \(s.iterations): " + rejectedBy.keys.sorted().map {
                    "agent \($0) rejected by \(rejectedBy[$0]!.sorted().joined(separator: ", "))"
                }.joined(separator: "; "))
            }
        }
    }
}

/// `gridclear rci agent` — one generator or consumer.
struct RCIAgentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent",
        abstract: "Run one generator or consumer agent against a platform.",
        discussion: """
        Reads only its own row of the case file. Proves its identity with --key (a node key file from 'gridclear keygen --ed25519', kept outside data folders) to the platform and to its partners, and refuses a platform that cannot prove it holds the key pinned by --platform-key. Prints one JSON line with its outcome at the end.
        Example:
          gridclear rci agent --case Inputs/rci/case_2x3.csv --id G1 --key keys/G1.ed25519.key --platform unix:/tmp/gridclear-rci.sock \\
              --platform-key <64 hex digits: the platform's public key>
        """)

    @Option(help: "Case file holding this agent's row.") var `case`: String
    @Option(help: "This agent's id.") var id: String
    @Option(help: "Platform address (unix:/path or tcp:HOST:PORT).") var platform: String
    @Option(help: "The platform's Ed25519 public key (64 hex digits): an impostor platform is refused.") var platformKey: String
    @Option(help: "This agent's Ed25519 key file (gridclear keygen --ed25519; mode 600).") var key: String
    @Option(help: "Where partners reach this agent (default tcp:127.0.0.1:0 or a unix path for unix platforms).") var listen: String?
    @Option(help: "Private step-size perturbation spread in [0, 1) (privacy mitigation).") var perturb = 0.0
    @Option(help: "Seed for masks, blinding and perturbation (default: system CSPRNG).") var seed: UInt64?
    @Option(help: "Seconds to wait for any message before failing.") var timeout = 60.0
    @Option(help: "Record every received message (JSON lines).") var transcript: String?
    @Option(help: "This agent's bound certificate from the registrar (hex file; `rci run` writes one per agent).") var certificate: String?
    /// A fixed-base table for the platform's key, built once by `rci run` (which spawns this
    /// process and is trusted with its randomness); a table for another key is ignored.
    @Option(help: .hidden) var fixedBase: String?
    @Option(help: .hidden) var cheatUpperBound: Double?
    @Option(help: .hidden) var cheatUpdateAt: Int?
    @Option(help: .hidden) var tamperForwardedAt: Int?
    @Option(help: .hidden) var cheatShareAt: Int?

    func run() throws {
        Supervision.exitWhenParentDies()
        try reportingErrors {
            var certified: RCICertifiedBounds?
            if let certificate {
                guard let data = FileManager.default.contents(atPath: certificate) else { throw CLIFailure("--certificate \(certificate): cannot read") }
                do { certified = try RCICertifiedBounds(fileText: String(decoding: data, as: UTF8.self)) } catch {
                    throw CLIFailure("--certificate \(certificate): \(error)")
                }
            }
            let spec: RCIAgentSpec
            do { spec = try RCIFiles.readCase(`case`).agent(id) } catch let e as CLIFailure { throw e } catch { throw CLIFailure("case file \(`case`): \(error)") }
            let identity: RCIIdentity
            do { identity = try RCIIdentity(secret: try NodeKeyFile.load(path: key).secret) } catch { throw CLIFailure("--key: \(error)") }
            let platformAddress: RCIAddress
            do { platformAddress = try RCIAddress(parsing: platform) } catch { throw CLIFailure("--platform: \(error)") }
            guard let pinned = Hex.decode(platformKey), pinned.count == 32 else {
                throw CLIFailure("--platform-key must be 64 hex digits (the platform's Ed25519 public key)")
            }
            let listenAddress: RCIAddress
            do {
                if let listen { listenAddress = try RCIAddress(parsing: listen) }
                else if case .unix(let p) = platformAddress { listenAddress = .unix(p + ".\(id)") }
                else { listenAddress = .tcp(host: "127.0.0.1", port: 0) }
            } catch { throw CLIFailure("--listen: \(error)") }
            var system = SystemCSPRNG()
            let master = seed ?? system.next()
            let rng = RCISeeds.agent(master, id)
            let perturbation: RCIStepPerturbation?
            do {
                perturbation = perturb > 0 ? try RCIStepPerturbation(spread: perturb, rng: RCISeeds.perturbation(master, id)) : nil
            } catch { throw CLIFailure("--perturb: \(error)") }
            let result: RCIAgentResult
            do {
                let node = try RCIAgentNode(spec: spec, platform: platformAddress, listen: listenAddress,
                                            timeoutMilliseconds: Int32(timeout * 1000), perturbation: perturbation, rng: rng,
                                            certified: certified, faults: RCIAgentFaults(claimedUpperBound: cheatUpperBound, cheatUpdateAt: cheatUpdateAt,
                                                                   tamperForwardedAt: tamperForwardedAt, cheatShareAt: cheatShareAt),
                                            identity: identity, platformKey: pinned,
                                            fixedBaseTable: fixedBase.flatMap { FileManager.default.contents(atPath: $0) }.map { Array($0) },
                                            log: RCIFiles.logLine)
                result = try node.run(transcript: try RCIFiles.transcript(transcript))
            } catch let e as CLIFailure { throw e } catch { throw CLIFailure("agent \(id): \(error)") }
            print(RCIFiles.json(RCIAgentReport(result)))
        }
    }
}
