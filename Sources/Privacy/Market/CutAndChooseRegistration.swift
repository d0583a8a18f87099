import Crypto
import _CryptoExtras
import Foundation

/// The opened form of a tracing tag: (R, S) = (k·G, H2G(identity) + k·Y).
public enum TracingTag {
    public static func make(identity: String, tracingKey y: Point, randomness k: Scalar) -> ElGamalCiphertext {
        ElGamalCiphertext(r: Point.baseMultiply(k), s: ThresholdTracingKey.identityToken(identity) + k * y)
    }
}

/// A registration authority that closes the tracing-tag gap of plain blind issuance by
/// cut-and-choose (SPEC §4.3, issue 14): a registrant sends `candidates` blinded requests,
/// the authority picks one at random to keep and signs the others; the registrant must
/// then open every other one (the unblinded certificate and the tag's ElGamal randomness),
/// and the authority checks each tag encrypts the registrant's identity token under the
/// trustees' key before it signs the kept one.
///
/// Guarantees: at most one kept certificate per identity per round; a registrant whose
/// kept request carries a wrong tag escapes with probability exactly 1/candidates per
/// attempt, and any attempt that is caught is refused and remembered (`cheaters`); the
/// opened certificates are valid signatures, so their pseudonym keys are published in
/// `revoked` and the `CertificateGate` refuses them. The authority never sees the kept
/// pseudonym key or its tag (blindness of RFC 9474).
public final class CutAndChooseAuthority: @unchecked Sendable {
    public let round: UInt64
    public let candidates: Int
    public let tracingKey: Point
    private let key: _RSA.BlindSigning.PrivateKey<SHA384>
    private let lock = NSLock()
    private var registered: Set<String>
    private var pending: [String: (blinded: [[UInt8]], keep: Int)] = [:]
    private var served: Set<String> = []
    public private(set) var revoked: Set<[UInt8]> = []
    public private(set) var cheaters: Set<String> = []

    /// - Parameters: `registered` identities allowed to register (the authority's registry);
    ///   `candidates` k ≥ 2 (cheating succeeds with probability 1/k).
    public init(round: UInt64, tracingKey: Point, registered: Set<String>, candidates: Int = 8, keyBits: Int = 2048) throws {
        precondition(candidates >= 2, "cut-and-choose needs at least 2 candidates")
        self.round = round; self.tracingKey = tracingKey; self.registered = registered; self.candidates = candidates
        key = try _RSA.BlindSigning.PrivateKey(keySize: .init(bitCount: keyBits), parameters: .RSABSSA_SHA384_PSS_Randomized)
    }

    /// An authority from its PEM private key (handed to the authority process on stdin).
    public init(round: UInt64, tracingKey: Point, registered: Set<String>, candidates: Int, pemRepresentation: String) throws {
        precondition(candidates >= 2, "cut-and-choose needs at least 2 candidates")
        self.round = round; self.tracingKey = tracingKey; self.registered = registered; self.candidates = candidates
        key = try _RSA.BlindSigning.PrivateKey(pemRepresentation: pemRepresentation, parameters: .RSABSSA_SHA384_PSS_Randomized)
    }

    /// The PEM private key (to hand to the authority's process; never write it to a data folder).
    public var pemRepresentation: String { key.pemRepresentation }

    public var publicKey: PseudonymAuthorityKey { PseudonymAuthorityKey(round: round, key: key.publicKey) }
    public var registry: [String] { lock.lock(); defer { lock.unlock() }; return registered.sorted() }

    /// Step 1: `identity` (authenticated by the transport) sends its blinded candidates.
    /// Returns the index kept and blind signatures for every other index (nil at `keep`).
    public func challenge(identity: String, blinded: [[UInt8]]) throws -> (keep: Int, signatures: [[UInt8]?]) {
        lock.lock(); defer { lock.unlock() }
        guard registered.contains(identity) else { throw PrivacyError.invalidSignature("identity '\(identity)' is not registered with the authority") }
        guard !served.contains(identity), pending[identity] == nil else { throw PrivacyError.invalidSignature("identity '\(identity)' already registered for round \(round)") }
        guard !cheaters.contains(identity) else { throw PrivacyError.invalidSignature("identity '\(identity)' was caught with a false tracing tag") }
        guard blinded.count == candidates, Set(blinded).count == candidates else {
            throw PrivacyError.malformedEncoding("expected \(candidates) distinct blinded requests, got \(blinded.count)")
        }
        var rng = SystemCSPRNG()
        let keep = Int(rng.next() % UInt64(candidates))
        var sigs: [[UInt8]?] = []
        for (i, b) in blinded.enumerated() {
            sigs.append(i == keep ? nil : Array(try key.blindSignature(for: b).rawRepresentation))
        }
        pending[identity] = (blinded, keep)
        return (keep, sigs)
    }

    /// Step 2: the registrant opens every index but `keep`. Each opening must be a valid
    /// certificate of this round whose tag is `TracingTag.make(identity, tracingKey, k)`.
    /// On success returns the blind signature of the kept request; on failure the identity
    /// is marked a cheater and nothing is signed.
    public func finish(identity: String, openings: [RegistrationOpening]) throws -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        guard let p = pending.removeValue(forKey: identity) else { throw PrivacyError.invalidSignature("no pending registration for '\(identity)'") }
        let pub = publicKey
        var keys = Set<[UInt8]>()
        var ok = openings.count == candidates - 1
        for o in openings where ok {
            let expected = TracingTag.make(identity: identity, tracingKey: tracingKey, randomness: o.tagRandomness).bytes
            ok = (try? pub.verify(o.certificate)) != nil
                && constantTimeEqual(o.certificate.tracingTag, expected)
                && keys.insert(o.certificate.pseudonymKey).inserted
        }
        guard ok else {
            cheaters.insert(identity)
            throw PrivacyError.invalidSignature("registration of '\(identity)' refused: an opened request is not a valid certificate with the registrant's tracing tag")
        }
        revoked.formUnion(keys)
        served.insert(identity)
        return Array(try key.blindSignature(for: p.blinded[p.keep]).rawRepresentation)
    }
}

/// One opened cut-and-choose candidate: the unblinded certificate and its tag randomness.
public struct RegistrationOpening: Sendable {
    public var certificate: PseudonymCertificate
    public var tagRandomness: Scalar
    public init(certificate: PseudonymCertificate, tagRandomness: Scalar) { self.certificate = certificate; self.tagRandomness = tagRandomness }
}

/// The registrant's side of cut-and-choose issuance.
///
/// Guarantees: every candidate gets a fresh pseudonym key, message prefix and tag
/// randomness; after `open`, the opened candidates' secrets are discarded; `finish`
/// returns a verified certificate for the kept candidate with its signing key.
public struct CutAndChooseRegistrant {
    public let identity: String
    private var requests: [PseudonymRequest]
    private var tagRandomness: [Scalar]
    private var kept: Int?

    /// `falseTagAt`: test hook — the candidate at this index carries another identity's tag.
    public init(identity: String, authority: PseudonymAuthorityKey, tracingKey: Point, candidates: Int, falseTagFor: (index: Int, identity: String)? = nil) throws {
        self.identity = identity
        var reqs: [PseudonymRequest] = [], ks: [Scalar] = []
        for i in 0..<candidates {
            let k = Scalar.random()
            let who = falseTagFor?.index == i ? falseTagFor!.identity : identity
            reqs.append(try PseudonymRequest(authority: authority, tracingTag: TracingTag.make(identity: who, tracingKey: tracingKey, randomness: k).bytes))
            ks.append(k)
        }
        requests = reqs; tagRandomness = ks
    }

    public var blindedMessages: [[UInt8]] { requests.map(\.blindedMessage) }

    /// Unblinds the authority's signatures on every index but `keep` into openings.
    public mutating func open(keep: Int, signatures: [[UInt8]?]) throws -> [RegistrationOpening] {
        guard signatures.count == requests.count, requests.indices.contains(keep) else {
            throw PrivacyError.malformedEncoding("challenge does not match the \(requests.count) candidates sent")
        }
        kept = keep
        var out: [RegistrationOpening] = []
        for i in requests.indices where i != keep {
            guard let s = signatures[i] else { throw PrivacyError.malformedEncoding("challenge lacks the signature of candidate \(i)") }
            out.append(RegistrationOpening(certificate: try requests[i].finish(blindSignature: s), tagRandomness: tagRandomness[i]))
        }
        return out
    }

    /// The kept certificate and the pseudonym's signing key.
    public func finish(blindSignature: [UInt8]) throws -> (certificate: PseudonymCertificate, signingKey: Curve25519.Signing.PrivateKey) {
        guard let k = kept else { throw PrivacyError.malformedEncoding("open the challenge before finishing") }
        return (try requests[k].finish(blindSignature: blindSignature), requests[k].pseudonymSigningKey)
    }
}
