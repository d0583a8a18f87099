/// Why a pseudonym certificate was refused at the market's door.
public enum CertificateRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The registration authority's signature does not verify (forged or altered).
    case forged(String)
    /// Issued for another round: certificates are per round; register again for this one.
    case expired(certificateRound: UInt64, currentRound: UInt64)
    /// This pseudonym already submitted a plan this round: one plan per certificate.
    case reused
    /// The pseudonym was opened during cut-and-choose registration and is void.
    case revoked
    /// The tracing tag is missing or not a valid ElGamal ciphertext: the certificate cannot be traced.
    case untraceable

    public var description: String {
        switch self {
        case .forged(let s): return "certificate forged or altered (\(s)); obtain a certificate from the registration authority"
        case .expired(let c, let r): return "certificate is for round \(c), the market is in round \(r); register for the current round"
        case .reused: return "certificate already used this round; each certificate admits one plan"
        case .revoked: return "certificate was opened during registration and is void"
        case .untraceable: return "certificate carries no valid tracing tag"
        }
    }
}

/// The matching service's admission check for pseudonymous rows (SPEC §4.3): a plan is
/// accepted only with a certificate that (1) verifies under the registration authority's
/// key for the CURRENT round, (2) was not used before this round, (3) was not opened
/// (revoked) during cut-and-choose, and (4) carries a well-formed tracing tag.
///
/// Guarantees: a pure value; `admit` either records the pseudonym as used and returns, or
/// throws a `CertificateRefusal` and changes nothing.
public struct CertificateGate: Sendable {
    public let authority: PseudonymAuthorityKey
    public private(set) var used: Set<[UInt8]> = []
    public private(set) var revoked: Set<[UInt8]>

    public init(authority: PseudonymAuthorityKey, revoked: Set<[UInt8]> = []) {
        self.authority = authority; self.revoked = revoked
    }

    public var round: UInt64 { authority.round }

    /// Marks pseudonyms void (the ones the authority saw opened).
    public mutating func revoke<S: Sequence>(_ keys: S) where S.Element == [UInt8] { revoked.formUnion(keys) }

    /// Checks without recording.
    public func check(_ cert: PseudonymCertificate) throws(CertificateRefusal) {
        guard cert.round == authority.round else { throw .expired(certificateRound: cert.round, currentRound: authority.round) }
        do { try authority.verify(cert) } catch { throw .forged("\(error)") }
        guard !revoked.contains(cert.pseudonymKey) else { throw .revoked }
        guard !used.contains(cert.pseudonymKey) else { throw .reused }
        guard (try? ElGamalCiphertext(bytes: cert.tracingTag)) != nil else { throw .untraceable }
    }

    /// Checks and records the pseudonym as used for this round.
    public mutating func admit(_ cert: PseudonymCertificate) throws(CertificateRefusal) {
        try check(cert)
        used.insert(cert.pseudonymKey)
    }
}
