import Privacy

/// A record of one received message, for transcripts (privacy audits in tests).
public struct RCITranscriptEntry: Sendable {
    public var receiver: String
    public var sender: String
    public var message: RCIMessage
}

/// What the platform reports at the end of a run.
public struct RCIPlatformSummary: Sendable, Equatable {
    public var converged: Bool
    public var iterations: Int
    public var decryptions: Int
    /// agent id → partners whose result proofs it verified / rejected.
    public var verified: [String: [String]]
    public var failed: [String: [String]]
}

/// The trading platform process: holds the Paillier private key (encrypted mode), gathers the
/// agents, sends the public parameters, and each iteration decrypts each agent's masked
/// consensus factors and blinded sign tests and returns them to that agent alone; it ends the
/// run when every agent's flag is true in the same iteration.
///
/// Guarantees: it never receives a partner share (agents talk to each other directly), so it
/// never holds a ciphertext of a P value; every wait is bounded by the socket timeout and any
/// failure aborts all agents with a reason.
public final class RCIPlatformNode {
    public let agentCount: Int
    public let parameters: RCIParameters
    public let cipher: RCIPlatformCipher?
    public let masking: Bool
    private let listener: RCISocket
    public let address: RCIAddress
    private var agents: [(id: String, role: RCIRole, address: String, socket: RCISocket)] = []

    public init(listen: RCIAddress, agentCount: Int, parameters: RCIParameters, privateKey: PaillierPrivateKey?,
                masking: Bool, timeoutMilliseconds: Int32) throws {
        guard agentCount >= 2 else { throw RCIError.protocolViolation("the platform needs at least 2 agents") }
        self.agentCount = agentCount
        self.parameters = try parameters.validated()
        self.cipher = privateKey.map(RCIPlatformCipher.init)
        self.masking = masking
        (listener, address) = try RCISocket.listen(listen, timeoutMilliseconds: timeoutMilliseconds)
    }

    public func run(transcript: ((RCITranscriptEntry) -> Void)? = nil) throws -> RCIPlatformSummary {
        do {
            return try runUnchecked(transcript: transcript)
        } catch {
            for a in agents { try? a.socket.send(.abort("platform: \(error)")) }
            throw error
        }
    }

    private func receive(_ i: Int, _ transcript: ((RCITranscriptEntry) -> Void)?) throws -> RCIMessage {
        let m: RCIMessage
        do { m = try agents[i].socket.receive() } catch { throw RCIError.peerFailed("agent \(agents[i].id): \(error)") }
        transcript?(RCITranscriptEntry(receiver: "platform", sender: agents[i].id, message: m))
        if case .abort(let why) = m { throw RCIError.peerFailed("agent \(agents[i].id) aborted: \(why)") }
        return m
    }

    private func runUnchecked(transcript: ((RCITranscriptEntry) -> Void)?) throws -> RCIPlatformSummary {
        // 1. gather
        while agents.count < agentCount {
            let s = try listener.accept()
            let m = try s.receive()
            transcript?(RCITranscriptEntry(receiver: "platform", sender: "(new connection)", message: m))
            guard case .hello(let id, let role, let address) = m else { throw RCIError.protocolViolation("expected hello, got \(m.kind)") }
            guard !agents.contains(where: { $0.id == id }) else { throw RCIError.protocolViolation("agent id \(id) joined twice") }
            agents.append((id, role, address, s))
        }
        agents.sort { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
        guard Set(agents.map(\.role)).count == 2 else { throw RCIError.protocolViolation("the agents must include generators and consumers") }
        // 2. setup
        let setup = RCISetup(parameters: parameters, encrypted: cipher != nil, masking: masking,
                             publicKey: cipher?.privateKey.publicKey.serialize() ?? [],
                             roster: agents.map { RCIRosterEntry(id: $0.id, role: $0.role) }, addresses: agents.map(\.address))
        for a in agents { try a.socket.send(.setup(setup)) }
        // 3. iterate
        var k = 0, decryptions = 0, converged = false
        while true {
            var requests: [(converged: Bool, lambdas: [[UInt8]], tests: [[UInt8]], wants: Bool)] = []
            for i in agents.indices {
                guard case .request(let it, let c, let l, let t, let w) = try receive(i, transcript), it == k else {
                    throw RCIError.protocolViolation("agent \(agents[i].id) sent no request for iteration \(k)")
                }
                requests.append((c, l, t, w))
            }
            converged = requests.allSatisfy(\.converged)
            if converged || k >= parameters.maxIterations {
                for a in agents { try a.socket.send(.reply(iteration: k, stop: true, values: [], verdict: nil)) }
                break
            }
            for (i, r) in requests.enumerated() {
                var values: [Int128] = []
                var verdict: Bool? = nil
                if let cipher {
                    values = try r.lambdas.map { try cipher.decrypt($0) }
                    if r.wants { verdict = try cipher.verdict(r.tests) }
                    decryptions += r.lambdas.count + r.tests.count
                    // What the platform learns, recorded as if received from its own decryption.
                    transcript?(RCITranscriptEntry(receiver: "platform", sender: "decryption",
                                                   message: .reply(iteration: k, stop: false, values: values, verdict: verdict)))
                }
                try agents[i].socket.send(.reply(iteration: k, stop: false, values: values, verdict: verdict))
            }
            k += 1
        }
        // 4. result verification reports
        var verified: [String: [String]] = [:], failed: [String: [String]] = [:]
        for i in agents.indices {
            guard case .verification(let id, let ok, let bad) = try receive(i, transcript), id == agents[i].id else {
                throw RCIError.protocolViolation("agent \(agents[i].id) sent no verification report")
            }
            verified[id] = ok; failed[id] = bad
        }
        return RCIPlatformSummary(converged: converged, iterations: k, decryptions: decryptions, verified: verified, failed: failed)
    }
}
