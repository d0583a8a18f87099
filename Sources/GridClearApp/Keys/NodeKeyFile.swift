import GridClearCore
import GridClearSystem
import LedgerLite

/// The one key-file format of GridClear: an Ed25519 node key, written by
/// `gridclear keygen --ed25519` (and by a new ledger that was given no key), read by every
/// command that signs (`clear --ledger --key`, `schedule --key`, `settle --key`, replicas).
///
///     # GridClear node key (Ed25519). Secret: keep it mode 0600, outside the ledger folder.
///     gridclear-node-key: 1
///     fingerprint: SHA256:<32 hex>
///     ed25519-public: <64 hex>
///     ed25519-secret: <64 hex>
///
/// The public file (`.pub`) is the same without the secret line; it is what an operator
/// publishes and what `audit --keys` / `verify-proof --keys` read (`TrustedKeyFile`), and
/// the private file works there too (only its public key is used).
///
/// Guarantees: `parse(render(k)) == k`; `load` refuses a private key file that its group or
/// others may read; a public key or fingerprint line that does not match the secret is an
/// error (an edited file is never half-trusted); a newer format version is refused by name.
public enum NodeKeyFile {
    public static let version = 1
    public static let versionField = "gridclear-node-key"

    /// The private key file's text (mode 0600 when written by `write`).
    public static func render(_ key: NodeKey) -> String {
        "# GridClear node key (Ed25519). Secret: keep it mode 0600, outside the ledger folder.\n"
            + "# Publish only the .pub file or the fingerprint; auditors pin it with --keys.\n"
            + publicLines(key.publicKey) + "ed25519-secret: \(Hex.encode(key.secret))\n"
    }

    /// The public key file's text.
    public static func renderPublic(_ publicKey: [UInt8]) -> String {
        "# GridClear node public key (Ed25519). Publish it; auditors pin it with --keys.\n" + publicLines(publicKey)
    }

    private static func publicLines(_ pk: [UInt8]) -> String {
        "\(versionField): \(version)\nfingerprint: \(NodeKey.fingerprint(publicKey: pk))\ned25519-public: \(Hex.encode(pk))\n"
    }

    /// The fields of a key file, checked for version and consistency.
    struct Fields {
        var secret: [UInt8]?
        var publics: [[UInt8]] = []
        var fingerprint: String?
    }

    /// Splits a key file into fields. Bare 64-hex lines are public keys (trusted-key lists).
    static func fields(_ text: String, name: String) throws(KeyFileError) -> Fields {
        if text.hasPrefix("-----BEGIN") {
            throw KeyFileError("\(name) is an armored key from an older 'gridclear keygen'; make a node key with 'gridclear keygen --ed25519 --out PREFIX'")
        }
        var f = Fields()
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = trim(Substring(raw))
            if line.isEmpty || line.hasPrefix("#") { continue }
            let at = "\(name) line \(i + 1)"
            guard let colon = line.firstIndex(of: ":") else {
                guard let b = Hex.decode(String(line)), b.count == 32 else { throw KeyFileError("\(at): expected 'field: value' or a 64-hex public key") }
                f.publics.append(b)
                continue
            }
            let key = String(trim(line[..<colon])), value = String(trim(line[line.index(after: colon)...]))
            switch key {
            case versionField:
                guard value == String(version) else {
                    throw KeyFileError("\(at): key file format \(value) is not supported (this gridclear reads format \(version)); use a newer gridclear")
                }
            case "fingerprint": f.fingerprint = value
            case "ed25519-public":
                guard let b = Hex.decode(value), b.count == 32 else { throw KeyFileError("\(at): ed25519-public must be 64 hex digits") }
                f.publics.append(b)
            case "ed25519-secret":
                guard let b = Hex.decode(value), b.count == 32 else { throw KeyFileError("\(at): ed25519-secret must be 64 hex digits") }
                guard f.secret == nil else { throw KeyFileError("\(at): a second ed25519-secret line") }
                f.secret = b
            default: throw KeyFileError("\(at): unknown field '\(key)' (is this a GridClear node key file?)")
            }
        }
        return f
    }

    /// Parses a private key file's text (`name` is used in errors).
    public static func parse(_ text: String, name: String) throws(KeyFileError) -> NodeKey {
        let f = try fields(text, name: name)
        guard let s = f.secret else {
            throw KeyFileError("\(name) holds no secret key (no 'ed25519-secret:' line; a .pub file cannot sign); make one with 'gridclear keygen --ed25519 --out PREFIX'")
        }
        guard let key = try? NodeKey(secret: s) else { throw KeyFileError("\(name): ed25519-secret is not a valid Ed25519 key") }
        for p in f.publics where p != key.publicKey {
            throw KeyFileError("\(name): the ed25519-public line does not match the secret key (the file was edited); regenerate it")
        }
        if let fp = f.fingerprint, fp != NodeKey.fingerprint(publicKey: key.publicKey) {
            throw KeyFileError("\(name): the fingerprint line does not match the key (the file was edited); regenerate it")
        }
        return key
    }

    /// Reads the private key file at `path`. Refuses a file its group or others may read.
    public static func load(path: String) throws(KeyFileError) -> NodeKey {
        try parse(SecretKeyFile.read(path: path, what: "node key", make: "gridclear keygen --ed25519 --out PREFIX"), name: path)
    }

    /// Writes `key` to `path` atomically with mode 0600 (and the public file, if asked, 0644).
    /// Refuses to replace an existing file unless `overwrite`.
    public static func write(_ key: NodeKey, to path: String, publicPath: String? = nil, overwrite: Bool = false) throws(KeyFileError) {
        do {
            if !overwrite {
                for p in [path] + (publicPath.map { [$0] } ?? []) where FileSystem.exists(p) {
                    throw KeyFileError("\(p) already exists (use --force to overwrite)")
                }
            }
            try FileSystem.makeDirectories(FileSystem.parent(of: path))
            try AtomicFile.write(render(key), to: path, mode: 0o600)
            if let publicPath { try AtomicFile.write(renderPublic(key.publicKey), to: publicPath, mode: 0o644) }
        } catch let e as KeyFileError { throw e } catch { throw KeyFileError("cannot write node key \(path): \(error)") }
    }

    static func trim(_ s: Substring) -> Substring {
        var t = s
        while let c = t.first, c == " " || c == "\t" || c == "\r" { t.removeFirst() }
        while let c = t.last, c == " " || c == "\t" || c == "\r" { t.removeLast() }
        return t
    }
}
