import GridClearCore

/// A replica's signed answer to a client (seed 001): request `requestID` is committed in the
/// block with hash `blockHash` at `height`. Signed bytes:
///
///     "GridClear/pbft/v1/reply" 0x00 | text chain | u64 epoch | u16 replica | text request id | u64 height | 32-byte hash
public struct ClientReply: Sendable, Hashable {
    public static let label = "GridClear/pbft/v1/reply"
    public var committee: CommitteeID
    public var replica: ReplicaID
    public var requestID: String
    public var height: UInt64
    public var blockHash: [UInt8]
    public var signature: [UInt8]

    public init(committee: CommitteeID, replica: ReplicaID, requestID: String, height: UInt64, blockHash: [UInt8], signature: [UInt8]) {
        self.committee = committee; self.replica = replica; self.requestID = requestID
        self.height = height; self.blockHash = blockHash; self.signature = signature
    }

    public static func signingBytes(_ c: CommitteeID, _ r: ReplicaID, _ id: String, _ h: UInt64, _ hash: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array(label.utf8)); w.u8(0); w.text(c.chain); w.u64(c.epoch); w.u16(r); w.text(id); w.u64(h); w.raw(hash)
        return w.bytes
    }

    public static func sign(committee: CommitteeID, replica: ReplicaID, requestID: String, block: CertifiedBlock,
                            signer: MessageSigner) throws -> ClientReply {
        let sig = try signer.sign(signingBytes(committee, replica, requestID, block.height, block.hash))
        return ClientReply(committee: committee, replica: replica, requestID: requestID, height: block.height, blockHash: block.hash, signature: sig)
    }

    public func verify(in c: Committee, scheme: SignatureScheme = Ed25519Scheme()) -> Bool {
        guard committee == c.id, let key = c.key(of: replica) else { return false }
        return verify(key: key, scheme: scheme)
    }

    /// Signed by `key`, in whatever committee and position the reply states.
    public func verify(key: [UInt8], scheme: SignatureScheme = Ed25519Scheme()) -> Bool {
        scheme.verify(signature: signature, message: Self.signingBytes(committee, replica, requestID, height, blockHash), publicKey: key)
    }
}

/// What a client accepts (seed 001): a result once f + 1 distinct members sent matching valid
/// replies (at least one of them is honest), or at once on a `CertifiedBlock` that verifies and
/// holds the request (a commit certificate is stronger: a quorum signed). Invalid replies are
/// ignored; a member's first reply counts, later ones from it do not.
public struct ReplyQuorum: Sendable {
    public let committee: Committee
    public let requestID: String
    let scheme: SignatureScheme
    var first: [ReplicaID: ClientReply] = [:]

    public init(committee: Committee, requestID: String, scheme: SignatureScheme = Ed25519Scheme()) {
        self.committee = committee; self.requestID = requestID; self.scheme = scheme
    }

    /// Adds a reply; returns the accepted (height, block hash) once f + 1 members agree.
    public mutating func add(_ r: ClientReply) -> (height: UInt64, blockHash: [UInt8])? {
        if r.requestID == requestID, first[r.replica] == nil, r.verify(in: committee, scheme: scheme) { first[r.replica] = r }
        return tally()
    }

    /// Adds a reply that `member` (its index and key in `committee`, e.g. the cluster's replicas
    /// in genesis order) sent, signed in any epoch of the same chain: committees change at
    /// epoch boundaries (`Replica+Epoch`), a node's key does not. Counted per member.
    public mutating func add(_ r: ClientReply, member: ReplicaID) -> (height: UInt64, blockHash: [UInt8])? {
        if r.requestID == requestID, first[member] == nil, r.committee.chain == committee.id.chain,
           let key = committee.key(of: member), r.verify(key: key, scheme: scheme) { first[member] = r }
        return tally()
    }

    func tally() -> (height: UInt64, blockHash: [UInt8])? {
        var counts: [[UInt8]: Int] = [:]
        for k in first.keys.sorted() {
            guard let x = first[k] else { continue }
            let key = x.blockHash + withUnsafeBytes(of: x.height.bigEndian, Array.init)
            counts[key, default: 0] += 1
            if let n = counts[key], n >= committee.replyQuorum { return (x.height, x.blockHash) }
        }
        return nil
    }

    /// Accepts a certified block that verifies against the committee and contains the
    /// request (an entry whose cycle id is the request id).
    public func accept(_ cb: CertifiedBlock) -> Bool {
        guard (try? cb.verify(against: committee, scheme: scheme)) != nil else { return false }
        return cb.block.entries.contains { $0.cycleID == requestID }
    }
}
