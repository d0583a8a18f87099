import GridClearCore
import Crypto
import _CryptoExtras
import GridClearSystem

/// A registration authority that issues blind-signed pseudonym certificates
/// (RFC 9474, RSABSSA-SHA384-PSS-Randomized) for ONE round (SPEC §4.3, seed 001).
///
/// Guarantees: it signs at most one blinded request per identity (renewal means a new
/// authority key for the next round, so certificates of different rounds never verify
/// under the same key); it never sees the pseudonym it signs, so a certificate is
/// unlinkable to the issuing session.
public final class RegistrationAuthority: @unchecked Sendable {
    public let round: UInt64
    private let key: _RSA.BlindSigning.PrivateKey<SHA384>
    private var served: Set<String> = []
    private let lock = Mutex()

    /// A fresh authority key of `keyBits` (2048, 3072 or 4096) for `round`.
    public init(round: UInt64, keyBits: Int = 2048) throws {
        self.round = round
        key = try _RSA.BlindSigning.PrivateKey(keySize: .init(bitCount: keyBits), parameters: .RSABSSA_SHA384_PSS_Randomized)
    }

    /// An authority from a PEM private key.
    public init(round: UInt64, pemRepresentation: String) throws {
        self.round = round
        key = try _RSA.BlindSigning.PrivateKey(pemRepresentation: pemRepresentation, parameters: .RSABSSA_SHA384_PSS_Randomized)
    }

    public var pemRepresentation: String { key.pemRepresentation }
    public var publicKey: PseudonymAuthorityKey { PseudonymAuthorityKey(round: round, key: key.publicKey) }

    /// Signs a blinded request for a registered `identity`; throws if this identity was already served this round.
    public func issue(blindedRequest: [UInt8], identity: String) throws -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        guard !served.contains(identity) else { throw PrivacyError.invalidSignature("identity '\(identity)' already has a certificate for round \(round)") }
        let sig = try key.blindSignature(for: blindedRequest)
        served.insert(identity)
        return Array(sig.rawRepresentation)
    }
}

/// The public key of a registration authority for one round; verifies certificates.
public struct PseudonymAuthorityKey: @unchecked Sendable {
    public let round: UInt64
    let key: _RSA.BlindSigning.PublicKey<SHA384>

    init(round: UInt64, key: _RSA.BlindSigning.PublicKey<SHA384>) { self.round = round; self.key = key }

    public init(round: UInt64, derRepresentation: [UInt8]) throws {
        self.round = round
        key = try _RSA.BlindSigning.PublicKey(derRepresentation: derRepresentation, parameters: .RSABSSA_SHA384_PSS_Randomized)
    }
    public var derRepresentation: [UInt8] { Array(key.derRepresentation) }

    /// Identity-preparation view of the same key: verifies over the already-prefixed message.
    var preparedView: _RSA.BlindSigning.PublicKey<SHA384> {
        try! _RSA.BlindSigning.PublicKey(derRepresentation: key.derRepresentation, parameters: .RSABSSA_SHA384_PSS_Deterministic)
    }

    /// Throws unless `cert` carries a valid authority signature for this round.
    public func verify(_ cert: PseudonymCertificate) throws {
        guard cert.round == round else { throw PrivacyError.invalidSignature("certificate is for round \(cert.round), key is for round \(round)") }
        let prepared = preparedView.prepare(cert.preparedMessage)
        guard preparedView.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: cert.signature), for: prepared) else {
            throw PrivacyError.invalidSignature("pseudonym certificate signature does not verify")
        }
    }
}

/// A pseudonym certificate: the authority's RSA blind signature over
/// `msgPrefix ‖ "GridClear/pseudonym/v1" ‖ u64 round ‖ Ed25519 pseudonym key ‖ tracing tag`.
public struct PseudonymCertificate: Sendable, Equatable {
    public let round: UInt64
    /// Ed25519 public key the holder signs bids with.
    public let pseudonymKey: [UInt8]
    /// Escrowed identity token for tracing (threshold-ElGamal ciphertext, 64 bytes) or empty.
    public let tracingTag: [UInt8]
    /// RFC 9474 randomized-preparation prefix (32 random bytes).
    public let msgPrefix: [UInt8]
    public let signature: [UInt8]

    static func message(round: UInt64, pseudonymKey: [UInt8], tracingTag: [UInt8]) -> [UInt8] {
        var m = ByteWriter()
        m.raw(Array("GridClear/pseudonym/v1".utf8))
        m.u64(round)
        for f in [pseudonymKey, tracingTag] { m.u16(UInt16(truncatingIfNeeded: f.count)); m.raw(f) }
        return m.bytes
    }
    var preparedMessage: [UInt8] { msgPrefix + Self.message(round: round, pseudonymKey: pseudonymKey, tracingTag: tracingTag) }

    /// Record `"GCPC" ‖ v1 ‖ u64 round ‖ u16-prefixed key, tag, prefix, signature ‖ checksum`.
    public func serialize() -> [UInt8] {
        var body = ByteWriter()
        body.u64(round)
        for f in [pseudonymKey, tracingTag, msgPrefix, signature] { body.u16(UInt16(truncatingIfNeeded: f.count)); body.raw(f) }
        return Record.encode(magic: "GCPC", version: 1, body: body.bytes)
    }
    public init(serialized: [UInt8]) throws {
        let what = "pseudonym certificate"
        let body = try Record.decode(serialized, magic: "GCPC", version: 1, what: what)
        (round, pseudonymKey, tracingTag, msgPrefix, signature) = try Record.read(body, what: what) { r in
            func field() throws -> [UInt8] { try r.raw(Int(r.u16())) }
            return (try r.u64(), try field(), try field(), try field(), try field())
        }
    }
    init(round: UInt64, pseudonymKey: [UInt8], tracingTag: [UInt8], msgPrefix: [UInt8], signature: [UInt8]) {
        self.round = round; self.pseudonymKey = pseudonymKey; self.tracingTag = tracingTag; self.msgPrefix = msgPrefix; self.signature = signature
    }
}

/// A participant's side of one issuance: makes a fresh pseudonym key, blinds the
/// certificate message, and unblinds the authority's answer.
///
/// Guarantees: the authority sees only a uniformly blinded value; the returned
/// certificate is verified before it is handed out.
public struct PseudonymRequest {
    public let authority: PseudonymAuthorityKey
    /// Private key of the new pseudonym (keep it; sign bids with it).
    public let pseudonymSigningKey: Curve25519.Signing.PrivateKey
    public let tracingTag: [UInt8]
    /// Send this to the authority.
    public let blindedMessage: [UInt8]
    private let msgPrefix: [UInt8]
    private let prepared: _RSA.BlindSigning.PreparedMessage
    private let inverse: _RSA.BlindSigning.BlindingInverse

    public init(authority: PseudonymAuthorityKey, tracingTag: [UInt8] = []) throws {
        self.authority = authority
        self.tracingTag = tracingTag
        pseudonymSigningKey = Curve25519.Signing.PrivateKey()
        msgPrefix = SystemCSPRNG.bytes(32)
        let msg = msgPrefix + PseudonymCertificate.message(round: authority.round, pseudonymKey: Array(pseudonymSigningKey.publicKey.rawRepresentation), tracingTag: tracingTag)
        // The prefix is chosen here (RFC 9474 randomized variant) so it can be carried in the certificate.
        let view = authority.preparedView
        prepared = view.prepare(msg)
        let b = try view.blind(prepared)
        blindedMessage = Array(b.blindedMessage)
        inverse = b.inverse
    }

    /// Unblinds the authority's blind signature into a verified certificate.
    public func finish(blindSignature: [UInt8]) throws -> PseudonymCertificate {
        let view = authority.preparedView
        let sig: _RSA.Signing.RSASignature
        do {
            sig = try view.finalize(_RSA.BlindSigning.BlindSignature(rawRepresentation: blindSignature), for: prepared, blindingInverse: inverse)
        } catch {
            throw PrivacyError.invalidSignature("blind signature does not unblind to a valid signature")
        }
        let cert = PseudonymCertificate(round: authority.round, pseudonymKey: Array(pseudonymSigningKey.publicKey.rawRepresentation),
                                        tracingTag: tracingTag, msgPrefix: msgPrefix, signature: Array(sig.rawRepresentation))
        try authority.verify(cert)
        return cert
    }
}
