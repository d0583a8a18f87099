import NIOCore
import NIOHTTP1
import NIOPosix

/// One HTTP response of the service.
public struct ServiceResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status; self.contentType = contentType; self.body = body
    }
    public static func text(_ s: String, status: Int = 200) -> ServiceResponse {
        ServiceResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(s.utf8))
    }
}

/// A small read-only HTTP/1.1 server on swift-nio: GET and HEAD only, request bodies
/// refused (413 past `maxBodyBytes`), the route called on a thread pool (it reads files),
/// never on the event loop; keep-alive as the client asks. Binds where it is told
/// (`127.0.0.1:0` picks a free port; `boundPort` says which).
public final class ServiceHTTPServer: Sendable {
    public typealias Route = @Sendable (_ method: String, _ path: String) -> ServiceResponse
    public static let maxBodyBytes = 0
    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool
    let channel: any Channel

    /// Starts listening on `host:port`. Throws when the address cannot be bound.
    public init(host: String, port: Int, route: @escaping Route) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { ch in
                    ch.pipeline.configureHTTPServerPipeline(withErrorHandling: true).flatMap {
                        ch.pipeline.addHandler(RouteHandler(route: route, pool: pool))
                    }
                }
                .bind(host: host, port: port).wait()
        } catch {
            try? pool.syncShutdownGracefully()
            try? group.syncShutdownGracefully()
            throw error
        }
        self.group = group; self.pool = pool
    }

    /// The port the server listens on.
    public var boundPort: Int { channel.localAddress?.port ?? 0 }
    /// `host:port` the server listens on.
    public var boundAddress: String {
        guard let a = channel.localAddress else { return "?" }
        let host = a.ipAddress ?? "?"
        return (host.contains(":") ? "[\(host)]" : host) + ":\(a.port ?? 0)"
    }

    /// Closes the listening socket and every connection, then stops the threads.
    public func shutdown() {
        try? channel.close().wait()
        try? pool.syncShutdownGracefully()
        try? group.syncShutdownGracefully()
    }
}

/// Routes each complete request (head + end) to the thread pool and writes the response.
final class RouteHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    let route: ServiceHTTPServer.Route
    let pool: NIOThreadPool
    private var head: HTTPRequestHead?
    private var tooLarge = false

    init(route: @escaping ServiceHTTPServer.Route, pool: NIOThreadPool) { self.route = route; self.pool = pool }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h; tooLarge = false
        case .body(let b): if b.readableBytes > ServiceHTTPServer.maxBodyBytes { tooLarge = true }
        case .end:
            guard let h = head else { return }
            head = nil
            let method = h.method.rawValue, keepAlive = h.isKeepAlive, version = h.version
            let path = String(h.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "/")
            let route = self.route, big = tooLarge
            let ctx = NIOLoopBound(context, eventLoop: context.eventLoop)
            let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
            pool.runIfActive(eventLoop: context.eventLoop) { () -> ServiceResponse in
                if big { return .text("request bodies are not accepted\n", status: 413) }
                guard method == "GET" || method == "HEAD" else { return .text("only GET and HEAD\n", status: 405) }
                return route(method, path)
            }.whenComplete { result in
                let r = (try? result.get()) ?? .text("internal error\n", status: 500)
                handler.value.respond(r, head: method == "HEAD", keepAlive: keepAlive, version: version, context: ctx.value)
            }
        }
    }

    func respond(_ r: ServiceResponse, head: Bool, keepAlive: Bool, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: r.contentType)
        headers.add(name: "Content-Length", value: String(r.body.count))
        headers.add(name: "Cache-Control", value: "no-store")
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        // No script anywhere: the page and the charts render with inline styles and same-origin images only.
        headers.add(name: "Content-Security-Policy", value: "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'")
        headers.add(name: "Connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: r.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: status, headers: headers))), promise: nil)
        if !head {
            var buf = context.channel.allocator.buffer(capacity: r.body.count)
            buf.writeBytes(r.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buf))), promise: nil)
        }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let ch = context.channel
            done.whenComplete { _ in ch.close(promise: nil) }
        }
    }
}
