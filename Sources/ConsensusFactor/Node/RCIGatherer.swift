#if canImport(Glibc)
internal import Glibc
#endif
import GridClearCore
import GridClearSystem
import Privacy

/// Admits the authenticated connections of a run on a listener, and only those (issue 13
/// item 7, issue 19). Every accepted connection gets a challenge (run id, fresh nonce) at once;
/// it then has `handshakeMilliseconds` to send a hello, its signature and its own challenge,
/// each frame at most `frameLimit` bytes; an admitted dialer gets this acceptor's signed
/// acceptance (`RCIHandshake`), so it knows whom it reached. Whatever else arrives — garbage, an unknown id, a bad signature, a
/// second connection for an admitted id, silence — is refused: logged through `log`, the
/// connection closed, and gathering goes on.
///
/// Guarantees: never blocks on one connection (frames are taken only once whole, reads
/// never wait); a refused peer changes nothing for the admitted ones; gathering fails only
/// when no connection is admitted for `timeoutMilliseconds`.
final class RCIGatherer {
    static let frameLimit = 64 << 10
    let listener: RCISocket
    let runID: [UInt8]
    /// "platform", or the generator's id: part of what the dialer signs.
    let acceptor: String
    /// Signs the acceptance (nil: an empty signature, for runs without identities).
    let identity: RCIIdentity?
    let handshakeMilliseconds: Int32
    let log: (String) -> Void
    private let clock = SystemClock()

    private struct Pending {
        let socket: RCISocket
        let nonce: [UInt8]
        let deadline: UInt64
        var hello: RCIMessage?
        /// The id `admit` accepted, waiting for the dialer's challenge.
        var admitted: String?
        var serial: Int
    }
    private var pending: [Pending] = []
    private var serial = 0

    init(listener: RCISocket, runID: [UInt8], acceptor: String, identity: RCIIdentity?, handshakeMilliseconds: Int32,
         log: @escaping (String) -> Void) {
        self.listener = listener; self.runID = runID; self.acceptor = acceptor; self.identity = identity
        self.handshakeMilliseconds = handshakeMilliseconds; self.log = log
    }

    /// Waits for the next admitted connection: `admit(hello, signature, nonce)` returns the
    /// peer's id or throws the reason for refusing it.
    func next(timeoutMilliseconds: Int32, admit: (RCIMessage, [UInt8], [UInt8]) throws -> String) throws -> (id: String, hello: RCIMessage, socket: RCISocket) {
        let giveUp = clock.monotonicNanos() &+ UInt64(timeoutMilliseconds) * 1_000_000
        while true {
            let now = clock.monotonicNanos()
            // silent or slow handshakes
            for p in pending where p.deadline <= now {
                refuse(p, "no complete handshake within \(handshakeMilliseconds) ms")
            }
            pending.removeAll { $0.deadline <= now }
            guard now < giveUp else {
                throw RCIError.timeout("no authenticated connection at \(acceptor) for \(timeoutMilliseconds) ms")
            }
            let wake = pending.map(\.deadline).reduce(giveUp, min)
            let wait = Int32(min(UInt64(Int32.max), (wake &- now) / 1_000_000 + 1))
            var fds = [pollfd(fd: listener.fd, events: Int16(POLLIN), revents: 0)]
                + pending.map { pollfd(fd: $0.socket.fd, events: Int16(POLLIN), revents: 0) }
            _ = try fds.withUnsafeMutableBufferPointer { buf in
                try socketCall("waiting for connections at \(acceptor)") { poll(buf.baseAddress, nfds_t(buf.count), wait) }
            }
            if fds[0].revents != 0 { acceptOne() }
            var i = 0
            while i < pending.count {
                let ready = fds.first(where: { $0.fd == pending[i].socket.fd })?.revents ?? 0
                if ready == 0 { i += 1; continue }
                do {
                    if let admitted = try advance(&pending[i], admit: admit) {
                        pending.remove(at: i)
                        return admitted
                    }
                    i += 1
                } catch {
                    refuse(pending[i], "\(error)")
                    pending.remove(at: i)
                }
            }
        }
    }

    /// Refuses (logs and closes) every connection still in its handshake: call once every
    /// party has joined.
    func closePending() {
        for p in pending { refuse(p, "no complete handshake before every agent had joined") }
        pending = []
    }

    private func acceptOne() {
        do {
            let s = try listener.accept()
            let nonce = RCIHandshake.freshNonce()
            serial += 1
            let p = Pending(socket: s, nonce: nonce, deadline: clock.monotonicNanos() &+ UInt64(handshakeMilliseconds) * 1_000_000,
                            hello: nil, admitted: nil, serial: serial)
            do { try s.send(.challenge(runID: runID, nonce: nonce)) } catch { refuse(p, "\(error)"); return }
            pending.append(p)
        } catch {
            log("\(acceptor): accepting a connection failed: \(error)")
        }
    }

    /// Takes whole frames only; hello then signature (the admission decision), then the
    /// dialer's challenge, answered with this acceptor's signed acceptance.
    private func advance(_ p: inout Pending, admit: (RCIMessage, [UInt8], [UInt8]) throws -> String) throws -> (id: String, hello: RCIMessage, socket: RCISocket)? {
        while let m = try p.socket.receiveIfComplete(limit: Self.frameLimit) {
            switch (p.hello, p.admitted, m) {
            case (nil, nil, .hello), (nil, nil, .partnerHello):
                p.hello = m
            case (.some(let hello), nil, .signature(let sig)):
                p.admitted = try admit(hello, sig, p.nonce)
            case (.some(let hello), .some(let id), .challenge(let run, let nonce)):
                guard run == runID, nonce.count == RCIHandshake.randomBytes else {
                    throw RCIError.protocolViolation("\(id)'s challenge names another run or has a nonce of \(nonce.count) bytes")
                }
                let proof = try identity.map { try RCIHandshake.sign($0, runID: runID, nonce: nonce, .acceptance(acceptor: acceptor, dialer: id)) } ?? []
                try p.socket.send(.signature(proof))
                return (id, hello, p.socket)
            default:
                throw RCIError.protocolViolation("sent \(m.kind) during the handshake")
            }
        }
        return nil
    }

    private func refuse(_ p: Pending, _ why: String) {
        let who: String
        switch p.hello {
        case .hello(let id, _, _)?: who = "connection claiming \(id)"
        case .partnerHello(let id)?: who = "partner connection claiming \(id)"
        default: who = "connection #\(p.serial)"
        }
        log("\(acceptor): refused \(who): \(why)")
        try? p.socket.send(.abort("refused: \(why)"))
    }
}
