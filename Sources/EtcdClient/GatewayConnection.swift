import NIOCore
import NIOPosix
import NIOHTTP1

/// One HTTP/1.1 keep-alive connection to one etcd client URL.
///
/// Guarantees: `call` returns within `timeoutMillis` (the connection is closed on timeout,
/// which fails the call); a connection that failed once is never reused (`isUsable`).
final class GatewayConnection: @unchecked Sendable {
    let endpoint: EtcdEndpoint
    private let channel: Channel

    private init(endpoint: EtcdEndpoint, channel: Channel) { self.endpoint = endpoint; self.channel = channel }

    static func connect(_ endpoint: EtcdEndpoint, timeoutMillis: Int64) throws -> GatewayConnection {
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.milliseconds(timeoutMillis))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(GatewayHandler())
                }
            }
        let channel = try bootstrap.connect(host: endpoint.host, port: endpoint.port).wait()
        return GatewayConnection(endpoint: endpoint, channel: channel)
    }

    var isUsable: Bool { channel.isActive }

    /// One unary call: POST `path` with `body`; the status and body of the answer.
    func call(path: String, body: [UInt8], timeoutMillis: Int64) throws -> GatewayReply {
        let promise = channel.eventLoop.makePromise(of: GatewayReply.self)
        let ch = channel
        let timer = channel.eventLoop.scheduleTask(in: .milliseconds(timeoutMillis)) {
            // Fails the call even when the connection was already gone (closing it again would not).
            promise.fail(GatewayTransportError(description: "no answer within \(timeoutMillis) ms"))
            ch.close(promise: nil)
        }
        defer { timer.cancel() }
        send(GatewayCall(path: path, host: endpoint.hostPort, body: body, promise: promise, onChunk: nil))
        do { return try promise.futureResult.wait() } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Starts a streaming call; `onChunk` runs on the event loop for each body chunk.
    /// The returned future completes when the stream ends (or fails when the connection does).
    func stream(path: String, body: [UInt8], onChunk: @escaping @Sendable ([UInt8]) -> Void) -> EventLoopFuture<GatewayReply> {
        let promise = channel.eventLoop.makePromise(of: GatewayReply.self)
        send(GatewayCall(path: path, host: endpoint.hostPort, body: body, promise: promise, onChunk: onChunk))
        return promise.futureResult
    }

    /// Writes a call; a write that fails (the connection closed before it, so the handler never
    /// sees the call and `channelInactive` has already run) fails the call's promise, so no
    /// caller waits for an answer that cannot come. (A second completion is ignored by NIO.)
    private func send(_ call: GatewayCall) {
        let written = channel.eventLoop.makePromise(of: Void.self)
        written.futureResult.whenFailure { call.promise.fail($0) }
        channel.writeAndFlush(call, promise: written)
    }

    func close() { channel.close(promise: nil) }
}

/// A parsed etcd client URL (`http://HOST:PORT`). TLS is not supported by this client.
public struct EtcdEndpoint: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public init(host: String, port: Int) { self.host = host; self.port = port }

    public init(parsing url: String) throws(EtcdError) {
        var s = Substring(url)
        if s.hasPrefix("http://") { s = s.dropFirst(7) } else if s.contains("://") { throw .badEndpoint(url) }
        while s.hasSuffix("/") { s = s.dropLast() }
        guard let colon = s.lastIndex(of: ":"), let p = Int(s[s.index(after: colon)...]), p > 0, p < 65536 else { throw .badEndpoint(url) }
        let h = String(s[..<colon])
        guard !h.isEmpty else { throw .badEndpoint(url) }
        host = h; port = p
    }

    /// `URL[,URL…]` as given to `--endpoints`.
    public static func list(_ text: String) throws(EtcdError) -> [EtcdEndpoint] {
        var out: [EtcdEndpoint] = []
        for part in text.split(separator: ",") where !part.isEmpty {
            out.append(try EtcdEndpoint(parsing: String(part)))
        }
        guard !out.isEmpty else { throw .badEndpoint(text) }
        return out
    }

    var hostPort: String { "\(host):\(port)" }
    public var description: String { "http://\(host):\(port)" }
}
