import GridClearCore

/// One node that may sit on a BFT committee: a stable name (reputation is kept per name) and
/// its Ed25519 public key.
public struct CommitteeMember: Sendable, Hashable {
    public var nodeID: String
    public var publicKey: [UInt8]
    public init(nodeID: String, publicKey: [UInt8]) { self.nodeID = nodeID; self.publicKey = publicKey }

    func encode(into w: inout ByteWriter) { w.text(nodeID); w.raw(publicKey) }
    static func read(_ r: inout ByteReader) throws -> CommitteeMember {
        CommitteeMember(nodeID: try r.text(max: 256), publicKey: try r.raw(32))
    }
}

/// The BFT committee a replicated ledger starts with, recorded in its genesis entry (an
/// embedded ledger has none). Epoch 0's committee is `members` in this order (replica i is
/// `members[i]`), primary rotation offset 0, chain = the genesis `ledgerID`; the roster (who
/// may be chosen for later epochs) starts as the same members.
///
/// `operatorKey` (optional) is the Ed25519 key whose signed `KeyReplacement`s may replace a
/// node's key in the running committee (`node init` writes it to `keys/operator.key`); a
/// committee without one can never have a key replaced.
///
/// Encoding (after the genesis entry's fields, introduced by the byte 0x01):
/// u8 version | u32 count | count × (text node id | 32-byte key) | reputation parameters
/// (i64 T_init, T_up, T_down, T_max, T_min | u32 committee size | u64 epoch blocks | i64 lottery range)
/// | version 2 only: 32-byte operator key. Version 1 (no operator key) is written whenever
/// there is none, so genesis blocks made before operator keys keep their bytes and hashes.
public struct GenesisCommittee: Sendable, Hashable {
    public static let version: UInt8 = 1
    public static let versionWithOperator: UInt8 = 2
    public var members: [CommitteeMember]
    public var params: ReputationParams
    public var operatorKey: [UInt8]?
    public init(members: [CommitteeMember], params: ReputationParams, operatorKey: [UInt8]? = nil) {
        self.members = members; self.params = params; self.operatorKey = operatorKey
    }

    func encode(into w: inout ByteWriter) {
        w.u8(operatorKey == nil ? Self.version : Self.versionWithOperator)
        CommitteeCodec.members(members, into: &w)
        CommitteeCodec.params(params, into: &w)
        if let operatorKey { w.raw(operatorKey) }
    }
    static func read(_ r: inout ByteReader) throws -> GenesisCommittee {
        let at = r.position
        let v = try r.u8()
        guard v == version || v == versionWithOperator else { throw DecodeError.badTag(at: at, tag: v, what: "genesis committee version") }
        let members = try CommitteeCodec.readMembers(&r), params = try CommitteeCodec.readParams(&r)
        return GenesisCommittee(members: members, params: params, operatorKey: v == versionWithOperator ? try r.raw(32) : nil)
    }
}

/// Tag 7: the roster changes (a node joins or leaves, or a node's key is replaced). The roster
/// is who later committees may be chosen from; the committee in force changes only with a
/// `CommitteeEpochEntry` (tag 8), which may sit in the same block.
///
/// Encoding: u32 count | members (text node id | 32-byte key), node ids strictly ascending | text reason.
public struct MembershipEntry: Sendable, Hashable {
    /// The complete new roster, sorted by node id.
    public var roster: [CommitteeMember]
    public var reason: String
    public init(roster: [CommitteeMember], reason: String) {
        self.roster = roster.sorted { $0.nodeID < $1.nodeID }; self.reason = reason
    }
}

/// Tag 8: a new committee epoch starts with the next block. It states the reputation scores
/// applied at this boundary (replayable from committed data: certificates and recorded
/// disagreements since the previous boundary) and the new committee in replica order.
///
/// `selection` says how the committee was formed: `.reputation` means
/// `CommitteeSelection.select` over the roster with these scores, the previous block's hash
/// and `excluded` (the auditor recomputes it); `.operatorDecision` is an operator's key
/// replacement: `authorization` holds the operator's signed `KeyReplacement`, and the entry
/// (with the block's roster change) must be exactly what `Membership.keyReplacementEntries`
/// derives from it and the ledger.
///
/// Encoding: u64 epoch | u8 selection (1 reputation, 2 operator) | u64 primary offset |
/// u32 count | members | u32 count | scores (text node id | i64 score), ids ascending |
/// u32 count | excluded (text), ascending | text reason | operator selection with an
/// authorization only: u8 1 | `KeyReplacement`.
public struct CommitteeEpochEntry: Sendable, Hashable {
    public enum Selection: UInt8, Sendable { case reputation = 1, operatorDecision = 2 }
    public var epoch: UInt64
    public var selection: Selection
    public var primaryOffset: UInt64
    public var members: [CommitteeMember]
    /// Every roster node's reputation after this boundary (thousandths of a point).
    public var scores: [NodeScore]
    public var excluded: [String]
    public var reason: String
    /// The operator's signed request (`.operatorDecision` only; always nil for `.reputation`).
    public var authorization: KeyReplacement?
    public init(epoch: UInt64, selection: Selection, primaryOffset: UInt64, members: [CommitteeMember], scores: [NodeScore],
                excluded: [String], reason: String, authorization: KeyReplacement? = nil) {
        self.epoch = epoch; self.selection = selection; self.primaryOffset = primaryOffset; self.members = members
        self.scores = scores.sorted { $0.nodeID < $1.nodeID }; self.excluded = excluded.sorted(); self.reason = reason
        self.authorization = selection == .operatorDecision ? authorization : nil
    }
}

/// A node's reputation score.
public struct NodeScore: Sendable, Hashable {
    public var nodeID: String
    public var score: Int64
    public init(nodeID: String, score: Int64) { self.nodeID = nodeID; self.score = score }
}

/// Tag 9: a replica re-executed a proposed block and got a different result, so it did not
/// vote (seed 002); the block was certified by the others. Recorded in a later block. When
/// signed by the named node's key (`signed(chain:key:)`), it counts −T_down against that node
/// at the next epoch boundary; unsigned, it is on record only (a primary could otherwise put
/// words in another node's mouth and cost it reputation).
///
/// Encoding: u64 height | 32-byte block hash | text node id | text cycle id | text reason |
/// blob signature (0 or 64 bytes: Ed25519 by the node over `signingBytes(chain:)`).
public struct DisagreementEntry: Sendable, Hashable {
    public static let maxReasonBytes = 4096
    public static let signatureLabel = "GridClear/pbft/v1/disagreement"
    public var height: UInt64
    public var blockHash: [UInt8]
    public var nodeID: String
    public var cycleID: String
    public var reason: String
    /// Empty (unsigned) or the node's 64-byte Ed25519 signature.
    public var signature: [UInt8] = []
    public init(height: UInt64, blockHash: [UInt8], nodeID: String, cycleID: String, reason: String, signature: [UInt8] = []) {
        self.height = height; self.blockHash = blockHash; self.nodeID = nodeID; self.cycleID = cycleID
        self.reason = String(decoding: Array(reason.utf8.prefix(Self.maxReasonBytes)), as: UTF8.self)
        self.signature = signature
    }

    /// What the node signs: label, NUL, the ledger's chain id, then every field but the signature.
    public func signingBytes(chain: String) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array(Self.signatureLabel.utf8)); w.u8(0); w.text(chain)
        w.u64(height); w.raw(blockHash); w.text(nodeID); w.text(cycleID); w.text(reason)
        return w.bytes
    }

    /// This entry signed by `key` (the node's own key) for the ledger `chain`.
    public func signed(chain: String, key: MessageSigner) throws -> DisagreementEntry {
        var d = self
        d.signature = try key.sign(signingBytes(chain: chain))
        return d
    }
}

/// The encodings of the BFT entries (tags 7–9) and the genesis committee. One home for them.
enum CommitteeCodec {
    static let maxMembers = 1024

    static func members(_ ms: [CommitteeMember], into w: inout ByteWriter) {
        w.u32(UInt32(ms.count)); for m in ms { m.encode(into: &w) }
    }
    static func readMembers(_ r: inout ByteReader) throws -> [CommitteeMember] {
        let at = r.position
        let n = Int(try r.u32())
        guard n <= maxMembers, n <= r.remaining / 36 else { throw DecodeError.lengthOverCap(at: at, length: n, cap: maxMembers) }
        var out: [CommitteeMember] = []
        for _ in 0..<n { out.append(try CommitteeMember.read(&r)) }
        guard Set(out.map(\.nodeID)).count == n, Set(out.map(\.publicKey)).count == n else {
            throw DecodeError.nonCanonical(at: at, what: "committee members (duplicate node id or key)")
        }
        return out
    }
    static func params(_ p: ReputationParams, into w: inout ByteWriter) {
        w.i64(p.tInit); w.i64(p.tUp); w.i64(p.tDown); w.i64(p.tMax); w.i64(p.tMin)
        w.u32(UInt32(clamping: p.committeeSize)); w.u64(p.epochBlocks); w.i64(p.lotteryRange)
    }
    static func readParams(_ r: inout ByteReader) throws -> ReputationParams {
        var p = ReputationParams()
        p.tInit = try r.i64(); p.tUp = try r.i64(); p.tDown = try r.i64(); p.tMax = try r.i64(); p.tMin = try r.i64()
        p.committeeSize = Int(try r.u32()); p.epochBlocks = try r.u64(); p.lotteryRange = try r.i64()
        return p
    }

    static func encode(_ m: MembershipEntry, into w: inout ByteWriter) {
        members(m.roster, into: &w); w.text(m.reason)
    }
    static func readMembership(_ r: inout ByteReader) throws -> MembershipEntry {
        let at = r.position
        let ms = try readMembers(&r)
        for (a, b) in zip(ms, ms.dropFirst()) where !(a.nodeID < b.nodeID) {
            throw DecodeError.nonCanonical(at: at, what: "roster order (node ids ascending)")
        }
        return MembershipEntry(roster: ms, reason: try r.text(max: 4096))
    }

    static func encode(_ e: CommitteeEpochEntry, into w: inout ByteWriter) {
        w.u64(e.epoch); w.u8(e.selection.rawValue); w.u64(e.primaryOffset)
        members(e.members, into: &w)
        w.u32(UInt32(e.scores.count)); for s in e.scores { w.text(s.nodeID); w.i64(s.score) }
        w.u32(UInt32(e.excluded.count)); for x in e.excluded { w.text(x) }
        w.text(e.reason)
        if let k = e.authorization { w.u8(1); k.encode(into: &w) }
    }
    static func readEpoch(_ r: inout ByteReader) throws -> CommitteeEpochEntry {
        let epoch = try r.u64()
        let sAt = r.position
        let s = try r.u8()
        guard let sel = CommitteeEpochEntry.Selection(rawValue: s) else { throw DecodeError.badTag(at: sAt, tag: s, what: "committee selection") }
        let offset = try r.u64()
        let ms = try readMembers(&r)
        let nAt = r.position
        let n = Int(try r.u32())
        guard n <= maxMembers, n <= r.remaining / 12 else { throw DecodeError.lengthOverCap(at: nAt, length: n, cap: maxMembers) }
        var scores: [NodeScore] = []
        for _ in 0..<n { scores.append(NodeScore(nodeID: try r.text(max: 256), score: try r.i64())) }
        for (a, b) in zip(scores, scores.dropFirst()) where !(a.nodeID < b.nodeID) {
            throw DecodeError.nonCanonical(at: nAt, what: "scores order (node ids ascending)")
        }
        let xAt = r.position
        let x = Int(try r.u32())
        guard x <= 1 << 16, x <= r.remaining / 4 else { throw DecodeError.lengthOverCap(at: xAt, length: x, cap: 1 << 16) }
        var excluded: [String] = []
        for _ in 0..<x { excluded.append(try r.text(max: 256)) }
        for (a, b) in zip(excluded, excluded.dropFirst()) where !(a < b) {
            throw DecodeError.nonCanonical(at: xAt, what: "excluded order (ascending, distinct)")
        }
        let reason = try r.text(max: 4096)
        var authorization: KeyReplacement?
        if sel == .operatorDecision, r.remaining > 0 {
            let at = r.position
            guard try r.u8() == 1 else { throw DecodeError.nonCanonical(at: at, what: "key replacement marker") }
            authorization = try KeyReplacement.read(&r)
        }
        return CommitteeEpochEntry(epoch: epoch, selection: sel, primaryOffset: offset, members: ms, scores: scores,
                                   excluded: excluded, reason: reason, authorization: authorization)
    }

    static func encode(_ d: DisagreementEntry, into w: inout ByteWriter) {
        w.u64(d.height); w.raw(d.blockHash); w.text(d.nodeID); w.text(d.cycleID); w.text(d.reason); w.blob(d.signature)
    }
    static func readDisagreement(_ r: inout ByteReader) throws -> DisagreementEntry {
        let d = DisagreementEntry(height: try r.u64(), blockHash: try r.raw(32), nodeID: try r.text(max: 256), cycleID: try r.text(max: 256),
                                  reason: try r.text(max: DisagreementEntry.maxReasonBytes))
        let at = r.position
        let sig = try r.blob(max: 64)
        guard sig.isEmpty || sig.count == 64 else { throw DecodeError.nonCanonical(at: at, what: "disagreement signature (0 or 64 bytes)") }
        var out = d
        out.signature = sig
        return out
    }
}
