import GridClearCore

/// An answer of the gateway, as GridClearCore's one JSON reader parses it.
public typealias GatewayReplyJSON = JSONReader.Value

extension JSONReader.Value {
    /// An int64 as proto3 JSON sends it: a decimal string (or, leniently, a number).
    var i64: Int64? {
        switch self {
        case .number(let s), .string(let s): return Int64(s)
        default: return nil
        }
    }
    var isTrue: Bool { self == .bool(true) }
}

/// Decodes the gateway's JSON answers into the model. Pure. proto3 JSON omits fields at
/// their default value (`succeeded: false`, `count: 0`, `TTL: 0`), so absent means default.
public enum EtcdResponseDecoder {
    /// Parses a body, turning a gateway error object (`{"error":…,"code":N}`) into
    /// `EtcdError.server`.
    public static func document(_ bytes: [UInt8]) throws(EtcdError) -> GatewayReplyJSON {
        let v: GatewayReplyJSON
        do { v = try JSONReader.parse(bytes) } catch {
            throw .badResponse("\(error) in \(String(decoding: bytes.prefix(200), as: UTF8.self))")
        }
        if let msg = v["error"]?.string ?? v["message"]?.string, v["header"] == nil, v["result"] == nil {
            throw .server(code: Int(v["code"]?.i64 ?? 2), message: msg)
        }
        return v
    }

    public static func header(_ v: GatewayReplyJSON?) -> ResponseHeader {
        ResponseHeader(revision: v?["revision"]?.i64 ?? 0, memberID: v?["member_id"]?.string ?? "", raftTerm: v?["raft_term"]?.i64 ?? 0)
    }

    static func bytes(_ v: GatewayReplyJSON?, _ what: String) throws(EtcdError) -> [UInt8] {
        guard let v else { return [] }
        guard let s = v.string, let b = Base64.decode(s) else { throw .badResponse("\(what) is not base64") }
        return b
    }

    public static func keyValue(_ v: GatewayReplyJSON) throws(EtcdError) -> KeyValue {
        KeyValue(key: try bytes(v["key"], "key"), value: try bytes(v["value"], "value"),
                 createRevision: v["create_revision"]?.i64 ?? 0, modRevision: v["mod_revision"]?.i64 ?? 0,
                 version: v["version"]?.i64 ?? 0, lease: v["lease"]?.i64 ?? 0)
    }

    public static func range(_ v: GatewayReplyJSON) throws(EtcdError) -> RangeResponse {
        var kvs: [KeyValue] = []
        for kv in v["kvs"]?.array ?? [] { kvs.append(try keyValue(kv)) }
        return RangeResponse(header: header(v["header"]), kvs: kvs, count: v["count"]?.i64 ?? 0, more: v["more"]?.isTrue ?? false)
    }

    public static func txn(_ v: GatewayReplyJSON) throws(EtcdError) -> TxnResponse {
        var out: [TxnOpResponse] = []
        for r in v["responses"]?.array ?? [] {
            if let rr = r["response_range"] { out.append(.range(try range(rr))) }
            else if r["response_put"] != nil { out.append(.put) }
            else if let d = r["response_delete_range"] { out.append(.deleteRange(deleted: d["deleted"]?.i64 ?? 0)) }
            else { throw .badResponse("unknown transaction response \(String(describing: r).prefix(120))") }
        }
        return TxnResponse(header: header(v["header"]), succeeded: v["succeeded"]?.isTrue ?? false, responses: out)
    }

    public static func leaseGrant(_ v: GatewayReplyJSON) throws(EtcdError) -> LeaseGrant {
        if let e = v["error"]?.string, !e.isEmpty { throw .server(code: 2, message: e) }
        guard let id = v["ID"]?.i64 else { throw .badResponse("lease grant without an ID") }
        return LeaseGrant(header: header(v["header"]), id: id, ttlSeconds: v["TTL"]?.i64 ?? 0)
    }

    /// The gateway streams keep-alive answers as `{"result":{…}}`.
    public static func leaseKeepAlive(_ v: GatewayReplyJSON) throws(EtcdError) -> LeaseKeepAlive {
        let r = v["result"] ?? v
        return LeaseKeepAlive(header: header(r["header"]), id: r["ID"]?.i64 ?? 0, ttlSeconds: r["TTL"]?.i64 ?? 0)
    }

    public static func status(_ v: GatewayReplyJSON) throws(EtcdError) -> MemberStatus {
        MemberStatus(header: header(v["header"]), version: v["version"]?.string ?? "", dbSize: v["dbSize"]?.i64 ?? 0,
                     dbSizeInUse: v["dbSizeInUse"]?.i64 ?? v["dbSize"]?.i64 ?? 0, leader: v["leader"]?.string ?? "",
                     raftIndex: v["raftIndex"]?.i64 ?? 0, errors: (v["errors"]?.array ?? []).compactMap(\.string))
    }

    /// `deleted` of a DeleteRange answer.
    public static func deleted(_ v: GatewayReplyJSON) -> Int64 { v["deleted"]?.i64 ?? 0 }

    /// One line of the watch stream.
    public static func watch(_ v: GatewayReplyJSON) throws(EtcdError) -> WatchMessage {
        if let e = v["error"], v["result"] == nil {
            throw .server(code: Int(e["grpc_code"]?.i64 ?? e["code"]?.i64 ?? 2), message: e["message"]?.string ?? String(describing: e))
        }
        let r = v["result"] ?? v
        var events: [WatchEvent] = []
        for e in r["events"]?.array ?? [] {
            guard let kv = e["kv"] else { continue }
            events.append(WatchEvent(kind: e["type"]?.string == "DELETE" ? .delete : .put, kv: try keyValue(kv)))
        }
        return WatchMessage(header: header(r["header"]), created: r["created"]?.isTrue ?? false, canceled: r["canceled"]?.isTrue ?? false,
                            compactRevision: r["compact_revision"]?.i64 ?? 0, events: events)
    }
}
