internal import Crypto
internal import Foundation  // Crypto signs `DataProtocol` values
import GridClearCore

/// An Ed25519 identity of an RCI party (agent or platform): the secret stays in the party's
/// process (loaded by the CLI from a key file in NodeKeyFile format, outside any data folder);
/// the platform knows agents' public keys from its registered roster (the case file's
/// `public_key` column) and forwards every roster key to the agents in the setup, so partners
/// authenticate each other too; agents know the platform's key from their configuration
/// (`rci agent --platform-key`).
///
/// Every signature of the RCI protocol (handshakes, `RCIHandshake`; signed contributions,
/// `RCIContributionSignature`) is made by `sign` and checked by `isValid`: one home for Ed25519.
public struct RCIIdentity: Sendable {
    public let secret: [UInt8]
    public let publicKey: [UInt8]

    /// From a 32-byte Ed25519 secret. Throws `RCIError.protocolViolation` for a malformed key.
    public init(secret: [UInt8]) throws {
        do { publicKey = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret).publicKey.rawRepresentation) } catch {
            throw RCIError.protocolViolation("an RCI identity needs a 32-byte Ed25519 secret")
        }
        self.secret = secret
    }

    /// A fresh identity (tests).
    public static func generate() -> RCIIdentity {
        // swiftlint:disable:next force_try
        try! RCIIdentity(secret: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// The Ed25519 signature of `message` (64 bytes).
    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        do { return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret).signature(for: message)) } catch {
            throw RCIError.io("signing with an RCI identity: \(error)")
        }
    }

    /// Whether `signature` is `publicKey`'s Ed25519 signature of exactly `message`.
    public static func isValid(_ signature: [UInt8], by publicKey: [UInt8], of message: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// SHA-256 of `bytes` (the digests signed statements bind).
    static func digest(_ bytes: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: bytes)) }
}

/// The registered roster of a run: agent id → role and Ed25519 public key.
public struct RCIRegisteredAgent: Sendable, Equatable {
    public var role: RCIRole
    public var publicKey: [UInt8]
    public init(role: RCIRole, publicKey: [UInt8]) { self.role = role; self.publicKey = publicKey }
}
