import GridClearCore

/// One commit signature inside a certificate.
public struct CertificateVote: Sendable, Hashable {
    public var replica: ReplicaID
    public var signature: [UInt8]
    public init(replica: ReplicaID, signature: [UInt8]) { self.replica = replica; self.signature = signature }
}

/// A commit certificate: `quorum` COMMIT signatures of one committee, one view, over one
/// block hash at one height. What it proves, given a committee with at most f Byzantine
/// members: the block was prepared by a quorum in that view, so at least f + 1 honest members
/// endorsed it (re-executed it and found it byte-identical) and no different block can ever be
/// committed at that height by this committee.
///
/// Each signature covers `ReplicationWire.signingBytes(committee, replica, commit, body)` with
/// body = u64 view | u64 height | 32-byte block hash, i.e. exactly the COMMIT message the
/// replica sent, so certificates are assembled from messages without re-signing.
///
/// Encoding (version 1): u8 version | text chain | u64 epoch | u64 height | u64 view |
/// 32-byte hash | u32 count | count × (u16 replica | 64-byte signature), replicas strictly
/// ascending (canonical: one encoding per certificate content).
public struct QuorumCertificate: Sendable, Hashable {
    public var committee: CommitteeID
    public var height: UInt64
    public var view: UInt64
    public var blockHash: [UInt8]
    /// Sorted by replica, no duplicates.
    public var votes: [CertificateVote]

    public init(committee: CommitteeID, height: UInt64, view: UInt64, blockHash: [UInt8], votes: [CertificateVote]) {
        self.committee = committee; self.height = height; self.view = view; self.blockHash = blockHash
        self.votes = votes.sorted { $0.replica < $1.replica }
    }

    /// Builds a certificate from signed COMMIT messages (the first `quorum` distinct senders
    /// in replica order are kept, so every replica derives the same certificate from the same set).
    public static func assemble(from commits: [SignedMessage], committee c: Committee) -> QuorumCertificate? {
        var bySender: [ReplicaID: SignedMessage] = [:]
        var vote: Vote?
        for m in commits {
            guard case .commit(let v) = m.message else { continue }
            if let vote, vote != v { return nil }
            vote = v
            bySender[m.sender] = bySender[m.sender] ?? m
        }
        guard let vote, bySender.count >= c.quorum else { return nil }
        let chosen = bySender.keys.sorted().prefix(c.quorum)
        return QuorumCertificate(committee: c.id, height: vote.seq, view: vote.view, blockHash: vote.digest,
                                 votes: chosen.compactMap { r in bySender[r].map { CertificateVote(replica: r, signature: $0.signature) } })
    }

    /// Verifies against a membership: right committee, at least `quorum` distinct members,
    /// every signature valid. Throws the first problem found.
    public func verify(against c: Committee, scheme: SignatureScheme = Ed25519Scheme()) throws {
        guard committee == c.id else { throw ReplicationError.wrongCommittee(expected: c.id, got: committee) }
        guard blockHash.count == 32 else { throw ReplicationError.invalid("certificate hash must be 32 bytes") }
        var seen = Set<ReplicaID>()
        let body = Message.commit(Vote(view: view, seq: height, digest: blockHash)).encodedBody()
        for v in votes {
            guard let key = c.key(of: v.replica) else { throw ReplicationError.unknownSender(v.replica) }
            guard seen.insert(v.replica).inserted else { throw ReplicationError.invalid("certificate counts replica \(v.replica) twice") }
            let msg = ReplicationWire.signingBytes(committee: c.id, sender: v.replica, kind: Message.Kind.commit.rawValue, body: body)
            guard scheme.verify(signature: v.signature, message: msg, publicKey: key) else {
                throw ReplicationError.badSignature(sender: v.replica, kind: "certificate vote")
            }
        }
        guard seen.count >= c.quorum else {
            throw ReplicationError.invalid("certificate has \(seen.count) votes, the committee needs \(c.quorum)")
        }
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(ReplicationWire.version); w.text(committee.chain); w.u64(committee.epoch)
        w.u64(height); w.u64(view); w.raw(blockHash)
        w.list(votes) { w, v in w.u16(v.replica); w.raw(v.signature) }
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> QuorumCertificate {
        var r = ByteReader(bytes, cap: 1 << 20)
        let q = try read(&r)
        try r.finish()
        return q
    }

    static func read(_ r: inout ByteReader) throws -> QuorumCertificate {
        let vAt = r.position
        let v = try r.u8()
        guard v == ReplicationWire.version else { throw DecodeError.badTag(at: vAt, tag: v, what: "certificate version") }
        let id = CommitteeID(chain: try r.text(), epoch: try r.u64())
        let height = try r.u64(), view = try r.u64(), hash = try r.digest()
        let at = r.position
        let votes = try r.list(minSize: 66) { CertificateVote(replica: try $0.u16(), signature: try $0.signature()) }
        for (a, b) in zip(votes, votes.dropFirst()) where a.replica >= b.replica {
            throw DecodeError.nonCanonical(at: at, what: "certificate votes (replicas must be strictly ascending)")
        }
        return QuorumCertificate(committee: id, height: height, view: view, blockHash: hash, votes: votes)
    }
}

/// A committed block with its commit certificate: what replicas append to their ledgers and
/// what state transfer ships. Encoding: blob block | certificate.
public struct CertifiedBlock: Sendable, Hashable {
    public var block: Block
    public var certificate: QuorumCertificate
    public init(block: Block, certificate: QuorumCertificate) { self.block = block; self.certificate = certificate }

    public var height: UInt64 { block.header.height }
    public var hash: [UInt8] { LedgerHash.blockHash(block.header) }

    /// The certificate verifies and is for this block (height and hash).
    public func verify(against c: Committee, scheme: SignatureScheme = Ed25519Scheme()) throws {
        guard certificate.height == block.header.height, certificate.blockHash == hash else {
            throw ReplicationError.invalid("certificate is for another block")
        }
        try certificate.verify(against: c, scheme: scheme)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.blob(block.encoded()); w.raw(certificate.encoded())
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> CertifiedBlock {
        var r = ByteReader(bytes, cap: ReplicationWire.maxMessageBytes)
        let block = try Block.decode(try r.blob())
        let qc = try QuorumCertificate.read(&r)
        try r.finish()
        return CertifiedBlock(block: block, certificate: qc)
    }
}
