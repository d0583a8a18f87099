import Foundation

/// Every message of the RCI protocol. Frames on the wire (see `RCIFrame`):
///
///     u32 length of what follows (≤ 4 MiB) · u8 version (1) · u8 type · body · u32 CRC-32(version‖type‖body)
public enum RCIMessage: Equatable, Sendable {
    /// agent → platform: who it is and where partners reach it.
    case hello(id: String, role: RCIRole, address: String)
    /// agent → agent, first frame on a partner connection.
    case partnerHello(id: String)
    /// platform → agent: public parameters, mode, public key (empty in plaintext), roster with addresses.
    case setup(RCISetup)
    /// agent → partner: plaintext share.
    case share(RCIShare)
    /// agent → partner: encrypted share.
    case encryptedShare(RCIEncryptedShare)
    /// agent → platform: flag from the last step, Enc(λ^{k+1} + mask) per partner (encrypted
    /// mode only), blinded reciprocity tests (empty when not requested).
    case request(iteration: Int, converged: Bool, lambdas: [[UInt8]], tests: [[UInt8]], wantsTest: Bool)
    /// platform → agent: stop, the decrypted values (own λ only), the test verdict (nil = none).
    case reply(iteration: Int, stop: Bool, values: [Int128], verdict: Bool?)
    /// agent → partner after the stop: commitments and proofs of its final result.
    case resultProof(RCIResultProofMessage)
    /// agent → platform after verifying its partners' proofs: verdict per partner.
    case verification(id: String, verified: [String], failed: [String])
    /// any → any: abort with a reason.
    case abort(String)

    var typeCode: UInt8 {
        switch self {
        case .hello: return 1
        case .partnerHello: return 2
        case .setup: return 3
        case .share: return 4
        case .encryptedShare: return 5
        case .request: return 6
        case .reply: return 7
        case .resultProof: return 8
        case .verification: return 9
        case .abort: return 10
        }
    }

    /// Short name for transcripts and errors.
    public var kind: String {
        ["", "hello", "partnerHello", "setup", "share", "encryptedShare", "request", "reply", "resultProof",
         "verification", "abort"][Int(typeCode)]
    }
}

/// The platform's setup message body.
public struct RCISetup: Equatable, Sendable {
    public var parameters: RCIParameters
    public var encrypted: Bool
    public var masking: Bool
    public var publicKey: [UInt8]
    public var roster: [RCIRosterEntry]
    public var addresses: [String]
    public init(parameters: RCIParameters, encrypted: Bool, masking: Bool, publicKey: [UInt8],
                roster: [RCIRosterEntry], addresses: [String]) {
        self.parameters = parameters; self.encrypted = encrypted; self.masking = masking
        self.publicKey = publicKey; self.roster = roster; self.addresses = addresses
    }
}

/// An agent's result proof for one partner: commitment to P_nm and the proofs (opaque bytes
/// produced by the proof layer).
public struct RCIResultProofMessage: Equatable, Sendable {
    public var from: String
    public var payload: [UInt8]
    public init(from: String, payload: [UInt8]) { self.from = from; self.payload = payload }
}

extension RCIMessage {
    func encodeBody() throws -> [UInt8] {
        var w = RCIByteWriter()
        switch self {
        case .hello(let id, let role, let address):
            w.string(id); w.string(role.rawValue); w.string(address)
        case .partnerHello(let id):
            w.string(id)
        case .setup(let s):
            w.blob(Array(try JSONEncoder().encode(s.parameters)))
            w.bool(s.encrypted); w.bool(s.masking); w.blob(s.publicKey)
            w.u32(UInt32(s.roster.count))
            for (e, a) in zip(s.roster, s.addresses) { w.string(e.id); w.string(e.role.rawValue); w.string(a) }
        case .share(let s):
            w.i64(Int64(s.iteration)); w.i64(s.lambda); w.i64(s.power); w.bool(s.converged)
        case .encryptedShare(let s):
            w.i64(Int64(s.iteration)); w.blob(s.lambda); w.blob(s.power); w.bool(s.converged)
        case .request(let k, let c, let lambdas, let tests, let wants):
            w.i64(Int64(k)); w.bool(c); w.bool(wants)
            w.u32(UInt32(lambdas.count)); lambdas.forEach { w.blob($0) }
            w.u32(UInt32(tests.count)); tests.forEach { w.blob($0) }
        case .reply(let k, let stop, let values, let verdict):
            w.i64(Int64(k)); w.bool(stop)
            w.u32(UInt32(values.count)); values.forEach { w.i128($0) }
            w.u8(verdict == nil ? 2 : (verdict! ? 1 : 0))
        case .resultProof(let p):
            w.string(p.from); w.blob(p.payload)
        case .verification(let id, let ok, let bad):
            w.string(id)
            w.u32(UInt32(ok.count)); ok.forEach { w.string($0) }
            w.u32(UInt32(bad.count)); bad.forEach { w.string($0) }
        case .abort(let reason):
            w.string(reason)
        }
        return w.bytes
    }

    static func decode(type: UInt8, body: [UInt8]) throws -> RCIMessage {
        var r = RCIByteReader(body, what: "RCI message type \(type)")
        func role() throws -> RCIRole {
            guard let x = RCIRole(rawValue: try r.string()) else { throw RCIError.protocolViolation("unknown role") }
            return x
        }
        func count(_ max: Int = 100_000) throws -> Int {
            let n = Int(try r.u32())
            guard n <= max else { throw RCIError.protocolViolation("list of \(n) entries") }
            return n
        }
        let m: RCIMessage
        switch type {
        case 1: m = .hello(id: try r.string(), role: try role(), address: try r.string())
        case 2: m = .partnerHello(id: try r.string())
        case 3:
            let params = try JSONDecoder().decode(RCIParameters.self, from: Data(try r.blob()))
            let enc = try r.bool(), mask = try r.bool(), key = try r.blob()
            var roster: [RCIRosterEntry] = [], addresses: [String] = []
            for _ in 0..<(try count()) {
                roster.append(RCIRosterEntry(id: try r.string(), role: try role())); addresses.append(try r.string())
            }
            m = .setup(RCISetup(parameters: params, encrypted: enc, masking: mask, publicKey: key, roster: roster, addresses: addresses))
        case 4: m = .share(RCIShare(iteration: Int(try r.i64()), lambda: try r.i64(), power: try r.i64(), converged: try r.bool()))
        case 5: m = .encryptedShare(RCIEncryptedShare(iteration: Int(try r.i64()), lambda: try r.blob(), power: try r.blob(), converged: try r.bool()))
        case 6:
            let k = Int(try r.i64()), c = try r.bool(), wants = try r.bool()
            let l = try (0..<(try count())).map { _ in try r.blob() }
            let t = try (0..<(try count())).map { _ in try r.blob() }
            m = .request(iteration: k, converged: c, lambdas: l, tests: t, wantsTest: wants)
        case 7:
            let k = Int(try r.i64()), stop = try r.bool()
            let v = try (0..<(try count())).map { _ in try r.i128() }
            let code = try r.u8()
            guard code <= 2 else { throw RCIError.protocolViolation("bad verdict code") }
            m = .reply(iteration: k, stop: stop, values: v, verdict: code == 2 ? nil : code == 1)
        case 8: m = .resultProof(RCIResultProofMessage(from: try r.string(), payload: try r.blob(max: 4 << 20)))
        case 9:
            let id = try r.string()
            let ok = try (0..<(try count())).map { _ in try r.string() }
            let bad = try (0..<(try count())).map { _ in try r.string() }
            m = .verification(id: id, verified: ok, failed: bad)
        case 10: m = .abort(try r.string())
        default: throw RCIError.protocolViolation("unknown message type \(type)")
        }
        try r.finish()
        return m
    }
}

/// Frame encoding: length-capped, versioned, CRC-checked.
public enum RCIFrame {
    public static let version: UInt8 = 1
    public static let maxLength = 4 << 20 + 16

    public static func encode(_ m: RCIMessage) throws -> [UInt8] {
        var inner: [UInt8] = [version, m.typeCode]
        inner += try m.encodeBody()
        var w = RCIByteWriter()
        w.u32(UInt32(inner.count + 4))
        w.bytes += inner
        w.u32(RCICRC32.checksum(inner))
        return w.bytes
    }

    /// Decodes the part after the length prefix.
    public static func decode(_ frame: [UInt8]) throws -> RCIMessage {
        guard frame.count >= 6 else { throw RCIError.protocolViolation("frame of \(frame.count) bytes") }
        let inner = frame[0..<frame.count - 4]
        let crc = frame[(frame.count - 4)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard RCICRC32.checksum(inner) == crc else { throw RCIError.protocolViolation("frame checksum mismatch") }
        guard inner.first == version else { throw RCIError.protocolViolation("frame version \(inner.first!), expected \(version)") }
        return try RCIMessage.decode(type: inner[inner.startIndex + 1], body: Array(inner.dropFirst(2)))
    }
}
