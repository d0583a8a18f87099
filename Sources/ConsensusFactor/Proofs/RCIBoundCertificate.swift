internal import Crypto
internal import Foundation  // Crypto signs `DataProtocol` values
import GridClearCore
import Privacy

/// A registrar's certificate of one agent's bounds: Pedersen commitments C_min, C_max to
/// P_min and P_max in whole kW, signed with the registrar's Ed25519 key over
/// `"GridClear/rci/bounds/v1" ‖ id ‖ C_min ‖ C_max`. The agent alone holds the openings
/// (`RCIBoundOpenings`); result proofs are against these commitments (SPEC §5, issue 19).
///
/// Guarantees: `verify` accepts exactly the certificates the registrar signed, for the
/// agent named inside; a bundle whose bound commitments differ from its certificate is
/// rejected by every verifier.
public struct RCIBoundCertificate: Sendable, Equatable {
    public static let domain = "GridClear/rci/bounds/v1"
    public var agent: String
    public var lower: PedersenCommitment
    public var upper: PedersenCommitment
    public var signature: [UInt8]

    var signedBytes: [UInt8] {
        var w = ByteWriter()
        w.text(Self.domain); w.text(agent); w.blob(lower.bytes); w.blob(upper.bytes)
        return w.bytes
    }

    /// Throws unless the registrar with public key `registrar` (32 bytes) signed this for `agent`.
    public func verify(registrar: [UInt8], agent expected: String) throws {
        guard agent == expected else { throw RCIError.protocolViolation("bound certificate names \(agent), not \(expected)") }
        let key: Curve25519.Signing.PublicKey
        do { key = try Curve25519.Signing.PublicKey(rawRepresentation: registrar) } catch {
            throw RCIError.protocolViolation("registrar key is not an Ed25519 public key")
        }
        guard key.isValidSignature(signature, for: signedBytes) else {
            throw RCIError.protocolViolation("bound certificate of \(agent) is not signed by the registrar")
        }
    }

    public var bytes: [UInt8] {
        var w = ByteWriter()
        w.text(agent); w.blob(lower.bytes); w.blob(upper.bytes); w.blob(signature)
        return w.bytes
    }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, cap: 1 << 12)
        do {
            agent = try r.text(max: 1 << 10)
            lower = try PedersenCommitment(bytes: try r.blob()); upper = try PedersenCommitment(bytes: try r.blob())
            signature = try r.blob(max: 64)
            try r.finish()
        } catch let e as DecodeError { throw RCIError.decoding("bound certificate", e) }
    }

    init(agent: String, lower: PedersenCommitment, upper: PedersenCommitment, signature: [UInt8]) {
        self.agent = agent; self.lower = lower; self.upper = upper; self.signature = signature
    }
}

/// The agent's private openings of its certified bound commitments.
public struct RCIBoundOpenings: Sendable, Equatable {
    public var lower: PedersenOpening
    public var upper: PedersenOpening
}

/// What an agent holds: its certificate and the openings (the `--certificate` file, hex).
public struct RCICertifiedBounds: Sendable, Equatable {
    public var certificate: RCIBoundCertificate
    public var openings: RCIBoundOpenings

    /// One line of hex: certificate ‖ lower value, blinding ‖ upper value, blinding.
    public var fileText: String {
        var w = ByteWriter()
        w.blob(certificate.bytes)
        w.i64(openings.lower.value); w.blob(openings.lower.blinding.bytes)
        w.i64(openings.upper.value); w.blob(openings.upper.blinding.bytes)
        return Hex.encode(w.bytes) + "\n"
    }

    public init(certificate: RCIBoundCertificate, openings: RCIBoundOpenings) {
        self.certificate = certificate; self.openings = openings
    }

    public init(fileText: String) throws {
        guard let bytes = Hex.decode(fileText.filter { !$0.isWhitespace }) else {
            throw RCIError.protocolViolation("certificate file is not hex")
        }
        var r = ByteReader(bytes, cap: 1 << 12)
        do {
            certificate = try RCIBoundCertificate(bytes: try r.blob())
            let lv = try r.i64(), lb = try Scalar(canonical: try r.blob())
            let uv = try r.i64(), ub = try Scalar(canonical: try r.blob())
            try r.finish()
            openings = RCIBoundOpenings(lower: PedersenOpening(value: lv, blinding: lb), upper: PedersenOpening(value: uv, blinding: ub))
        } catch let e as DecodeError { throw RCIError.decoding("certificate file", e) }
        let params = PedersenParameters.standard
        guard params.verify(certificate.lower, opens: openings.lower), params.verify(certificate.upper, opens: openings.upper) else {
            throw RCIError.protocolViolation("certificate file: the openings do not open the certified commitments")
        }
    }
}

/// The registrar: knows every agent's bounds (e.g. the grid operator, or `rci run`, which
/// reads the case file) and certifies commitments to them at registration.
public struct RCIRegistrar {
    private let key: Curve25519.Signing.PrivateKey

    /// A registrar with a fresh key, or a reproducible one from a 32-byte seed (tests).
    public init(seed: [UInt8]? = nil) throws {
        if let seed {
            do { key = try Curve25519.Signing.PrivateKey(rawRepresentation: seed) } catch {
                throw RCIError.protocolViolation("registrar seed must be 32 bytes")
            }
        } else { key = Curve25519.Signing.PrivateKey() }
    }

    /// The Ed25519 public key every verifier pins (32 bytes).
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// Commits to the agent's P_min and P_max (kW) and signs the commitments.
    public func certify<R: RandomNumberGenerator>(_ spec: RCIAgentSpec, using rng: inout R) throws -> RCICertifiedBounds {
        let params = PedersenParameters.standard
        let (cl, ol) = params.commit(RCIResultProof.kW(spec.pMin), using: &rng)
        let (cu, ou) = params.commit(RCIResultProof.kW(spec.pMax), using: &rng)
        var cert = RCIBoundCertificate(agent: spec.id, lower: cl, upper: cu, signature: [])
        cert.signature = Array(try key.signature(for: cert.signedBytes))
        return RCICertifiedBounds(certificate: cert, openings: RCIBoundOpenings(lower: ol, upper: ou))
    }
}
