/// Per-role, per-kind handling time (nanoseconds) and message counts/bytes.
public struct MarketTimings: Sendable {
    public var nanos: [String: UInt64] = [:]
    public var messages: [String: Int] = [:]
    public var bytes: [String: Int] = [:]
    public init() {}
}

/// An in-memory network for the market roles: FIFO delivery, every message encoded to its
/// canonical bytes and decoded again at the receiver (so the in-process run exercises the
/// same wire format as sockets), and each role's transcript recording what it received
/// and sent. A handler that throws is a protocol fault: recorded in `faults`, delivery goes on.
public final class MarketBus {
    private var roles: [MarketAddress: MarketRole] = [:]
    private var queue: [(from: MarketAddress, to: MarketAddress, bytes: [UInt8], kind: String)] = []
    private var head = 0
    private let publicKey: PaillierPublicKey
    private let clock: () -> UInt64
    public private(set) var faults: [(role: MarketAddress, kind: String, error: String)] = []
    public private(set) var timings = MarketTimings()
    /// Messages to addresses without a role (e.g. the operator) land here.
    public private(set) var undelivered: [(to: MarketAddress, message: MarketMessage)] = []

    public init(publicKey: PaillierPublicKey, clock: @escaping () -> UInt64 = { 0 }) {
        self.publicKey = publicKey; self.clock = clock
    }

    public func add(_ role: MarketRole) {
        roles[role.address] = role
        for a in role.aliases { roles[a] = role }
    }

    /// Queues `envelopes` sent by `sender`.
    public func post(_ envelopes: [MarketEnvelope], from sender: MarketRole) {
        for e in envelopes {
            let bytes = e.message.encode()
            let from = e.from ?? sender.address
            sender.transcript.record(received: false, peer: e.to, kind: e.message.kind, bytes: bytes)
            queue.append((from, e.to, bytes, e.message.kind))
        }
    }

    /// Delivers until the queue is empty.
    public func run() {
        while head < queue.count {
            let m = queue[head]; head += 1
            timings.messages[m.kind, default: 0] += 1
            timings.bytes[m.kind, default: 0] += m.bytes.count
            guard let role = roles[m.to] else {
                if let msg = try? MarketMessage.decode(m.bytes, publicKey: publicKey) { undelivered.append((m.to, msg)) }
                continue
            }
            role.transcript.record(received: true, peer: m.from, kind: m.kind, bytes: m.bytes)
            let t0 = clock()
            do {
                let msg = try MarketMessage.decode(m.bytes, publicKey: publicKey)
                let out = try role.handle(msg, from: m.from)
                timings.nanos["\(roleKind(role)) \(m.kind)", default: 0] += clock() &- t0
                post(out, from: role)
            } catch {
                faults.append((m.to, m.kind, "\(error)"))
            }
            if head > 4096 && head * 2 > queue.count { queue.removeFirst(head); head = 0 }
        }
    }

    private func roleKind(_ r: MarketRole) -> String {
        switch r {
        case is ParticipantRole: return (r as! ParticipantRole).side == .sell ? "seller" : "buyer"
        case is MatchingServiceRole: return "matching-service"
        case is KeyHolderRole: return "key-holder"
        case is RegistrationAuthorityRole: return "registration-authority"
        case is TrusteeRole: return "trustee"
        default: return String(describing: type(of: r))
        }
    }
}
