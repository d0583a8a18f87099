/// The etcd v3 data model (the subset of `rpc.proto` / `kv.proto` GridClear uses), as plain
/// values. Pure. Keys and values are raw bytes; the gateway codec base64-encodes them.

/// The header every etcd response carries.
public struct ResponseHeader: Sendable, Equatable {
    /// The store revision when the request was applied.
    public var revision: Int64
    public var memberID: String
    public var raftTerm: Int64
    public init(revision: Int64, memberID: String = "", raftTerm: Int64 = 0) {
        self.revision = revision; self.memberID = memberID; self.raftTerm = raftTerm
    }
}

/// One key-value pair (`mvccpb.KeyValue`).
public struct KeyValue: Sendable, Equatable {
    public var key: [UInt8]
    public var value: [UInt8]
    public var createRevision: Int64
    public var modRevision: Int64
    public var version: Int64
    public var lease: Int64
    public init(key: [UInt8], value: [UInt8], createRevision: Int64 = 0, modRevision: Int64 = 0, version: Int64 = 0, lease: Int64 = 0) {
        self.key = key; self.value = value; self.createRevision = createRevision; self.modRevision = modRevision
        self.version = version; self.lease = lease
    }
    public var keyString: String { String(decoding: key, as: UTF8.self) }
    public var valueString: String { String(decoding: value, as: UTF8.self) }
}

/// A range read: `key` alone, or `[key, rangeEnd)`.
public struct RangeRequest: Sendable, Equatable {
    public var key: [UInt8]
    public var rangeEnd: [UInt8]?
    public var limit: Int64
    public var keysOnly: Bool
    public var countOnly: Bool
    public init(key: [UInt8], rangeEnd: [UInt8]? = nil, limit: Int64 = 0, keysOnly: Bool = false, countOnly: Bool = false) {
        self.key = key; self.rangeEnd = rangeEnd; self.limit = limit; self.keysOnly = keysOnly; self.countOnly = countOnly
    }
    /// Every key starting with `prefix`.
    public static func prefix(_ prefix: [UInt8], limit: Int64 = 0, keysOnly: Bool = false) -> RangeRequest {
        RangeRequest(key: prefix, rangeEnd: EtcdKey.prefixEnd(prefix), limit: limit, keysOnly: keysOnly)
    }
}

public struct RangeResponse: Sendable, Equatable {
    public var header: ResponseHeader
    public var kvs: [KeyValue]
    /// Keys in the range (may exceed `kvs.count` when a limit applied).
    public var count: Int64
    public var more: Bool
    public init(header: ResponseHeader, kvs: [KeyValue], count: Int64, more: Bool) {
        self.header = header; self.kvs = kvs; self.count = count; self.more = more
    }
}

/// Helpers for key ranges.
public enum EtcdKey {
    /// The smallest key greater than every key that starts with `prefix` (etcd's
    /// `clientv3.GetPrefixRangeEnd`): the last byte below 0xFF incremented, the rest cut.
    public static func prefixEnd(_ prefix: [UInt8]) -> [UInt8] {
        var end = prefix
        while let last = end.last {
            if last < 0xFF { end[end.count - 1] = last + 1; return end }
            end.removeLast()
        }
        return [0]  // "every key"
    }
}

/// One comparison of a transaction (`etcdserverpb.Compare`).
public struct Compare: Sendable, Equatable {
    public enum Result: String, Sendable { case equal = "EQUAL", greater = "GREATER", less = "LESS", notEqual = "NOT_EQUAL" }
    public enum Target: Sendable, Equatable {
        case version(Int64)
        case createRevision(Int64)
        case modRevision(Int64)
        case value([UInt8])
        case lease(Int64)
    }
    public var key: [UInt8]
    public var result: Result
    public var target: Target
    public init(key: [UInt8], _ result: Result, _ target: Target) { self.key = key; self.result = result; self.target = target }

    /// True when `key` does not exist (its create revision is 0).
    public static func absent(_ key: [UInt8]) -> Compare { Compare(key: key, .equal, .createRevision(0)) }
}

/// One operation inside a transaction (`etcdserverpb.RequestOp`).
public enum TxnOp: Sendable, Equatable {
    case put(key: [UInt8], value: [UInt8], lease: Int64)
    case range(RangeRequest)
    case deleteRange(key: [UInt8], rangeEnd: [UInt8]?)
}

/// `if all(compare) then success else failure`, applied atomically at one revision.
public struct TxnRequest: Sendable, Equatable {
    public var compare: [Compare]
    public var success: [TxnOp]
    public var failure: [TxnOp]
    public init(compare: [Compare], success: [TxnOp], failure: [TxnOp] = []) {
        self.compare = compare; self.success = success; self.failure = failure
    }
}

/// The result of one transaction operation.
public enum TxnOpResponse: Sendable, Equatable {
    case range(RangeResponse)
    case put
    case deleteRange(deleted: Int64)
}

public struct TxnResponse: Sendable, Equatable {
    public var header: ResponseHeader
    public var succeeded: Bool
    public var responses: [TxnOpResponse]
    public init(header: ResponseHeader, succeeded: Bool, responses: [TxnOpResponse]) {
        self.header = header; self.succeeded = succeeded; self.responses = responses
    }
    /// The key-values of the `i`-th response when it is a range.
    public func kvs(_ i: Int) -> [KeyValue] {
        guard i < responses.count, case .range(let r) = responses[i] else { return [] }
        return r.kvs
    }
}

public struct LeaseGrant: Sendable, Equatable {
    public var header: ResponseHeader
    public var id: Int64
    public var ttlSeconds: Int64
}

/// A keep-alive answer. `ttlSeconds == 0` means the lease no longer exists (expired or
/// revoked): its holder has lost everything attached to it.
public struct LeaseKeepAlive: Sendable, Equatable {
    public var header: ResponseHeader
    public var id: Int64
    public var ttlSeconds: Int64
}

/// `Maintenance.Status` of the member that answered.
public struct MemberStatus: Sendable, Equatable {
    public var header: ResponseHeader
    public var version: String
    /// Backend database size in bytes (what the quota is checked against), and the part
    /// of it in use (the rest is free pages that etcd reuses; `defrag` returns them).
    public var dbSize: Int64
    public var dbSizeInUse: Int64
    public var leader: String
    public var raftIndex: Int64
    public var errors: [String]
}

/// One watch event.
public struct WatchEvent: Sendable, Equatable {
    public enum Kind: Sendable { case put, delete }
    public var kind: Kind
    public var kv: KeyValue
    public init(kind: Kind, kv: KeyValue) { self.kind = kind; self.kv = kv }
}

/// One message of a watch stream.
public struct WatchMessage: Sendable, Equatable {
    public var header: ResponseHeader
    public var created: Bool
    public var canceled: Bool
    /// Set when the watch was canceled because its start revision was compacted away:
    /// the watcher must read the current state and watch again from a newer revision.
    public var compactRevision: Int64
    public var events: [WatchEvent]
}
