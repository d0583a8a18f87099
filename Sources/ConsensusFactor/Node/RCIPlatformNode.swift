import GridClearSystem
import Privacy

/// A record of one received message, for transcripts (privacy audits in tests).
public struct RCITranscriptEntry: Sendable {
    public var receiver: String
    public var sender: String
    public var message: RCIMessage
}

/// The trading platform process: moves bytes between its `RCIPlatformMachine` and the
/// agents' connections. It accepts `agentCount` connections whose first frame is a hello,
/// then feeds every frame to the machine and sends what the machine returns.
///
/// Guarantees: every wait is bounded by the socket timeout and any failure aborts all
/// connected agents with the reason.
public final class RCIPlatformNode {
    public let address: RCIAddress
    private let listener: RCISocket
    private let timeout: Int32
    private var machine: RCIPlatformMachine
    private var agents: [String: RCISocket] = [:]
    private let clock = SystemClock()
    private var io = RCICosts()
    private let registered: [String: RCIRegisteredAgent]
    private let log: (String) -> Void
    /// The platform's Ed25519 identity: signs its acceptance of every agent's challenge (agents
    /// pin its public key); nil only in in-process tests.
    private let identity: RCIIdentity?
    /// This run's id (random), bound into every handshake signature.
    public let runID: [UInt8]

    /// `registered`: the agents allowed to join (id → role, Ed25519 key); empty admits any
    /// hello (in-process tests only: the CLI always registers). `log` receives one line per
    /// refused connection.
    public init(listen: RCIAddress, agentCount: Int, parameters: RCIParameters, cipher: RCIPlatformCipher?,
                masking: Bool, timeoutMilliseconds: Int32, registrarKey: [UInt8] = [],
                registered: [String: RCIRegisteredAgent] = [:], identity: RCIIdentity? = nil,
                log: @escaping (String) -> Void = { _ in }) throws {
        self.registered = registered
        self.identity = identity
        self.log = log
        runID = RCIHandshake.freshNonce()
        machine = try RCIPlatformMachine(agentCount: agentCount, parameters: parameters, cipher: cipher, masking: masking,
                                         registrarKey: registrarKey, registered: registered)
        machine.runID = runID
        machine.meter.clock = { SystemClock().threadCPUNanos() }  // CPU time: honest on a shared machine
        timeout = timeoutMilliseconds
        (listener, address) = try RCISocket.listen(listen, timeoutMilliseconds: timeoutMilliseconds)
    }

    /// The signed evidence of a per-iteration proof's blame (`RCIBlameEvidence` bytes), after a failed run.
    public var blameEvidence: [UInt8]? { machine.blameEvidence }

    /// The per-iteration proof schedule (set before `run`).
    public var iterationProofs: RCIIterationProofOptions {
        get { machine.iterationProofs }
        set { machine.iterationProofs = newValue }
    }

    public func run(transcript: ((RCITranscriptEntry) -> Void)? = nil) throws -> RCIPlatformSummary {
        do {
            return try runUnchecked(transcript: transcript)
        } catch {
            for s in agents.values { try? s.send(.abort("platform: \(error)")) }
            throw error
        }
    }

    private func runUnchecked(transcript t: ((RCITranscriptEntry) -> Void)?) throws -> RCIPlatformSummary {
        var ready = RCIPlatformReady()
        // gather: challenge, hello, signature; anything else is refused without stopping the run
        let gatherer = RCIGatherer(listener: listener, runID: runID, acceptor: "platform", identity: identity,
                                   handshakeMilliseconds: min(timeout, 5_000), log: log)
        while agents.count < machine.agentCount {
            let (id, m, s) = try gatherer.next(timeoutMilliseconds: timeout) { hello, signature, nonce in
                guard case .hello(let id, let role, _) = hello else { throw RCIError.protocolViolation("expected hello, got \(hello.kind)") }
                guard agents[id] == nil else { throw RCIError.protocolViolation("agent \(id) has already joined") }
                if !registered.isEmpty {
                    guard let r = registered[id] else { throw RCIError.protocolViolation("\(id) is not a registered agent") }
                    guard r.role == role else { throw RCIError.protocolViolation("\(id) is registered as a \(r.role.rawValue)") }
                    guard RCIHandshake.verify(signature: signature, publicKey: r.publicKey, runID: runID, nonce: nonce,
                                              .hello(hello, acceptor: "platform")) else {
                        throw RCIError.protocolViolation("the handshake signature is not \(id)'s registered key")
                    }
                }
                return id
            }
            t?(RCITranscriptEntry(receiver: "platform", sender: id, message: m))
            agents[id] = s
            ready = try machine.step(.received(from: .agent(id), m))
        }
        gatherer.closePending()
        while true {
            for e in ready.decrypted {
                // What the platform learns, recorded as if received from its own decryption.
                t?(RCITranscriptEntry(receiver: "platform", sender: "decryption", message: e.message))
            }
            var t0 = clock.threadCPUNanos()
            for e in ready.messages {
                guard case .agent(let id) = e.to, let s = agents[id] else { throw RCIError.protocolViolation("no connection to \(e.to)") }
                try s.send(e.message)
            }
            io.transport &+= clock.threadCPUNanos() &- t0
            if var summary = ready.summary {
                summary.costs = summary.costs + io
                return summary
            }
            let ids = machine.awaiting.compactMap { p -> String? in if case .agent(let id) = p { return id } else { return nil } }
            let sockets = try ids.map { id in
                guard let s = agents[id] else { throw RCIError.protocolViolation("no connection to agent \(id)") }
                return s
            }
            t0 = clock.monotonicNanos()
            let i = try RCISocket.waitAny(sockets, timeoutMilliseconds: timeout)
            io.waiting &+= clock.monotonicNanos() &- t0
            t0 = clock.threadCPUNanos()
            let m: RCIMessage
            do { m = try sockets[i].receive() } catch { throw RCIError.peerFailed("agent \(ids[i]): \(error)") }
            io.transport &+= clock.threadCPUNanos() &- t0
            t?(RCITranscriptEntry(receiver: "platform", sender: ids[i], message: m))
            ready = try machine.step(.received(from: .agent(ids[i]), m))
        }
    }
}
