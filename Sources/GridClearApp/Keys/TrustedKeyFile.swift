import GridClearSystem
import LedgerLite

/// A file of trusted Ed25519 public keys for `audit --keys` and `verify-proof --keys`: a
/// `.pub` or private `NodeKeyFile` (its public key), or any list of `ed25519-public:` /
/// bare 64-hex lines. Never needs the secret.
public enum TrustedKeyFile {
    public static func parse(_ text: String, name: String) throws(KeyFileError) -> TrustedKeys {
        let f = try NodeKeyFile.fields(text, name: name)
        var keys = f.publics
        if let s = f.secret, let k = try? NodeKey(secret: s), !keys.contains(k.publicKey) { keys.append(k.publicKey) }
        guard !keys.isEmpty else { throw KeyFileError("\(name): no Ed25519 public keys found (expected 'ed25519-public: <64 hex digits>' lines)") }
        return TrustedKeys(keys)
    }

    public static func load(path: String) throws(KeyFileError) -> TrustedKeys {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, maxBytes: 1 << 20) } catch let e as SystemError where e.isNotFound {
            throw KeyFileError("key file \(path) not found")
        } catch { throw KeyFileError("key file \(path): \(error)") }
        return try parse(String(decoding: bytes, as: UTF8.self), name: path)
    }
}
