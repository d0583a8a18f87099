import GridClearCore
import Crypto

/// An Ed25519 node signing key (the secret stays inside; the file format that stores it is
/// `GridClearApp.NodeKeyFile`, the one key-file format of GridClear).
public struct NodeKey: @unchecked Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A fresh key from the system CSPRNG.
    public static func generate() -> NodeKey { NodeKey(key: Curve25519.Signing.PrivateKey()) }

    /// A secret that is not an Ed25519 key (not 32 bytes).
    public struct InvalidSecret: Error, CustomStringConvertible, Sendable {
        public var description: String { "an Ed25519 secret must be 32 bytes" }
    }

    /// The key with this 32-byte secret (the Ed25519 seed).
    public init(secret: [UInt8]) throws {
        guard secret.count == 32, let k = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret) else { throw InvalidSecret() }
        key = k
    }
    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// The 32-byte secret (the Ed25519 seed), for writing the key file.
    public var secret: [UInt8] { Array(key.rawRepresentation) }

    public func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }

    /// Verifies an Ed25519 signature by `publicKey` over `message`.
    public static func verify(signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let pk = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return pk.isValidSignature(signature, for: message)
    }

    /// A short, printable fingerprint of a public key: `SHA256:` and the first 16 bytes of
    /// SHA-256 over the 32 raw key bytes, in hex. What an operator publishes and an auditor pins.
    public static func fingerprint(publicKey: [UInt8]) -> String {
        let d = Sha256.hash(publicKey)
        return "SHA256:" + Hex.encode(d.prefix(16))
    }
}

/// A set of trusted Ed25519 public keys (read from a key file by `GridClearApp.TrustedKeyFile`).
public struct TrustedKeys: Sendable, Equatable {
    public var keys: Set<[UInt8]>
    public init(_ keys: [[UInt8]]) { self.keys = Set(keys) }
}
