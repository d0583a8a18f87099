import Privacy

/// What an agent process reports at the end: its outcome (its own trades and prices), the
/// settled kW per partner, and which partners' result proofs it verified.
public struct RCIAgentNodeResult: Sendable {
    public var outcome: RCIAgentOutcome
    public var converged: Bool
    public var settledKW: [String: Int64]
    public var verified: [String]
    public var failed: [String: String]
}

/// One generator or consumer process: listens for (generators) or dials (consumers) its
/// partners directly, joins the platform, and runs its `RCIAgent` over the wire.
///
/// Guarantees: its cost parameters and bounds never leave the process; partners receive only
/// Paillier ciphertexts (encrypted mode) and its flag; the platform receives only masked
/// ciphertexts of its own next consensus factors, blinded sign tests and its flag. Every
/// wait is bounded by the socket timeout; an `abort` or a closed connection fails the run.
public final class RCIAgentNode {
    public let spec: RCIAgentSpec
    private let platformAddress: RCIAddress
    private let listener: RCISocket
    private let listenAddress: RCIAddress
    private let timeout: Int32
    private var perturbation: RCIStepPerturbation?
    private var rng: RCISeededRandom
    private var platform: RCISocket?
    private var peers: [String: RCISocket] = [:]

    /// `rng` feeds masks, blinding factors and encryption randomness (seed it from the system
    /// CSPRNG in production).
    public init(spec: RCIAgentSpec, platform: RCIAddress, listen: RCIAddress, timeoutMilliseconds: Int32,
                perturbation: RCIStepPerturbation?, rng: RCISeededRandom) throws {
        self.spec = try spec.validated()
        self.platformAddress = platform
        self.timeout = timeoutMilliseconds
        self.perturbation = perturbation
        self.rng = rng
        (listener, listenAddress) = try RCISocket.listen(listen, timeoutMilliseconds: timeoutMilliseconds)
    }

    public func run(transcript: ((RCITranscriptEntry) -> Void)? = nil) throws -> RCIAgentNodeResult {
        do {
            return try runUnchecked(transcript: transcript)
        } catch {
            let note = RCIMessage.abort("agent \(spec.id): \(error)")
            try? platform?.send(note)
            for p in peers.values { try? p.send(note) }
            throw error
        }
    }

    private func receive(from name: String, _ s: RCISocket, _ transcript: ((RCITranscriptEntry) -> Void)?) throws -> RCIMessage {
        let m: RCIMessage
        do { m = try s.receive() } catch { throw RCIError.peerFailed("\(name): \(error)") }
        transcript?(RCITranscriptEntry(receiver: spec.id, sender: name, message: m))
        if case .abort(let why) = m { throw RCIError.peerFailed("\(name) aborted: \(why)") }
        return m
    }

    private func runUnchecked(transcript t: ((RCITranscriptEntry) -> Void)?) throws -> RCIAgentNodeResult {
        let platform = try RCISocket.connect(platformAddress, timeoutMilliseconds: timeout)
        self.platform = platform
        try platform.send(.hello(id: spec.id, role: spec.role, address: listenAddress.description))
        guard case .setup(let setup) = try receive(from: "platform", platform, t) else {
            throw RCIError.protocolViolation("expected setup from the platform")
        }
        guard setup.roster.contains(RCIRosterEntry(id: spec.id, role: spec.role)) else {
            throw RCIError.protocolViolation("the platform's roster does not list \(spec.id)")
        }
        let partners = RCIRosterEntry.partners(of: spec.role, in: setup.roster)
        let addresses = Dictionary(uniqueKeysWithValues: zip(setup.roster.map(\.id), setup.addresses))
        try connectPartners(partners, addresses: addresses, transcript: t)
        let cipher = setup.encrypted
            ? RCIAgentCipher(publicKey: try PaillierPublicKey(serialized: setup.publicKey), masking: setup.masking) : nil

        var agent = try RCIAgent(spec: spec, partners: partners, parameters: setup.parameters, perturbation: perturbation)
        var converged = false
        while true {
            let k = agent.iteration
            let mine = try agent.shares()
            var encryptedIncoming: [RCIEncryptedShare] = []
            var incoming: [RCIShare] = []
            for (i, p) in partners.enumerated() {
                if let cipher { try peers[p]!.send(.encryptedShare(try cipher.encrypt(mine[i], using: &rng))) }
                else { try peers[p]!.send(.share(mine[i])) }
            }
            for p in partners {
                switch try receive(from: p, peers[p]!, t) {
                case .share(let s) where cipher == nil && s.iteration == k: incoming.append(s)
                case .encryptedShare(let s) where cipher != nil && s.iteration == k: encryptedIncoming.append(s)
                case let m: throw RCIError.protocolViolation("\(p) sent \(m.kind) instead of its share for iteration \(k)")
                }
            }
            let plans = try agent.plans()
            let wants = agent.wantsReciprocityTest
            var lambdas: [Int64] = [], verdict: Bool? = nil
            if let cipher {
                var cts: [[UInt8]] = [], masks: [Int128] = [], tests: [[UInt8]] = []
                let reciprocity = wants ? try agent.reciprocityTests() : []
                for i in partners.indices {
                    let (c, m) = try cipher.evaluate(plans[i], on: encryptedIncoming[i], using: &rng)
                    cts.append(c); masks.append(m)
                    if wants { tests += try cipher.blindedTest(reciprocity[i], partnerPower: encryptedIncoming[i].power, using: &rng) }
                }
                try platform.send(.request(iteration: k, converged: agent.converged, lambdas: cts, tests: tests, wantsTest: wants))
                guard case .reply(let it, let stop, let values, let v) = try receive(from: "platform", platform, t), it == k else {
                    throw RCIError.protocolViolation("expected the platform's reply for iteration \(k)")
                }
                if stop { converged = agent.converged; break }
                guard values.count == partners.count, v != nil || !wants else { throw RCIError.protocolViolation("short reply from the platform") }
                lambdas = try zip(values, masks).map { x, m in
                    guard let l = Int64(exactly: x - m) else { throw RCIError.arithmeticOverflow("unmasked consensus factor") }
                    return l
                }
                verdict = v
            } else {
                try platform.send(.request(iteration: k, converged: agent.converged, lambdas: [], tests: [], wantsTest: wants))
                guard case .reply(let it, let stop, _, _) = try receive(from: "platform", platform, t), it == k else {
                    throw RCIError.protocolViolation("expected the platform's reply for iteration \(k)")
                }
                if stop { converged = agent.converged; break }
                lambdas = try zip(plans, incoming).map { try $0.evaluate(partnerLambda: $1.lambda, partnerPower: $1.power) }
                if wants { verdict = zip(try agent.reciprocityTests(), incoming).allSatisfy { $0.holds(partnerPower: $1.power) } }
            }
            try agent.advance(newLambdas: lambdas, reciprocityHolds: verdict)
        }
        return try proveResult(agent: agent, converged: converged, partners: partners, transcript: t)
    }

    private func connectPartners(_ partners: [String], addresses: [String: String],
                                 transcript t: ((RCITranscriptEntry) -> Void)?) throws {
        if spec.role == .generator {
            while peers.count < partners.count {
                let s = try listener.accept()
                guard case .partnerHello(let id) = try receive(from: "(partner connection)", s, t), partners.contains(id), peers[id] == nil else {
                    throw RCIError.protocolViolation("unexpected partner connection at \(spec.id)")
                }
                peers[id] = s
            }
        } else {
            for p in partners {
                guard let a = addresses[p] else { throw RCIError.protocolViolation("no address for partner \(p)") }
                let s = try RCISocket.connect(try RCIAddress(parsing: a), timeoutMilliseconds: timeout)
                try s.send(.partnerHello(id: spec.id))
                peers[p] = s
            }
        }
    }

    private func proveResult(agent: RCIAgent, converged: Bool, partners: [String],
                             transcript t: ((RCITranscriptEntry) -> Void)?) throws -> RCIAgentNodeResult {
        // settlement: generator → consumer (s, r)
        var openings: [PedersenOpening] = []
        for (i, p) in partners.enumerated() {
            if spec.role == .generator {
                let o = PedersenOpening(value: RCIResultProof.kW(agent.trades[i]), blinding: .random(using: &rng))
                try peers[p]!.send(.resultProof(RCIResultProofMessage(from: spec.id, payload: [0] + RCIResultProof.encodeSettlement(kW: o.value, blinding: o.blinding))))
                openings.append(o)
            } else {
                guard case .resultProof(let m) = try receive(from: p, peers[p]!, t), m.payload.first == 0 else {
                    throw RCIError.protocolViolation("\(p) sent no settlement")
                }
                let o = try RCIResultProof.decodeSettlement(Array(m.payload.dropFirst()))
                openings.append(PedersenOpening(value: -o.value, blinding: -o.blinding))
            }
        }
        // A result outside the agent's own bounds (e.g. after max iterations) cannot be proven:
        // the agent says so (tag 2) instead of aborting, and its partners record the failure.
        let bundle: RCIResultProof.Bundle?
        let payload: [UInt8]
        do {
            let b = try RCIResultProof.Bundle.make(agent: spec, settled: zip(partners, openings).map { ($0, $1) }, using: &rng)
            bundle = b; payload = [1] + b.bytes
        } catch {
            bundle = nil; payload = [2] + Array("cannot prove its result: \(error)".utf8)
        }
        for p in partners { try peers[p]!.send(.resultProof(RCIResultProofMessage(from: spec.id, payload: payload))) }
        var verified: [String] = [], failed: [String: String] = [:]
        for (i, p) in partners.enumerated() {
            guard case .resultProof(let m) = try receive(from: p, peers[p]!, t), m.payload.first == 1 || m.payload.first == 2 else {
                throw RCIError.protocolViolation("\(p) sent no result proof")
            }
            do {
                guard m.payload.first == 1 else { throw RCIError.protocolViolation(String(decoding: m.payload.dropFirst(), as: UTF8.self)) }
                guard let bundle else { throw RCIError.protocolViolation("own result unproven; pairwise check skipped") }
                let b = try RCIResultProof.Bundle(bytes: Array(m.payload.dropFirst()))
                guard b.agent == p else { throw RCIError.protocolViolation("bundle names \(b.agent)") }
                try b.verify(verifier: spec.id, mine: bundle.commitments[i].commitment)
                verified.append(p)
            } catch {
                failed[p] = "\(error)"
            }
        }
        try platform!.send(.verification(id: spec.id, verified: verified, failed: failed.keys.sorted()))
        return RCIAgentNodeResult(outcome: agent.outcome, converged: converged,
                                  settledKW: Dictionary(uniqueKeysWithValues: zip(partners, openings.map(\.value))),
                                  verified: verified, failed: failed)
    }
}
