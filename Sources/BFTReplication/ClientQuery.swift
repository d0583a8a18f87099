import GridClearCore
import LedgerLite

/// What a client (an operator, a participant, `gridclear node status|result|submit`) asks one
/// replica. Encoding: u8 type | fields. Answers are `ClientAnswer`s on the same connection.
public enum ClientQuery: Sendable, Equatable {
    /// The replica's view, primary and ledger head.
    case status
    /// Where cycle `id` is committed (a signed `ClientReply` and the block).
    case result(cycle: String)
    /// Ask the committee to clear cycle `id` now (it must be in the replicas' inputs folder),
    /// without waiting for its gate closure; answered like `result`.
    case submit(cycle: String)
    /// A signed request handed to the replicas for ordering (see `SubmittedRequest`).
    case forward(SubmittedRequest)

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case .status: w.u8(1)
        case .result(let c): w.u8(2); w.text(c)
        case .submit(let c): w.u8(3); w.text(c)
        case .forward(.member(let f)): w.u8(4); f.write(&w)
        case .forward(.keyReplacement(let k)): w.u8(5); w.blob(k.encoded())
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> ClientQuery {
        var r = ByteReader(bytes, cap: 1 << 20)
        let q: ClientQuery
        switch try r.u8() {
        case 1: q = .status
        case 2: q = .result(cycle: try r.text(max: 256))
        case 3: q = .submit(cycle: try r.text(max: 256))
        case 4: q = .forward(.member(try ForwardedRequest.read(&r)))
        case 5: q = .forward(.keyReplacement(try KeyReplacement.decode(try r.blob(max: 1024))))
        case let t: throw DecodeError.badTag(at: 0, tag: t, what: "client query")
        }
        try r.finish()
        return q
    }
}

/// A signed request someone other than the primary hands to every replica for ordering (PBFT
/// clients multicast their requests). Encoded as query type 4 (member) or 5 (key replacement).
public enum SubmittedRequest: Sendable, Equatable {
    /// A replica's own request (its disagreement record), signed by it.
    case member(ForwardedRequest)
    /// An operator's key replacement (self-authenticating: the operator key the genesis pins
    /// signed it). Answered like `result`: `.committed` with a signed reply and the block once
    /// the replacement is in the ledger, `.notCommitted(known: true)` while it is queued, or
    /// `.refused` with the reason the membership refuses it.
    case keyReplacement(KeyReplacement)
}

/// One replica's state as reported to `node status` (informational, unsigned).
public struct ReplicaStatus: Sendable, Equatable {
    public var replica: ReplicaID
    public var view: UInt64
    public var primary: ReplicaID
    /// False between VIEW-CHANGE and NEW-VIEW.
    public var active: Bool
    public var height: UInt64
    public var head: [UInt8]
    public var pendingRequests: UInt32
    public init(replica: ReplicaID, view: UInt64, primary: ReplicaID, active: Bool, height: UInt64, head: [UInt8], pendingRequests: UInt32) {
        self.replica = replica; self.view = view; self.primary = primary; self.active = active
        self.height = height; self.head = head; self.pendingRequests = pendingRequests
    }
}

/// A replica's answer to a `ClientQuery`.
public enum ClientAnswer: Sendable, Equatable {
    case status(ReplicaStatus)
    /// The cycle is committed: the replica's signed reply and the block holding it.
    case committed(ClientReply, Block)
    /// Not committed (yet); `known` tells whether the replica has the cycle pending.
    case notCommitted(known: Bool)
    /// The query was refused (malformed, unknown cycle id syntax).
    case refused(String)

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case .status(let s):
            w.u8(1); w.u16(s.replica); w.u64(s.view); w.u16(s.primary); w.u8(s.active ? 1 : 0)
            w.u64(s.height); w.raw(s.head); w.u32(s.pendingRequests)
        case .committed(let r, let b):
            w.u8(2); w.text(r.committee.chain); w.u64(r.committee.epoch); w.u16(r.replica); w.text(r.requestID)
            w.u64(r.height); w.raw(r.blockHash); w.raw(r.signature); w.blob(b.encoded())
        case .notCommitted(let k): w.u8(3); w.u8(k ? 1 : 0)
        case .refused(let m): w.u8(4); w.text(m)
        }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> ClientAnswer {
        var r = ByteReader(bytes, cap: 256 << 20)
        let a: ClientAnswer
        switch try r.u8() {
        case 1:
            a = .status(ReplicaStatus(replica: try r.u16(), view: try r.u64(), primary: try r.u16(), active: try r.u8() == 1,
                                      height: try r.u64(), head: try r.raw(32), pendingRequests: try r.u32()))
        case 2:
            let c = CommitteeID(chain: try r.text(), epoch: try r.u64())
            let rep = ClientReply(committee: c, replica: try r.u16(), requestID: try r.text(), height: try r.u64(),
                                  blockHash: try r.raw(32), signature: try r.raw(64))
            a = .committed(rep, try Block.decode(try r.blob()))
        case 3: a = .notCommitted(known: try r.u8() == 1)
        case 4: a = .refused(try r.text(max: 4096))
        case let t: throw DecodeError.badTag(at: 0, tag: t, what: "client answer")
        }
        try r.finish()
        return a
    }
}
