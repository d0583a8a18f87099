import ArgumentParser
import Crypto
import _CryptoExtras
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
import Privacy

/// `gridclear keygen` — generate Ed25519 node keys, Paillier or blind-RSA key pairs into
/// files. Private keys are written owner-only (0600), public keys 0644, each atomically.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate keys (Ed25519 node keys, Paillier, blind RSA) into files with safe permissions.",
        discussion: """
        Writes <out>.<kind>.key (private, mode 0600) and <out>.<kind>.pub (public, 0644). An Ed25519 key is a node key: give the .key file to 'clear --ledger --key', 'schedule --key' and 'settle --key', keep it outside the ledger folder, and publish the .pub file (or the fingerprint printed here) for 'audit --keys' and 'verify-proof --keys'. Existing files are never overwritten unless --force is given.

        Examples:
          gridclear keygen --paillier --bits 2048 --out keys/platform
          gridclear keygen --ed25519 --out keys/node1
          gridclear keygen --blind-rsa --out keys/registration
        """)

    @Flag(name: .customLong("paillier"), help: "Paillier key pair for the RCI platform (docs/privacy.md).")
    var paillier = false
    @Flag(name: .customLong("ed25519"), help: "Ed25519 node signing key (ledger nodes, replicas).")
    var ed25519 = false
    @Flag(name: .customLong("blind-rsa"), help: "RSA key pair for RFC 9474 blind-signed pseudonym certificates.")
    var blindRSA = false
    @Option(help: "Key size in bits: Paillier 2048 (default) or 3072; blind RSA 2048 (default), 3072 or 4096.")
    var bits: Int?
    @Option(help: "Output path prefix (folders are created).")
    var out: String
    @Flag(help: "Overwrite existing key files.")
    var force = false

    func run() throws {
        try reportingErrors {
            guard [paillier, ed25519, blindRSA].filter({ $0 }).count == 1 else {
                throw CLIFailure("keygen: choose exactly one of --paillier, --ed25519, --blind-rsa", exitCode: 64)
            }
            if ed25519 {
                if bits != nil { throw CLIFailure("keygen: --bits does not apply to --ed25519", exitCode: 64) }
                let key = NodeKey.generate(), keyPath = "\(out).ed25519.key", pubPath = "\(out).ed25519.pub"
                try NodeKeyFile.write(key, to: keyPath, publicPath: pubPath, overwrite: force)
                say("wrote \(keyPath) (private, 0600) and \(pubPath): Ed25519 node key \(NodeKey.fingerprint(publicKey: key.publicKey)), public key \(Hex.encode(key.publicKey))")
                return
            }
            let (kind, privateText, publicText, summary): (String, String, String, String)
            if paillier {
                let b = bits ?? 2048
                guard b == 2048 || b == 3072 || (b >= 1024 && b % 2 == 0 && b <= 4096) else {
                    throw CLIFailure("keygen: --bits \(b) is not a Paillier size (use 2048 or 3072)", exitCode: 64)
                }
                let sk = try PaillierPrivateKey.generate(bits: b)
                (kind, privateText, publicText) = ("paillier", sk.armored, sk.publicKey.armored)
                summary = "Paillier \(b)-bit, fingerprint \(Hex.encode(sk.publicKey.fingerprint))"
            } else {
                let b = bits ?? 2048
                guard [2048, 3072, 4096].contains(b) else { throw CLIFailure("keygen: --bits \(b) is not a blind-RSA size (use 2048, 3072 or 4096)", exitCode: 64) }
                let sk = try _RSA.BlindSigning.PrivateKey(keySize: .init(bitCount: b), parameters: .RSABSSA_SHA384_PSS_Randomized)
                (kind, privateText, publicText) = ("blindrsa", sk.pemRepresentation + "\n", sk.publicKey.pemRepresentation + "\n")
                summary = "RSA \(b)-bit (RSABSSA-SHA384-PSS-Randomized)"
            }
            let keyPath = "\(out).\(kind).key", pubPath = "\(out).\(kind).pub"
            if !force {
                for p in [keyPath, pubPath] where FileSystem.exists(p) { throw CLIFailure("keygen: \(p) already exists (use --force to overwrite)") }
            }
            do {
                try FileSystem.makeDirectories(FileSystem.parent(of: keyPath))
                try AtomicFile.write(privateText, to: keyPath, mode: 0o600)
                try AtomicFile.write(publicText, to: pubPath, mode: 0o644)
            } catch { throw CLIFailure("keygen: cannot write \(keyPath): \(error)") }
            say("wrote \(keyPath) (private, 0600) and \(pubPath): \(summary)")
        }
    }
}
