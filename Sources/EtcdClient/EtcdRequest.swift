/// One etcd v3 call, encoded for the JSON gateway (`POST /v3/...`, proto3 JSON mapping:
/// bytes base64, int64 as decimal strings, enums by name). Pure: building a request and
/// decoding its answer involve no I/O, so both are unit-tested without etcd.
public enum EtcdRequest: Sendable, Equatable {
    case range(RangeRequest)
    case put(key: [UInt8], value: [UInt8], lease: Int64)
    case deleteRange(key: [UInt8], rangeEnd: [UInt8]?)
    case txn(TxnRequest)
    case leaseGrant(ttlSeconds: Int64)
    case leaseKeepAlive(id: Int64)
    case leaseRevoke(id: Int64)
    /// Compacts the key-value history up to `revision` (physical: false).
    case compact(revision: Int64)
    case status
    /// The watch stream (`/v3/watch`) for `[key, rangeEnd)` from `startRevision`.
    case watch(key: [UInt8], rangeEnd: [UInt8]?, startRevision: Int64)

    /// The gateway path (etcd 3.4 serves `/v3/...`; 3.3 used `/v3beta/...`).
    public var path: String {
        switch self {
        case .range: return "/v3/kv/range"
        case .put: return "/v3/kv/put"
        case .deleteRange: return "/v3/kv/deleterange"
        case .txn: return "/v3/kv/txn"
        case .leaseGrant: return "/v3/lease/grant"
        case .leaseKeepAlive: return "/v3/lease/keepalive"
        case .leaseRevoke: return "/v3/lease/revoke"
        case .compact: return "/v3/kv/compaction"
        case .status: return "/v3/maintenance/status"
        case .watch: return "/v3/watch"
        }
    }

    /// The JSON body.
    public var body: JSONValue {
        switch self {
        case .range(let r): return EtcdRequest.rangeJSON(r)
        case .put(let k, let v, let lease): return EtcdRequest.putJSON(k, v, lease)
        case .deleteRange(let k, let end): return EtcdRequest.deleteJSON(k, end)
        case .txn(let t):
            return .object([("compare", .array(t.compare.map(EtcdRequest.compareJSON))),
                            ("success", .array(t.success.map(EtcdRequest.opJSON))),
                            ("failure", .array(t.failure.map(EtcdRequest.opJSON)))])
        case .leaseGrant(let ttl): return .object([("TTL", .string(String(ttl)))])
        case .leaseKeepAlive(let id), .leaseRevoke(let id): return .object([("ID", .string(String(id)))])
        case .compact(let rev): return .object([("revision", .string(String(rev))), ("physical", .bool(false))])
        case .status: return .object([])
        case .watch(let k, let end, let rev):
            var m: [(String, JSONValue)] = [("key", .string(Base64.encode(k)))]
            if let end { m.append(("range_end", .string(Base64.encode(end)))) }
            if rev > 0 { m.append(("start_revision", .string(String(rev)))) }
            return .object([("create_request", .object(m))])
        }
    }

    public var bodyBytes: [UInt8] { body.renderedBytes() }

    static func rangeJSON(_ r: RangeRequest) -> JSONValue {
        var m: [(String, JSONValue)] = [("key", .string(Base64.encode(r.key)))]
        if let e = r.rangeEnd { m.append(("range_end", .string(Base64.encode(e)))) }
        if r.limit > 0 { m.append(("limit", .string(String(r.limit)))) }
        if r.keysOnly { m.append(("keys_only", .bool(true))) }
        if r.countOnly { m.append(("count_only", .bool(true))) }
        return .object(m)
    }
    static func putJSON(_ k: [UInt8], _ v: [UInt8], _ lease: Int64) -> JSONValue {
        var m: [(String, JSONValue)] = [("key", .string(Base64.encode(k))), ("value", .base64(v))]
        if lease != 0 { m.append(("lease", .string(String(lease)))) }
        return .object(m)
    }
    static func deleteJSON(_ k: [UInt8], _ end: [UInt8]?) -> JSONValue {
        var m: [(String, JSONValue)] = [("key", .string(Base64.encode(k)))]
        if let end { m.append(("range_end", .string(Base64.encode(end)))) }
        return .object(m)
    }
    static func compareJSON(_ c: Compare) -> JSONValue {
        var m: [(String, JSONValue)] = [("key", .string(Base64.encode(c.key))), ("result", .string(c.result.rawValue))]
        switch c.target {
        case .version(let v): m += [("target", .string("VERSION")), ("version", .string(String(v)))]
        case .createRevision(let v): m += [("target", .string("CREATE")), ("create_revision", .string(String(v)))]
        case .modRevision(let v): m += [("target", .string("MOD")), ("mod_revision", .string(String(v)))]
        case .value(let v): m += [("target", .string("VALUE")), ("value", .base64(v))]
        case .lease(let v): m += [("target", .string("LEASE")), ("lease", .string(String(v)))]
        }
        return .object(m)
    }
    static func opJSON(_ op: TxnOp) -> JSONValue {
        switch op {
        case .put(let k, let v, let lease): return .object([("request_put", putJSON(k, v, lease))])
        case .range(let r): return .object([("request_range", rangeJSON(r))])
        case .deleteRange(let k, let end): return .object([("request_delete_range", deleteJSON(k, end))])
        }
    }
}
