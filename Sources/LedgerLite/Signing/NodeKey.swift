import Crypto

/// Errors about key files: each says which file and what to do.
public struct KeyFileError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ d: String) { description = d }
}

/// An Ed25519 node signing key. Owns its secret; the text form is what `gridclear keygen`
/// and the ledger directory store:
///
///     # GridClear Ed25519 node key
///     ed25519-public: <64 hex>
///     ed25519-secret: <64 hex>
///
/// A file with only `ed25519-public:` lines (or bare 64-hex lines) is a trusted-key set.
public struct NodeKey: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A fresh key from the system CSPRNG.
    public static func generate() -> NodeKey { NodeKey(key: Curve25519.Signing.PrivateKey()) }

    public init(secret: [UInt8]) throws {
        do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: secret) } catch {
            throw KeyFileError("an Ed25519 secret must be 32 bytes")
        }
    }
    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    public func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }

    /// The key file text (holds the secret: write it with mode 0600).
    public var fileText: String {
        "# GridClear Ed25519 node key\ned25519-public: \(Hex.encode(publicKey))\ned25519-secret: \(Hex.encode(Array(key.rawRepresentation)))\n"
    }

    /// Parses a key file's text (`name` is used in errors).
    public static func parse(_ text: String, name: String) throws -> NodeKey {
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: " \t")
            if t.hasPrefix("ed25519-secret:") {
                guard let b = Hex.decode(t.dropFirst("ed25519-secret:".count).trimmingCharacters(in: " \t")), b.count == 32 else {
                    throw KeyFileError("\(name): ed25519-secret must be 64 hex digits")
                }
                return try NodeKey(secret: b)
            }
        }
        throw KeyFileError("\(name): no 'ed25519-secret:' line (create a key with 'gridclear keygen' or let the ledger make one)")
    }

    /// Verifies an Ed25519 signature by `publicKey` over `message`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let pk = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return pk.isValidSignature(signature, for: message)
    }
}

/// A set of trusted Ed25519 public keys.
public struct TrustedKeys: Sendable, Equatable {
    public var keys: Set<[UInt8]>
    public init(_ keys: [[UInt8]]) { self.keys = Set(keys) }

    /// Parses `ed25519-public: <hex>` lines or bare 64-hex lines; `#` starts a comment.
    public static func parse(_ text: String, name: String) throws -> TrustedKeys {
        var keys: [[UInt8]] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var t = line.trimmingCharacters(in: " \t\r")
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix("ed25519-secret:") { continue }
            if t.hasPrefix("ed25519-public:") { t = t.dropFirst("ed25519-public:".count).trimmingCharacters(in: " \t") }
            guard let b = Hex.decode(t), b.count == 32 else {
                throw KeyFileError("\(name) line \(i + 1): expected 'ed25519-public: <64 hex digits>'")
            }
            keys.append(b)
        }
        guard !keys.isEmpty else { throw KeyFileError("\(name): no Ed25519 public keys found") }
        return TrustedKeys(keys)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let s = Set(set)
        var sub = Substring(self)
        while let f = sub.first, s.contains(f) { sub.removeFirst() }
        while let l = sub.last, s.contains(l) { sub.removeLast() }
        return String(sub)
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode(_ b: [UInt8]) -> String {
        let d = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count * 2)
        for x in b { out.append(d[Int(x >> 4)]); out.append(d[Int(x & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
    public static func decode<S: StringProtocol>(_ s: S) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = v(u[i]), let l = v(u[i + 1]) else { return nil }
            out.append(h << 4 | l); i += 2
        }
        return out
    }
}
