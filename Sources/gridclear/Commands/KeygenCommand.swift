import ArgumentParser
import Crypto
import _CryptoExtras
import Foundation
import Privacy
#if canImport(Glibc)
import Glibc
#endif

/// `gridclear keygen` — generate Paillier, Ed25519 or blind-RSA key pairs into files.
/// Private keys are written owner-only (0600), public keys 0644; each file is written to a
/// temporary name, fsynced and renamed, so nothing half-written is ever left behind.
struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Generate keys (Paillier, Ed25519, blind RSA) into files with safe permissions.",
        discussion: """
        Writes <out>.<kind>.key (private, mode 0600) and <out>.<kind>.pub (public, 0644).
        Existing files are never overwritten unless --force is given.

        Examples:
          gridclear keygen --paillier --bits 2048 --out keys/platform
          gridclear keygen --ed25519 --out keys/node1
          gridclear keygen --blind-rsa --out keys/registration
        """)

    @Flag(name: .customLong("paillier"), help: "Paillier key pair (SPEC §4.1) for the RCI platform.")
    var paillier = false
    @Flag(name: .customLong("ed25519"), help: "Ed25519 signing key pair (ledger nodes, pseudonyms).")
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
            let kinds = [paillier, ed25519, blindRSA].filter { $0 }.count
            guard kinds == 1 else { throw CLIFailure("keygen: choose exactly one of --paillier, --ed25519, --blind-rsa") }
            let (kind, privateText, publicText, summary): (String, String, String, String)
            if paillier {
                let b = bits ?? 2048
                guard b == 2048 || b == 3072 || (b >= 1024 && b % 2 == 0 && b <= 4096) else {
                    throw CLIFailure("keygen: --bits \(b) is not a Paillier size (use 2048 or 3072)")
                }
                let sk = try PaillierPrivateKey.generate(bits: b)
                kind = "paillier"
                privateText = sk.armored
                publicText = sk.publicKey.armored
                summary = "Paillier \(b)-bit, fingerprint \(sk.publicKey.fingerprint.map { String(format: "%02x", $0) }.joined())"
            } else if ed25519 {
                if bits != nil { throw CLIFailure("keygen: --bits does not apply to --ed25519") }
                let sk = Curve25519.Signing.PrivateKey()
                kind = "ed25519"
                privateText = Armor.encode(label: "ED25519 PRIVATE KEY", Array(sk.rawRepresentation))
                publicText = Armor.encode(label: "ED25519 PUBLIC KEY", Array(sk.publicKey.rawRepresentation))
                summary = "Ed25519, public key \(sk.publicKey.rawRepresentation.map { String(format: "%02x", $0) }.joined())"
            } else {
                let b = bits ?? 2048
                guard [2048, 3072, 4096].contains(b) else { throw CLIFailure("keygen: --bits \(b) is not a blind-RSA size (use 2048, 3072 or 4096)") }
                let sk = try _RSA.BlindSigning.PrivateKey(keySize: .init(bitCount: b), parameters: .RSABSSA_SHA384_PSS_Randomized)
                kind = "blindrsa"
                privateText = sk.pemRepresentation + "\n"
                publicText = sk.publicKey.pemRepresentation + "\n"
                summary = "RSA \(b)-bit (RSABSSA-SHA384-PSS-Randomized)"
            }
            let keyPath = "\(out).\(kind).key", pubPath = "\(out).\(kind).pub"
            if !force {
                for p in [keyPath, pubPath] where FileManager.default.fileExists(atPath: p) {
                    throw CLIFailure("keygen: \(p) already exists (use --force to overwrite)")
                }
            }
            let dir = (keyPath as NSString).deletingLastPathComponent
            if !dir.isEmpty {
                do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
                catch { throw CLIFailure("keygen: cannot create folder \(dir): \(error.localizedDescription)") }
            }
            try KeyFileWriter.write(Array(privateText.utf8), to: keyPath, mode: 0o600)
            try KeyFileWriter.write(Array(publicText.utf8), to: pubPath, mode: 0o644)
            print("wrote \(keyPath) (private, 0600) and \(pubPath): \(summary)")
        }
    }
}

/// Crash-safe file writing: create a temporary file with the final mode (never wider),
/// write, fsync, rename over the target, fsync the folder.
enum KeyFileWriter {
    static func retryingEINTR(_ f: () -> Int32) -> Int32 {
        while true { let r = f(); if r >= 0 || errno != EINTR { return r } }
    }

    static func write(_ bytes: [UInt8], to path: String, mode: mode_t) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).tmp-\(getpid())"
        let fd = retryingEINTR { open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw CLIFailure("keygen: cannot create \(tmp): \(String(cString: strerror(errno)))") }
        var ok = fchmod(fd, mode) == 0
        var off = 0
        while ok && off < bytes.count {
            let n = bytes.withUnsafeBytes { b in Glibc.write(fd, b.baseAddress! + off, bytes.count - off) }
            if n < 0 { if errno == EINTR { continue }; ok = false } else { off += n }
        }
        ok = ok && retryingEINTR { fsync(fd) } == 0
        _ = close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let msg = String(cString: strerror(errno))
            unlink(tmp)
            throw CLIFailure("keygen: cannot write \(path): \(msg)")
        }
        let dfd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_DIRECTORY)
        if dfd >= 0 { _ = retryingEINTR { fsync(dfd) }; close(dfd) }
    }
}
