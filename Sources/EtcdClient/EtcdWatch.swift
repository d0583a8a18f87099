import NIOCore
import GridClearSystem

/// A watch stream on one key range, on its own connection. Messages are queued as they
/// arrive (on the NIO event loop) and taken by `poll()` from the caller's thread.
///
/// Guarantees: messages come out in stream order; when the stream ends for any reason
/// (connection lost, member stopped, canceled by etcd) `isClosed` becomes true and the
/// caller opens a new watch from the revision after the last one it saw — etcd then
/// replays every change since (or cancels with `compactRevision` if that history is gone).
public final class EtcdWatch: @unchecked Sendable {
    private let connection: GatewayConnection
    private let queue = Locked(WatchQueue())

    struct WatchQueue {
        var buffer: [UInt8] = []
        var messages: [Result<WatchMessage, EtcdError>] = []
        var closed = false
    }

    /// Opens a watch on `[key, rangeEnd)` from `startRevision` on the first endpoint of
    /// `endpoints` (starting at `preferred`) that accepts a connection.
    public init(endpoints: [EtcdEndpoint], preferred: Int = 0, key: [UInt8], rangeEnd: [UInt8]?, startRevision: Int64,
                timeoutMillis: Int64 = 2_000) throws(EtcdError) {
        var conn: GatewayConnection?
        var last = ""
        for i in 0..<endpoints.count {
            let ep = endpoints[(preferred + i) % endpoints.count]
            do { conn = try GatewayConnection.connect(ep, timeoutMillis: timeoutMillis); break } catch { last = "\(ep): \(error)" }
        }
        guard let conn else { throw .unavailable(endpoints: endpoints.map(\.description), lastError: last) }
        connection = conn
        let request = EtcdRequest.watch(key: key, rangeEnd: rangeEnd, startRevision: startRevision)
        let q = queue
        let done = conn.stream(path: request.path, body: request.bodyBytes) { chunk in
            q.withValue { state in
                state.buffer += chunk
                while let nl = state.buffer.firstIndex(of: 0x0A) {
                    let line = Array(state.buffer[..<nl])
                    state.buffer.removeSubrange(...nl)
                    if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
                    do throws(EtcdError) {
                        let doc = try EtcdResponseDecoder.document(line)
                        state.messages.append(.success(try EtcdResponseDecoder.watch(doc)))
                    } catch { state.messages.append(.failure(error)) }
                }
            }
        }
        done.whenComplete { _ in q.withValue { $0.closed = true } }
    }

    deinit { connection.close() }

    /// Takes every message received so far.
    public func poll() -> [Result<WatchMessage, EtcdError>] {
        queue.withValue { s in defer { s.messages = [] }; return s.messages }
    }

    /// True once the stream has ended (and every message before the end was queued).
    public var isClosed: Bool { queue.withValue { $0.closed } }

    public func cancel() { connection.close() }
}
