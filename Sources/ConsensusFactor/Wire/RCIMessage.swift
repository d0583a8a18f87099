import GridClearCore

/// Every message of the RCI protocol. Frames on the wire (see `RCIFrame`):
///
///     u32 length of what follows (≤ 4 MiB) · u8 version (`RCIFrame.version`) · u8 type · body · u32 CRC-32(version‖type‖body)
public enum RCIMessage: Equatable, Sendable {
    /// agent → platform: who it is and where partners reach it.
    indirect case hello(id: String, role: RCIRole, address: String)
    /// agent → agent, first frame on a partner connection.
    case partnerHello(id: String)
    /// platform → agent: public parameters, mode, public key (empty in plaintext), roster with addresses.
    indirect case setup(RCISetup)
    /// agent → partner: plaintext share.
    case share(RCIShare)
    /// agent → partner: encrypted share.
    case encryptedShare(RCIEncryptedShare)
    /// agent → platform: flag from the last step, Enc(λ^{k+1} + mask) per partner (encrypted
    /// mode only), blinded reciprocity tests (empty when not requested).
    indirect case request(iteration: Int, converged: Bool, lambdas: [[UInt8]], tests: [[UInt8]], wantsTest: Bool)
    /// platform → agent: stop, the decrypted values (own λ only), the test verdict (nil = none).
    case reply(iteration: Int, stop: Bool, values: [Int128], verdict: Bool?)
    /// agent → partner after the stop: commitments and proofs of its final result.
    case resultProof(RCIResultProofMessage)
    /// agent → platform after verifying its partners' proofs: verdict per partner.
    case verification(id: String, verified: [String], failed: [String])
    /// any → any: abort with a reason.
    case abort(String)
    /// acceptor → dialer, first frame of every connection: the run id and a fresh nonce to sign.
    case challenge(runID: [UInt8], nonce: [UInt8])
    /// dialer → acceptor right after its hello: Ed25519 signature of the handshake (`RCIHandshake`).
    case signature([UInt8])
    /// agent → platform before its request in iterations with per-iteration proofs: its
    /// commitments and the slots it assembled and proved (`RCIIterationProofBundle`).
    case iterationProof(iteration: Int, payload: [UInt8])
    /// agent → platform in a proof iteration, instead of its bundle: partner `owner`'s signed
    /// contribution (`RCIUpdateContribution` bytes) fails its opening check; the platform
    /// verifies the evidence and blames `owner` or the accuser.
    case accusation(iteration: Int, owner: String, contribution: [UInt8])

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
        case .challenge: return 11
        case .signature: return 12
        case .iterationProof: return 13
        case .accusation: return 14
        }
    }

    /// Short name for transcripts and errors.
    public var kind: String {
        ["", "hello", "partnerHello", "setup", "share", "encryptedShare", "request", "reply", "resultProof",
         "verification", "abort", "challenge", "signature", "iterationProof", "accusation"][Int(typeCode)]
    }
}

/// The platform's setup message body.
public struct RCISetup: Equatable, Sendable {
    public var parameters: RCIParameters
    public var encrypted: Bool
    public var masking: Bool
    public var publicKey: [UInt8]
    /// The registrar's Ed25519 public key (32 bytes) when bounds are certified, else empty.
    public var registrarKey: [UInt8]
    public var roster: [RCIRosterEntry]
    public var addresses: [String]
    /// Each roster entry's registered Ed25519 key (partners authenticate each other with it);
    /// empty when the platform has no registered roster.
    public var keys: [[UInt8]]
    /// Per-iteration proofs every k-th iteration (0: none), and the run id bound into them.
    public var proveEvery: Int = 0
    public var runID: [UInt8] = []
    public init(parameters: RCIParameters, encrypted: Bool, masking: Bool, publicKey: [UInt8], registrarKey: [UInt8] = [],
                roster: [RCIRosterEntry], addresses: [String], keys: [[UInt8]] = [], proveEvery: Int = 0, runID: [UInt8] = []) {
        self.parameters = parameters; self.encrypted = encrypted; self.masking = masking
        self.publicKey = publicKey; self.registrarKey = registrarKey; self.roster = roster; self.addresses = addresses
        self.keys = keys; self.proveEvery = proveEvery; self.runID = runID
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
    func encodeBody(into w: inout ByteWriter) {
        switch self {
        case .hello(let id, let role, let address):
            w.text(id); w.text(role.rawValue); w.text(address)
        case .partnerHello(let id):
            w.text(id)
        case .setup(let s):
            s.parameters.encode(into: &w)
            w.bool(s.encrypted); w.bool(s.masking); w.blob(s.publicKey); w.blob(s.registrarKey)
            w.u32(UInt32(s.roster.count))
            for (e, a) in zip(s.roster, s.addresses) { w.text(e.id); w.text(e.role.rawValue); w.text(a) }
            w.u32(UInt32(s.keys.count)); s.keys.forEach { w.blob($0) }
            w.u32(UInt32(s.proveEvery)); w.blob(s.runID)
        case .share(let s):
            w.i64(Int64(s.iteration)); w.i64(s.lambda); w.i64(s.power); w.bool(s.converged)
        case .encryptedShare(let s):
            w.i64(Int64(s.iteration)); w.blob(s.lambda); w.blob(s.power); w.bool(s.converged); w.blob(s.contribution)
        case .request(let k, let c, let lambdas, let tests, let wants):
            w.i64(Int64(k)); w.bool(c); w.bool(wants)
            w.u32(UInt32(lambdas.count)); lambdas.forEach { w.blob($0) }
            w.u32(UInt32(tests.count)); tests.forEach { w.blob($0) }
        case .reply(let k, let stop, let values, let verdict):
            w.i64(Int64(k)); w.bool(stop)
            w.u32(UInt32(values.count)); values.forEach { w.i128($0) }
            w.u8(verdict.map { $0 ? 1 : 0 } ?? 2)
        case .resultProof(let p):
            w.text(p.from); w.blob(p.payload)
        case .verification(let id, let ok, let bad):
            w.text(id)
            w.u32(UInt32(ok.count)); ok.forEach { w.text($0) }
            w.u32(UInt32(bad.count)); bad.forEach { w.text($0) }
        case .abort(let reason):
            w.text(reason)
        case .challenge(let run, let nonce):
            w.blob(run); w.blob(nonce)
        case .signature(let sig):
            w.blob(sig)
        case .iterationProof(let k, let payload):
            w.i64(Int64(k)); w.blob(payload)
        case .accusation(let k, let owner, let contribution):
            w.i64(Int64(k)); w.text(owner); w.blob(contribution)
        }
    }

    /// Decodes one message body; every malformed input is an `RCIError.protocolViolation`
    /// naming the message type and the offset (never a trap).
    static func decode(type: UInt8, body: [UInt8]) throws -> RCIMessage {
        var r = ByteReader(body, cap: 4 << 20)
        do {
            let m = try decode(type: type, &r)
            try r.finish()
            return m
        } catch let e as DecodeError {
            throw RCIError.decoding("RCI message type \(type)", e)
        }
    }

    private static func decode(type: UInt8, _ r: inout ByteReader) throws -> RCIMessage {
        func text() throws -> String { try r.text(max: 1 << 16) }
        func role() throws -> RCIRole {
            guard let x = RCIRole(rawValue: try text()) else { throw RCIError.protocolViolation("unknown role") }
            return x
        }
        func count(_ max: Int = 100_000) throws -> Int {
            let n = Int(try r.u32())
            guard n <= max else { throw RCIError.protocolViolation("list of \(n) entries in message type \(type)") }
            return n
        }
        func iteration() throws -> Int {
            let k = try r.i64()
            guard k >= 0, k <= 100_000_000 else { throw RCIError.protocolViolation("iteration \(k) out of range") }
            return Int(k)
        }
        switch type {
        case 1: return .hello(id: try text(), role: try role(), address: try text())
        case 2: return .partnerHello(id: try text())
        case 3:
            let params = try RCIParameters.decode(from: &r)
            let enc = try r.bool(), mask = try r.bool(), key = try r.blob(max: 1 << 16), registrar = try r.blob(max: 32)
            var roster: [RCIRosterEntry] = [], addresses: [String] = []
            for _ in 0..<(try count()) {
                roster.append(RCIRosterEntry(id: try text(), role: try role())); addresses.append(try text())
            }
            let keys = try (0..<(try count())).map { _ in try r.blob(max: 32) }
            guard keys.isEmpty || keys.count == roster.count else { throw RCIError.protocolViolation("setup names \(keys.count) keys for \(roster.count) agents") }
            let every = Int(try r.u32()), runID = try r.blob(max: 64)
            return .setup(RCISetup(parameters: params, encrypted: enc, masking: mask, publicKey: key, registrarKey: registrar,
                                   roster: roster, addresses: addresses, keys: keys, proveEvery: every, runID: runID))
        case 4: return .share(RCIShare(iteration: try iteration(), lambda: try r.i64(), power: try r.i64(), converged: try r.bool()))
        case 5:
            return .encryptedShare(RCIEncryptedShare(iteration: try iteration(), lambda: try r.blob(max: 1 << 16),
                                                     power: try r.blob(max: 1 << 16), converged: try r.bool(),
                                                     contribution: try r.blob(max: 1 << 16)))
        case 6:
            let k = try iteration(), c = try r.bool(), wants = try r.bool()
            let l = try (0..<(try count())).map { _ in try r.blob(max: 1 << 16) }
            let t = try (0..<(try count())).map { _ in try r.blob(max: 1 << 16) }
            return .request(iteration: k, converged: c, lambdas: l, tests: t, wantsTest: wants)
        case 7:
            let k = try iteration(), stop = try r.bool()
            let v = try (0..<(try count())).map { _ in try r.i128() }
            let code = try r.u8()
            guard code <= 2 else { throw RCIError.protocolViolation("bad verdict code \(code)") }
            return .reply(iteration: k, stop: stop, values: v, verdict: code == 2 ? nil : code == 1)
        case 8: return .resultProof(RCIResultProofMessage(from: try text(), payload: try r.blob(max: 4 << 20)))
        case 9:
            let id = try text()
            let ok = try (0..<(try count())).map { _ in try text() }
            let bad = try (0..<(try count())).map { _ in try text() }
            return .verification(id: id, verified: ok, failed: bad)
        case 10: return .abort(try text())
        case 11: return .challenge(runID: try r.blob(max: 64), nonce: try r.blob(max: 64))
        case 12: return .signature(try r.blob(max: 64))
        case 13: return .iterationProof(iteration: try iteration(), payload: try r.blob(max: 4 << 20))
        case 14: return .accusation(iteration: try iteration(), owner: try text(), contribution: try r.blob(max: 1 << 16))
        default: throw RCIError.protocolViolation("unknown message type \(type)")
        }
    }
}
