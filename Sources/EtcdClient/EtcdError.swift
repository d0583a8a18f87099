/// Everything that can go wrong talking to etcd, each case saying what to do.
public enum EtcdError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No endpoint answered (connection refused, reset or timed out on every one).
    case unavailable(endpoints: [String], lastError: String)
    /// etcd answered with a gRPC error status (e.g. 5 "requested lease not found",
    /// 11 "required revision has been compacted", 8 "request is too large", or the
    /// "database space exceeded" alarm).
    case server(code: Int, message: String)
    /// The answer was not what the v3 gateway sends (wrong etcd version or not etcd).
    case badResponse(String)
    /// An endpoint URL that cannot be used.
    case badEndpoint(String)

    public var description: String {
        switch self {
        case .unavailable(let eps, let last):
            return "etcd unreachable at \(eps.joined(separator: ",")) (\(last)); check that the etcd members run and --endpoints lists their client URLs"
        case .server(let code, let message):
            if message.contains("database space exceeded") {
                return "etcd refused a write: \(message) (code \(code)); the storage quota is full: compact, defragment and `etcdctl alarm disarm`, see docs/replication.md"
            }
            if message.contains("too large") {
                return "etcd refused a request: \(message) (code \(code)); the request is over etcd's --max-request-bytes"
            }
            return "etcd error \(code): \(message)"
        case .badResponse(let s):
            return "unexpected answer from etcd: \(s) (GridClear needs etcd ≥ 3.4 with its v3 JSON gateway on the client URL)"
        case .badEndpoint(let s):
            return "bad etcd endpoint '\(s)': expected http://HOST:PORT"
        }
    }

    /// gRPC code 11 (OutOfRange): the requested revision was compacted.
    public var isCompacted: Bool { if case .server(let c, let m) = self { return c == 11 || m.contains("compacted") }; return false }
    /// gRPC code 5 (NotFound) for a lease.
    public var isLeaseNotFound: Bool { if case .server(_, let m) = self { return m.contains("lease not found") }; return false }
}
