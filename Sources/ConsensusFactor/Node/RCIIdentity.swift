internal import Crypto
internal import Foundation  // Crypto signs `DataProtocol` values
import GridClearCore

/// An agent's Ed25519 identity: the secret stays in the agent's process (loaded by the CLI
/// from a key file in NodeKeyFile format, outside any data folder); the platform knows the
/// public key from its registered roster (the case file's `public_key` column) and forwards
/// every roster key to the agents in the setup, so partners authenticate each other too.
public struct RCIIdentity: Sendable {
    public let secret: [UInt8]
    public let publicKey: [UInt8]

    /// From a 32-byte Ed25519 secret. Throws `RCIError.protocolViolation` for a malformed key.
    public init(secret: [UInt8]) throws {
        do { publicKey = Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret).publicKey.rawRepresentation) } catch {
            throw RCIError.protocolViolation("an agent identity needs a 32-byte Ed25519 secret")
        }
        self.secret = secret
    }

    /// A fresh identity (tests).
    public static func generate() -> RCIIdentity {
        // swiftlint:disable:next force_try
        try! RCIIdentity(secret: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        do { return Array(try Curve25519.Signing.PrivateKey(rawRepresentation: secret).signature(for: message)) } catch {
            throw RCIError.io("signing the handshake: \(error)")
        }
    }
}

/// The signed handshake every connection of a run starts with (issue 13 item 7):
///
///     acceptor → dialer: challenge(run id, fresh 32-byte nonce)
///     dialer → acceptor: hello (platform) or partnerHello (partner), then signature
///
/// The signature is Ed25519 over `domain ‖ kind ‖ run id ‖ nonce ‖ the hello's fields ‖
/// acceptor`, so it is bound to this run, this connection and this hello; it cannot be
/// replayed on another connection, in another run, or to another acceptor.
///
/// Partner connections are authenticated both ways: right after its signature the consumer
/// (dialer) sends its own challenge (run id, fresh nonce) and the generator (acceptor)
/// answers with a signature over `domain ‖ "partnerAccept" ‖ run id ‖ that nonce ‖ generator
/// id ‖ consumer id` (`signAcceptance`), checked against the generator's key from the setup.
///
/// Guarantees: `verify` accepts only a signature by the registered key of the id the
/// hello names, over exactly these bytes; `verifyAcceptance` only the named acceptor's
/// signature for this run, this nonce and this dialer.
public enum RCIHandshake {
    public static let domain = "GridClear/rci/handshake/v1"
    /// Bytes of a run id and of a nonce.
    public static let randomBytes = 32

    /// What the dialer signs for the hello `hello` sent to `acceptor` ("platform" or a generator's id).
    public static func transcript(runID: [UInt8], nonce: [UInt8], hello: RCIMessage, acceptor: String) -> [UInt8] {
        var w = ByteWriter()
        w.text(domain); w.blob(runID); w.blob(nonce)
        switch hello {
        case .hello(let id, let role, let address): w.text("hello"); w.text(id); w.text(role.rawValue); w.text(address)
        case .partnerHello(let id): w.text("partnerHello"); w.text(id)
        default: w.text("invalid")
        }
        w.text(acceptor)
        return w.bytes
    }

    public static func sign(_ identity: RCIIdentity, runID: [UInt8], nonce: [UInt8], hello: RCIMessage, acceptor: String) throws -> [UInt8] {
        try identity.sign(transcript(runID: runID, nonce: nonce, hello: hello, acceptor: acceptor))
    }

    /// Whether `signature` is the registered key's signature of this handshake.
    public static func verify(signature: [UInt8], publicKey: [UInt8], runID: [UInt8], nonce: [UInt8], hello: RCIMessage,
                              acceptor: String) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: transcript(runID: runID, nonce: nonce, hello: hello, acceptor: acceptor))
    }
}

extension RCIHandshake {
    /// What the acceptor `acceptor` signs to prove itself to the dialer `dialer` that challenged it with `nonce`.
    public static func acceptanceTranscript(runID: [UInt8], nonce: [UInt8], acceptor: String, dialer: String) -> [UInt8] {
        var w = ByteWriter()
        w.text(domain); w.blob(runID); w.blob(nonce)
        w.text("partnerAccept"); w.text(acceptor); w.text(dialer)
        return w.bytes
    }

    public static func signAcceptance(_ identity: RCIIdentity, runID: [UInt8], nonce: [UInt8], acceptor: String, dialer: String) throws -> [UInt8] {
        try identity.sign(acceptanceTranscript(runID: runID, nonce: nonce, acceptor: acceptor, dialer: dialer))
    }

    /// Whether `signature` is the acceptor's registered key's answer to the dialer's challenge.
    public static func verifyAcceptance(signature: [UInt8], publicKey: [UInt8], runID: [UInt8], nonce: [UInt8], acceptor: String,
                                        dialer: String) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: acceptanceTranscript(runID: runID, nonce: nonce, acceptor: acceptor, dialer: dialer))
    }
}

/// The registered roster of a run: agent id → role and Ed25519 public key.
public struct RCIRegisteredAgent: Sendable, Equatable {
    public var role: RCIRole
    public var publicKey: [UInt8]
    public init(role: RCIRole, publicKey: [UInt8]) { self.role = role; self.publicKey = publicKey }
}
