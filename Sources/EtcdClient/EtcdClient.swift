import GridClearSystem

/// A synchronous etcd v3 client over the JSON gateway, with failover across endpoints.
///
/// Guarantees:
/// - Every call returns or throws within about `timeoutMillis` per endpoint tried.
/// - A call that fails at the transport level (refused, reset, timed out) or with an
///   error meaning "this member cannot serve now" (no leader, unavailable) is retried once
///   on each other endpoint; any other server error is thrown at once.
/// - Calls are serialised (one connection in use at a time); the client may be shared
///   between threads.
/// - A write that timed out may or may not have been applied: callers make writes
///   idempotent or guard them with transaction compares (GridClear does both).
public final class EtcdClient: @unchecked Sendable {
    public let endpoints: [EtcdEndpoint]
    public let timeoutMillis: Int64
    private let lock = Mutex()
    private var current = 0
    private var connection: GatewayConnection?

    public init(endpoints: [EtcdEndpoint], timeoutMillis: Int64 = 2_000) {
        precondition(!endpoints.isEmpty, "at least one etcd endpoint")
        self.endpoints = endpoints; self.timeoutMillis = timeoutMillis
    }

    deinit { connection?.close() }

    /// The endpoint the last successful call used.
    public var currentEndpoint: EtcdEndpoint { lock.withLock { endpoints[current] } }

    /// Sends one request and returns the parsed answer (gateway errors thrown as `.server`).
    public func send(_ request: EtcdRequest) throws(EtcdError) -> GatewayReplyJSON {
        let body = request.bodyBytes
        let result: Result<GatewayReplyJSON, EtcdError> = lock.withLock {
            var last = ""
            for attempt in 0..<endpoints.count {
                let ep = endpoints[(current + attempt) % endpoints.count]
                do {
                    let conn: GatewayConnection
                    if let c = connection, c.isUsable, c.endpoint == ep { conn = c } else {
                        connection?.close(); connection = nil
                        conn = try GatewayConnection.connect(ep, timeoutMillis: timeoutMillis)
                        connection = conn
                    }
                    let reply = try conn.call(path: request.path, body: body, timeoutMillis: timeoutMillis)
                    let doc: GatewayReplyJSON
                    do { doc = try EtcdResponseDecoder.document(reply.body) } catch let error as EtcdError {
                        if case .server(let code, let msg) = error, EtcdClient.isMemberUnavailable(code, msg) {
                            last = "\(ep): \(msg)"; connection?.close(); connection = nil; continue
                        }
                        return .failure(error)
                    } catch { return .failure(.badResponse("\(error)")) }
                    guard reply.status == 200 else {
                        return .failure(.badResponse("HTTP \(reply.status) from \(ep)\(request.path)"))
                    }
                    current = (current + attempt) % endpoints.count
                    return .success(doc)
                } catch {
                    last = "\(ep): \(error)"
                    connection?.close(); connection = nil
                }
            }
            current = (current + 1) % endpoints.count
            return .failure(.unavailable(endpoints: endpoints.map(\.description), lastError: last))
        }
        return try result.get()
    }

    /// gRPC Unavailable (14), DeadlineExceeded (4) and the "no leader" family: another
    /// member may serve the call.
    static func isMemberUnavailable(_ code: Int, _ msg: String) -> Bool {
        code == 14 || code == 4 || msg.contains("no leader") || msg.contains("leader changed") || msg.contains("request timed out")
    }

    // MARK: typed calls

    public func range(_ r: RangeRequest) throws(EtcdError) -> RangeResponse {
        try EtcdResponseDecoder.range(try send(.range(r)))
    }
    public func get(_ key: String) throws(EtcdError) -> KeyValue? {
        try range(RangeRequest(key: Array(key.utf8))).kvs.first
    }
    public func put(_ key: [UInt8], _ value: [UInt8], lease: Int64 = 0) throws(EtcdError) -> ResponseHeader {
        EtcdResponseDecoder.header(try send(.put(key: key, value: value, lease: lease))["header"])
    }
    public func delete(_ key: [UInt8], rangeEnd: [UInt8]? = nil) throws(EtcdError) -> (ResponseHeader, deleted: Int64) {
        let v = try send(.deleteRange(key: key, rangeEnd: rangeEnd))
        return (EtcdResponseDecoder.header(v["header"]), EtcdResponseDecoder.deleted(v))
    }
    public func txn(_ t: TxnRequest) throws(EtcdError) -> TxnResponse {
        try EtcdResponseDecoder.txn(try send(.txn(t)))
    }
    public func grantLease(ttlSeconds: Int64) throws(EtcdError) -> LeaseGrant {
        try EtcdResponseDecoder.leaseGrant(try send(.leaseGrant(ttlSeconds: ttlSeconds)))
    }
    public func keepAlive(lease: Int64) throws(EtcdError) -> LeaseKeepAlive {
        try EtcdResponseDecoder.leaseKeepAlive(try send(.leaseKeepAlive(id: lease)))
    }
    public func revoke(lease: Int64) throws(EtcdError) {
        do { _ = try send(.leaseRevoke(id: lease)) } catch { if !error.isLeaseNotFound { throw error } }
    }
    public func compact(revision: Int64) throws(EtcdError) {
        do { _ = try send(.compact(revision: revision)) } catch { if !error.isCompacted { throw error } }
    }
    public func status() throws(EtcdError) -> MemberStatus {
        try EtcdResponseDecoder.status(try send(.status))
    }
}
