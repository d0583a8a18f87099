import NIOCore
import NIOHTTP1

/// A call written into a gateway connection: the handler turns it into one HTTP/1.1 POST
/// and completes `promise` with the whole body (unary), or hands each body chunk to
/// `onChunk` as it arrives (the watch stream) and completes `promise` when it ends.
struct GatewayCall: Sendable {
    var path: String
    var host: String
    var body: [UInt8]
    var promise: EventLoopPromise<GatewayReply>
    var onChunk: (@Sendable ([UInt8]) -> Void)?
}

/// The HTTP status and body of one gateway answer (the body is empty for a stream).
struct GatewayReply: Sendable {
    var status: UInt
    var body: [UInt8]
}

/// Why a connection failed while a call was pending.
struct GatewayTransportError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// The NIO handler under one gateway connection. At most one call is pending at a time
/// (the client serialises calls per connection). Guarantees: the pending promise is
/// completed exactly once: by the end of the response, or failed when the connection
/// closes or errors first.
final class GatewayHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = GatewayCall
    typealias OutboundOut = HTTPClientRequestPart

    private var pending: GatewayCall?
    private var status: UInt = 0
    private var body: [UInt8] = []

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let call = unwrapOutboundIn(data)
        guard pending == nil else {
            call.promise.fail(GatewayTransportError(description: "a call is already pending on this connection"))
            promise?.succeed(())
            return
        }
        pending = call; status = 0; body = []
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: call.path)
        head.headers.add(name: "Host", value: call.host)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Content-Length", value: String(call.body.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: call.body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): status = h.status.code
        case .body(var buf):
            let bytes = buf.readBytes(length: buf.readableBytes) ?? []
            if let onChunk = pending?.onChunk, status == 200 { onChunk(bytes) } else { body += bytes }
        case .end:
            if let call = pending {
                pending = nil
                call.promise.succeed(GatewayReply(status: status, body: body))
            }
            body = []
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(GatewayTransportError(description: "connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        fail(GatewayTransportError(description: "\(error)"))
        context.close(promise: nil)
    }

    private func fail(_ e: Error) {
        if let call = pending { pending = nil; call.promise.fail(e) }
    }
}
