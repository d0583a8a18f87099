import GridClearCore
import GridClearSystem
import LedgerLite
import NIOCore
import NIOPosix

/// What arrives from the network, delivered (from event-loop threads) to the driver's inbox.
public enum TransportInbound: Sendable {
    /// A peer frame's payload: one encoded `SignedMessage` (not yet verified).
    case peer([UInt8])
    /// A client query and where to send the answer.
    case query(ClientQuery, ClientChannel)
    /// A connection was closed for a protocol reason (logged).
    case rejected(String)
}

/// The client side of one inbound connection: answers go back on it.
public struct ClientChannel: Sendable {
    let channel: Channel
    public func answer(_ a: ClientAnswer) {
        let bytes = Frame(kind: .answer, payload: a.encoded()).encoded()
        let ch = channel
        ch.eventLoop.execute { ch.writeAndFlush(ch.allocator.buffer(bytes: bytes), promise: nil) }
    }
}

/// TCP transport between the replicas of one committee (swift-nio, one event loop group per
/// transport, no global state): a listener for peers and clients, and one outbound
/// connection per peer, (re)connected with exponential backoff. Messages are length-prefixed
/// checksummed `Frame`s; who sent a peer frame is decided by its signature (the replica
/// verifies), never by the connection. Sending never blocks the caller; a message that cannot
/// be delivered is dropped (the PBFT core retransmits).
public final class PeerTransport: @unchecked Sendable {
    public let limits: TransportLimits
    let group: MultiThreadedEventLoopGroup
    let deliver: @Sendable (TransportInbound) -> Void
    var peers: [ReplicaID: OutboundPeer] = [:]
    var server: Channel?

    public init(peers: [ReplicaID: (host: String, port: Int)], limits: TransportLimits = TransportLimits(),
                deliver: @escaping @Sendable (TransportInbound) -> Void) {
        self.limits = limits
        self.deliver = deliver
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        for (r, a) in peers { self.peers[r] = OutboundPeer(host: a.host, port: a.port, group: group, limits: limits) }
    }

    /// Starts listening on `host:port`.
    public func listen(host: String, port: Int) throws {
        let limits = self.limits, deliver = self.deliver
        let b = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .milliseconds(limits.readIdleMillis)))
                    try ch.pipeline.syncOperations.addHandler(InboundFrameHandler(limits: limits, deliver: deliver))
                }
            }
        do { server = try b.bind(host: host, port: port).wait() } catch {
            throw BFTError.transport("cannot listen on \(host):\(port): \(error) (another process on that port? see cluster.json)")
        }
    }

    /// Queues `bytes` (an encoded SignedMessage) for `peer`.
    public func send(_ bytes: [UInt8], to peer: ReplicaID) {
        peers[peer]?.send(Frame(kind: .peer, payload: bytes).encoded())
    }

    /// Queues `bytes` (an encoded SignedMessage) for each of `targets`, framed (and
    /// checksummed) once.
    public func send(_ bytes: [UInt8], to targets: [ReplicaID]) {
        guard !targets.isEmpty else { return }
        let frame = Frame(kind: .peer, payload: bytes).encoded()
        for t in targets { peers[t]?.send(frame) }
    }

    /// Queues a client query for `peer` (a forwarded request) on the peer connection.
    public func send(query: ClientQuery, to peer: ReplicaID) {
        peers[peer]?.send(Frame(kind: .query, payload: query.encoded()).encoded())
    }

    /// Messages dropped so far (not connected and queue full, or socket over its limit).
    public var dropped: Int { peers.values.reduce(0) { $0 + $1.droppedCount } }

    /// Stops listening, closes every connection, then stops the event loop (in that order, so
    /// nothing is scheduled on a loop that is gone).
    public func shutdown() {
        try? server?.close().wait()
        for p in peers.values { p.close() }
        try? group.syncShutdownGracefully()
    }
}

/// One outbound connection to a peer, with a bounded queue while connecting.
final class OutboundPeer: @unchecked Sendable {
    let host: String, port: Int
    let group: MultiThreadedEventLoopGroup
    let limits: TransportLimits
    let lock = Mutex()
    var channel: Channel?
    var connecting = false
    var closed = false
    var queue: [[UInt8]] = []
    var backoff: Int64
    var nextAttempt: UInt64 = 0
    var droppedCount = 0

    init(host: String, port: Int, group: MultiThreadedEventLoopGroup, limits: TransportLimits) {
        self.host = host; self.port = port; self.group = group; self.limits = limits; backoff = limits.backoffMinMillis
    }

    func send(_ frame: [UInt8]) {
        let ch: Channel? = lock.withLock {
            if let c = channel, c.isActive { return c }
            queue.append(frame)
            if queue.count > limits.maxQueuedPerPeer { queue.removeFirst(); droppedCount += 1 }
            return nil
        }
        if let ch {
            write(frame, on: ch)
        } else {
            connectIfDue()
        }
    }

    func write(_ frame: [UInt8], on ch: Channel) {
        ch.eventLoop.execute { [self] in writeNow(frame, on: ch) }
    }

    /// Writes at once; the caller is on `ch`'s event loop.
    func writeNow(_ frame: [UInt8], on ch: Channel) {
        guard ch.isWritable else { lock.withLock { droppedCount += 1 }; return }
        ch.writeAndFlush(ch.allocator.buffer(bytes: frame), promise: nil)
    }

    func connectIfDue() {
        let now = SystemClock().monotonicNanos()
        let go: Bool = lock.withLock {
            guard !closed, !connecting, channel?.isActive != true, now >= nextAttempt else { return false }
            connecting = true
            return true
        }
        guard go else { return }
        let b = ClientBootstrap(group: group)
            .connectTimeout(.milliseconds(limits.connectTimeoutMillis))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelOption(.writeBufferWaterMark, value: .init(low: limits.maxUnsentBytes / 2, high: limits.maxUnsentBytes))
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(DiscardInbound()) }
            }
        b.connect(host: host, port: port).whenComplete { [self] result in
            switch result {
            case .success(let ch):
                let pending: [[UInt8]] = lock.withLock {
                    connecting = false
                    if closed { ch.close(promise: nil); return [] }
                    channel = ch; backoff = limits.backoffMinMillis
                    defer { queue = [] }
                    return queue
                }
                // On the channel's loop: the frames queued while connecting are written now,
                // before any task a sender queued after `channel` was set (frames stay in order).
                if ch.eventLoop.inEventLoop { for f in pending { writeNow(f, on: ch) } } else { for f in pending { write(f, on: ch) } }
                ch.closeFuture.whenComplete { [self] _ in
                    lock.withLock { if channel === ch { channel = nil } }
                    scheduleRetry()
                }
            case .failure:
                lock.withLock {
                    connecting = false
                    nextAttempt = SystemClock().monotonicNanos() + UInt64(backoff) * 1_000_000
                    backoff = min(backoff * 2, limits.backoffMaxMillis)
                }
                scheduleRetry()
            }
        }
    }

    /// Reconnects after the backoff when something is waiting to be sent.
    func scheduleRetry() {
        let (wait, want): (Int64, Bool) = lock.withLock { (backoff, !queue.isEmpty && !closed) }
        guard want else { return }
        // Runs on this peer's own loop thread (the close/connect callbacks), so the group is alive.
        group.next().scheduleTask(in: .milliseconds(wait)) { [self] in connectIfDue() }
    }

    func close() {
        let ch: Channel? = lock.withLock { closed = true; return channel }
        try? ch?.close().wait()
    }
}

/// Outbound connections only send; anything a peer writes back is discarded.
final class DiscardInbound: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}

/// Reads frames from one inbound connection, enforcing the limits; peer frames and client
/// queries go to the driver.
final class InboundFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let limits: TransportLimits
    let deliver: @Sendable (TransportInbound) -> Void
    var reader: FrameReader
    var partialSince: UInt64?
    var windowStart: UInt64 = 0
    var windowFrames = 0

    init(limits: TransportLimits, deliver: @escaping @Sendable (TransportInbound) -> Void) {
        self.limits = limits; self.deliver = deliver
        reader = FrameReader(maxFrameBytes: max(limits.maxPeerFrameBytes, limits.maxQueryFrameBytes), allowed: [.peer, .query])
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        let bytes = buf.readBytes(length: buf.readableBytes) ?? []
        let now = SystemClock().monotonicNanos()
        do {
            for f in try reader.push(bytes) {
                if now - windowStart > 1_000_000_000 { windowStart = now; windowFrames = 0 }
                windowFrames += 1
                guard windowFrames <= limits.maxFramesPerSecond else {
                    return reject(context, "more than \(limits.maxFramesPerSecond) frames per second")
                }
                switch f.kind {
                case .peer: deliver(.peer(f.payload))
                case .query:
                    guard f.payload.count <= limits.maxQueryFrameBytes, let q = try? ClientQuery.decode(f.payload) else {
                        return reject(context, "malformed client query")
                    }
                    deliver(.query(q, ClientChannel(channel: context.channel)))
                case .answer: return reject(context, "answer frame from a client")
                }
            }
        } catch {
            return reject(context, "\(error)")
        }
        if reader.pendingBytes > 0 {
            if let s = partialSince {
                if now - s > UInt64(limits.partialFrameMillis) * 1_000_000 { return reject(context, "frame not completed within \(limits.partialFrameMillis) ms") }
            } else { partialSince = now }
        } else { partialSince = nil }
    }

    func reject(_ context: ChannelHandlerContext, _ why: String) {
        let peer = context.remoteAddress.map { "\($0)" } ?? "?"
        deliver(.rejected("connection from \(peer) closed: \(why)"))
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? IdleStateHandler.IdleStateEvent, e == .read {
            context.close(promise: nil); return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
