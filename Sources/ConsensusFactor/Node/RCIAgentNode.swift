import GridClearCore
import GridClearSystem
import Privacy

/// One generator or consumer process: moves bytes between its `RCIAgentMachine` and sockets
/// (the platform's; partners' direct connections: generators accept, consumers dial).
/// The protocol order is the machine's; this type only connects, sends and receives.
///
/// Guarantees: every wait is bounded by the socket timeout; an `abort`, a closed connection
/// or a protocol violation fails the run and sends `abort` with the reason to every
/// connected party.
public final class RCIAgentNode {
    public let spec: RCIAgentSpec
    private let platformAddress: RCIAddress
    private let listener: RCISocket
    private let listenAddress: RCIAddress
    private let timeout: Int32
    private var machine: RCIAgentMachine
    private var platform: RCISocket?
    private var peers: [String: RCISocket] = [:]
    private let clock = SystemClock()
    private var io = RCICosts()
    private let identity: RCIIdentity?
    /// The platform's Ed25519 key pinned in this agent's configuration (nil: not checked, in-process tests only).
    private let platformKey: [UInt8]?
    private let log: (String) -> Void
    /// The run id from the platform's challenge (bound into every handshake signature).
    private var runID: [UInt8] = []
    private var platformNonce: [UInt8] = []

    /// `rng` feeds masks, blinding factors and encryption randomness (seed it from the system
    /// CSPRNG in production, or `RCISeeds.agent` for a reproducible run).
    public init(spec: RCIAgentSpec, platform: RCIAddress, listen: RCIAddress, timeoutMilliseconds: Int32,
                perturbation: RCIStepPerturbation?, rng: SplitMix64, certified: RCICertifiedBounds? = nil,
                faults: RCIAgentFaults = RCIAgentFaults(), identity: RCIIdentity? = nil, platformKey: [UInt8]? = nil,
                fixedBaseTable: [UInt8]? = nil,
                log: @escaping (String) -> Void = { _ in }) throws {
        self.spec = try spec.validated()
        self.identity = identity
        self.platformKey = platformKey
        self.log = log
        self.platformAddress = platform
        self.timeout = timeoutMilliseconds
        (listener, listenAddress) = try RCISocket.listen(listen, timeoutMilliseconds: timeoutMilliseconds)
        machine = try RCIAgentMachine(spec: spec, address: listenAddress.description, perturbation: perturbation, rng: rng,
                                      certified: certified)
        machine.faults = faults
        machine.identity = identity
        machine.fixedBaseTable = fixedBaseTable
        machine.meter.clock = { SystemClock().threadCPUNanos() }  // CPU time: honest on a shared machine
    }

    public func run(transcript: ((RCITranscriptEntry) -> Void)? = nil) throws -> RCIAgentResult {
        do {
            return try runUnchecked(transcript: transcript)
        } catch {
            let note = RCIMessage.abort("agent \(spec.id): \(error)")
            try? platform?.send(note)
            for p in peers.values { try? p.send(note) }
            throw error
        }
    }

    private func runUnchecked(transcript t: ((RCITranscriptEntry) -> Void)?) throws -> RCIAgentResult {
        let platform = try RCISocket.connect(platformAddress, timeoutMilliseconds: timeout)
        self.platform = platform
        guard case .challenge(let run, let nonce) = try platform.receive() else {
            throw RCIError.protocolViolation("the platform did not open with a challenge")
        }
        (runID, platformNonce) = (run, nonce)
        var ready = try machine.step(.start)
        while true {
            var t0 = clock.threadCPUNanos()
            for e in ready.messages {
                try socket(for: e.to).send(e.message)
                if case .hello = e.message { try authenticate(platform, hello: e.message) }
            }
            io.transport &+= clock.threadCPUNanos() &- t0
            if var r = ready.result {
                r.costs = r.costs + io
                return r
            }
            if let partners = ready.connect {
                try connect(partners, transcript: t)
                ready = try machine.step(.partnersConnected)
                continue
            }
            t0 = clock.monotonicNanos()
            let (from, socket) = try nextReadable()
            io.waiting &+= clock.monotonicNanos() &- t0
            t0 = clock.threadCPUNanos()
            let m: RCIMessage
            do { m = try socket.receive() } catch { throw RCIError.peerFailed("\(from): \(error)") }
            io.transport &+= clock.threadCPUNanos() &- t0
            t?(RCITranscriptEntry(receiver: spec.id, sender: from.description, message: m))
            ready = try machine.step(.received(from: from, m))
        }
    }

    private func socket(for party: RCIParty) throws -> RCISocket {
        switch party {
        case .platform: if let platform { return platform }
        case .agent(let id): if let s = peers[id] { return s }
        }
        throw RCIError.protocolViolation("\(spec.id) has no connection to \(party)")
    }

    /// The next connection with data among those the machine is waiting for.
    private func nextReadable() throws -> (RCIParty, RCISocket) {
        let parties = machine.awaiting
        guard !parties.isEmpty else { throw RCIError.protocolViolation("\(spec.id)'s machine waits for nothing but has no result") }
        let sockets = try parties.map { try socket(for: $0) }
        // Idle time fills the encryption randomness pool (only while nothing is readable).
        let t0 = clock.threadCPUNanos()
        defer { io.encryption &+= clock.threadCPUNanos() &- t0 }
        while machine.precompute() {
            if let i = try RCISocket.readyIndex(sockets) { return (parties[i], sockets[i]) }
        }
        let i = try RCISocket.waitAny(sockets, timeoutMilliseconds: timeout)
        return (parties[i], sockets[i])
    }

    private func signature(nonce: [UInt8], hello: RCIMessage, acceptor: String) throws -> [UInt8] {
        guard let identity else { return [] }
        return try RCIHandshake.sign(identity, runID: runID, nonce: nonce, .hello(hello, acceptor: acceptor))
    }

    /// Signs the hello to the platform, challenges it and checks its acceptance against the
    /// pinned platform key: an impostor platform is refused before anything else is sent.
    private func authenticate(_ platform: RCISocket, hello: RCIMessage) throws {
        try platform.send(.signature(try signature(nonce: platformNonce, hello: hello, acceptor: "platform")))
        let mine = RCIHandshake.freshNonce()
        try platform.send(.challenge(runID: runID, nonce: mine))
        let answer: RCIMessage
        do { answer = try platform.receive() } catch { throw RCIError.peerFailed("the platform at \(platformAddress) did not answer \(spec.id)'s challenge: \(error)") }
        if case .abort(let why) = answer { throw RCIError.peerFailed("the platform at \(platformAddress) refused \(spec.id): \(why)") }
        guard case .signature(let proof) = answer else {
            throw RCIError.protocolViolation("the platform at \(platformAddress) sent \(answer.kind) instead of answering \(spec.id)'s challenge")
        }
        if let platformKey, !RCIHandshake.verify(signature: proof, publicKey: platformKey, runID: runID, nonce: mine,
                                                 .acceptance(acceptor: "platform", dialer: spec.id)) {
            throw RCIError.protocolViolation("the platform at \(platformAddress) did not prove it holds the pinned platform key "
                + "\(Hex.encode(platformKey).prefix(16))… (its answer to \(spec.id)'s challenge is not signed by that key): refusing an impostor platform")
        }
    }

    /// Generators admit their partners (challenge, partnerHello, signature by the key the
    /// setup names; anything else is refused and logged); consumers dial and sign.
    private func connect(_ partners: [(id: String, address: String)], transcript t: ((RCITranscriptEntry) -> Void)?) throws {
        if spec.role == .generator {
            let wanted = Set(partners.map(\.id))
            let keys = machine.partnerKeys
            let gatherer = RCIGatherer(listener: listener, runID: runID, acceptor: spec.id, identity: identity,
                                       handshakeMilliseconds: min(timeout, 5_000), log: log)
            while peers.count < partners.count {
                let (id, m, s) = try gatherer.next(timeoutMilliseconds: timeout) { hello, signature, nonce in
                    guard case .partnerHello(let id) = hello else { throw RCIError.protocolViolation("expected partnerHello, got \(hello.kind)") }
                    guard wanted.contains(id) else { throw RCIError.protocolViolation("\(id) is not a partner of \(spec.id)") }
                    guard peers[id] == nil else { throw RCIError.protocolViolation("\(id) is already connected") }
                    if !keys.isEmpty {
                        guard let key = keys[id], RCIHandshake.verify(signature: signature, publicKey: key, runID: runID, nonce: nonce,
                                                                      .hello(hello, acceptor: spec.id)) else {
                            throw RCIError.protocolViolation("the handshake signature is not \(id)'s registered key")
                        }
                    }
                    return id
                }
                t?(RCITranscriptEntry(receiver: spec.id, sender: id, message: m))
                peers[id] = s  // the gatherer answered the consumer's challenge with this generator's acceptance
            }
            gatherer.closePending()
        } else {
            // Dial and sign every generator first, then check their answers (they answer in parallel).
            var dialled: [(id: String, address: String, socket: RCISocket, nonce: [UInt8])] = []
            for p in partners {
                let s = try RCISocket.connect(try RCIAddress(parsing: p.address), timeoutMilliseconds: timeout)
                guard case .challenge(let run, let nonce) = try s.receive(), run == runID else {
                    throw RCIError.protocolViolation("partner \(p.id) at \(p.address) did not challenge for this run")
                }
                let hello = RCIMessage.partnerHello(id: spec.id)
                try s.send(hello)
                try s.send(.signature(try signature(nonce: nonce, hello: hello, acceptor: p.id)))
                let mine = RCIHandshake.freshNonce()
                try s.send(.challenge(runID: runID, nonce: mine))
                dialled.append((p.id, p.address, s, mine))
            }
            let keys = machine.partnerKeys
            for d in dialled {
                let answer = try d.socket.receive()
                if case .abort(let why) = answer { throw RCIError.peerFailed("partner \(d.id) at \(d.address) refused \(spec.id): \(why)") }
                guard case .signature(let proof) = answer else {
                    throw RCIError.protocolViolation("partner \(d.id) at \(d.address) sent \(answer.kind) instead of answering the challenge")
                }
                if !keys.isEmpty {
                    guard let key = keys[d.id], RCIHandshake.verify(signature: proof, publicKey: key, runID: runID, nonce: d.nonce,
                                                                    .acceptance(acceptor: d.id, dialer: spec.id)) else {
                        throw RCIError.protocolViolation("the generator at \(d.address) did not prove it is \(d.id) (its answer is not signed by \(d.id)'s registered key)")
                    }
                }
                peers[d.id] = d.socket
            }
        }
    }
}
