import GridClearCore
import Testing
@testable import LedgerLite

/// Codec, certificate, guard and hostile-input tests of the replication layer (real Ed25519).
@Suite struct PBFTUnitTests {
    static let keys: [NodeKey] = (1...4).map { i in try! NodeKey(secret: [UInt8](repeating: UInt8(i), count: 32)) }
    static let committee = try! Committee(id: CommitteeID(chain: "unit", epoch: 3), keys: keys.map(\.publicKey))

    func vote(_ i: Int, _ m: Message, committee: CommitteeID = Self.committee.id) -> SignedMessage {
        try! SignedMessage.sign(m, committee: committee, sender: ReplicaID(i), signer: Self.keys[i])
    }

    func sampleProposal() -> Proposal {
        let (g, tip) = simGenesis(chain: "unit", keys: Self.keys.map(\.publicKey))
        _ = g
        let r = simRequest(4)
        let leaves = r.entries.map(\.leafHash)
        var f = tip.frontier
        for l in leaves { f.append(leafHash: l) }
        let h = BlockHeader(height: 1, previousHash: tip.hash, timeMillis: 10, entryCount: UInt32(r.entries.count),
                            entriesRoot: Merkle.root(leaves), treeSize: f.size, treeRoot: f.root, signer: Self.keys[0].publicKey)
        let sig = try! Self.keys[0].sign(LedgerHash.signingMessage(blockHash: LedgerHash.blockHash(h)))
        return Proposal(block: Block(header: h, entries: r.entries, signature: sig), requests: [RequestRef(id: r.id, entryCount: UInt32(r.entries.count))])
    }

    @Test func committeeArithmetic() throws {
        for (n, f, q) in [(4, 1, 3), (5, 1, 4), (7, 2, 5), (10, 3, 7), (1, 0, 1)] {
            let c = try Committee(id: CommitteeID(chain: "x", epoch: 0), keys: (0..<n).map { [UInt8](repeating: UInt8($0), count: 32) })
            #expect(c.f == f && c.quorum == q)
            #expect(2 * c.quorum - c.n >= c.f + 1)  // two quorums share an honest member
        }
        #expect(throws: ReplicationError.self) { try Committee(id: CommitteeID(chain: "x", epoch: 0), keys: [[1], [2]]) }
    }

    @Test func messagesRoundTrip() throws {
        let p = sampleProposal()
        let pp = vote(0, .prePrepare(PrePrepare(view: 0, seq: 1, proposal: p)))
        let prepares = (0..<3).map { vote($0, .prepare(Vote(view: 0, seq: 1, digest: p.digest))) }
        let cps = (0..<3).map { vote($0, .checkpoint(Checkpoint(seq: 8, digest: [UInt8](repeating: 7, count: 32)))) }
        let vc = vote(1, .viewChange(ViewChange(newView: 1, checkpoint: CheckpointProof(seq: 8, digest: [UInt8](repeating: 7, count: 32), votes: cps),
                                                 prepared: [PreparedCertificate(prePrepare: pp, prepares: prepares)])))
        let all: [SignedMessage] = [pp, prepares[0], vote(2, .commit(Vote(view: 5, seq: 9, digest: p.digest))), cps[0], vc,
                                    vote(1, .newView(NewView(view: 1, viewChanges: [vc], prePrepares: [pp]))), vote(3, .fetch(fromHeight: 12))]
        for m in all {
            let back = try SignedMessage.decode(m.encoded())
            #expect(back == m && back.message == m.message)
            try back.verify(in: Self.committee, scheme: Ed25519Scheme())
        }
    }

    /// Truncations and bit flips of valid envelopes are rejected with an error or fail
    /// verification — never a trap, never accepted as valid.
    @Test func hostileBytesAreRejected() {
        let p = sampleProposal()
        let m = vote(0, .prePrepare(PrePrepare(view: 0, seq: 1, proposal: p))).encoded()
        var rng = SimRNG(99)
        for _ in 0..<3_000 {
            var b = m
            switch rng.below(3) {
            case 0: b = Array(b.prefix(Int(rng.below(UInt64(b.count)))))
            case 1: b[Int(rng.below(UInt64(b.count)))] ^= UInt8(1 << rng.below(8))
            default: b = (0..<Int(rng.below(200))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
            if let d = try? SignedMessage.decode(b) {
                #expect((try? d.verify(in: Self.committee, scheme: Ed25519Scheme())) == nil || d.encoded() == m)
            }
        }
    }

    @Test func certificatesVerifyAndRejectForgeries() throws {
        let digest = [UInt8](repeating: 0xAB, count: 32)
        let commits = (0..<4).map { vote($0, .commit(Vote(view: 2, seq: 7, digest: digest))) }
        let qc = try #require(QuorumCertificate.assemble(from: commits, committee: Self.committee))
        #expect(qc.votes.map(\.replica) == [0, 1, 2])
        try qc.verify(against: Self.committee)
        #expect(try QuorumCertificate.decode(qc.encoded()) == qc)
        var short = qc; short.votes.removeLast()
        #expect(throws: ReplicationError.self) { try short.verify(against: Self.committee) }
        var dup = qc; dup.votes[2] = dup.votes[1]
        #expect(throws: ReplicationError.self) { try dup.verify(against: Self.committee) }
        var forged = qc; forged.votes[0].signature[5] ^= 1
        #expect(throws: ReplicationError.self) { try forged.verify(against: Self.committee) }
        var otherBlock = qc; otherBlock.blockHash[0] ^= 1
        #expect(throws: ReplicationError.self) { try otherBlock.verify(against: Self.committee) }
        var otherHeight = qc; otherHeight.height += 1
        #expect(throws: ReplicationError.self) { try otherHeight.verify(against: Self.committee) }
        // Another epoch's committee (same keys) does not accept it: the epoch is in the domain.
        let next = try Committee(id: CommitteeID(chain: "unit", epoch: 4), keys: Self.keys.map(\.publicKey))
        #expect(throws: ReplicationError.self) { try qc.verify(against: next) }
        var relabeled = qc; relabeled.committee = next.id
        #expect(throws: ReplicationError.self) { try relabeled.verify(against: next) }
        // Prepares are not commits: same body, other kind.
        let prepares = (0..<3).map { vote($0, .prepare(Vote(view: 2, seq: 7, digest: digest))) }
        let fake = QuorumCertificate(committee: Self.committee.id, height: 7, view: 2, blockHash: digest,
                                     votes: prepares.map { CertificateVote(replica: $0.sender, signature: $0.signature) })
        #expect(throws: ReplicationError.self) { try fake.verify(against: Self.committee) }
        // Non-canonical vote order is rejected by the decoder.
        var bytes = qc.encoded()
        let start = bytes.count - 3 * 66
        let first = Array(bytes[start..<start + 66]), second = Array(bytes[start + 66..<start + 132])
        bytes.replaceSubrange(start..<start + 132, with: second + first)
        #expect(throws: DecodeError.self) { try QuorumCertificate.decode(bytes) }
    }

    @Test func signingGuardRefusesEquivocation() throws {
        var g = SigningGuard()
        let a = [UInt8](repeating: 1, count: 32), b = [UInt8](repeating: 2, count: 32)
        #expect(g.permit(view: 1, seq: 5, digest: a) == nil)
        #expect(g.permit(view: 1, seq: 5, digest: a) == nil)        // same block again: fine
        #expect(g.permit(view: 1, seq: 5, digest: b) != nil)        // another block: refused
        #expect(g.permit(view: 1, seq: 6, digest: b) == nil)
        #expect(g.permit(view: 0, seq: 7, digest: b) != nil)        // a lower view: refused
        #expect(g.permit(view: 2, seq: 5, digest: b) == nil)        // a new view may re-vote
        var d = DurableState(genesisHash: a)
        d.view = 2; d.active = false; d.signingGuard = g
        let back = try DurableState.decode(d.encoded())
        #expect(back == d)
        var restored = back.signingGuard
        #expect(restored.permit(view: 2, seq: 5, digest: a) != nil)  // survives a restart
    }

    @Test func reputationCommitteeSelection() throws {
        var params = ReputationParams()
        params.committeeSize = 4
        try params.validate()
        let nodes = (0..<8).map { Candidate(nodeID: "N\($0)", publicKey: [UInt8](repeating: UInt8($0 + 1), count: 32)) }
        var book = ReputationBook(params: params, nodes: nodes.map(\.nodeID))
        book.record(matched: ["N0", "N1", "N2"], wrong: ["N3"])
        #expect(book.score("N3") == params.tInit)                    // not before the epoch boundary
        let changes = book.closeEpoch()
        #expect(changes.map(\.node) == ["N0", "N1", "N2", "N3"])
        #expect(book.score("N3") == params.tInit - params.tDown && book.score("N0") == params.tInit + params.tUp)
        for _ in 0..<4 { book.record(matched: [], wrong: ["N3"]); _ = book.closeEpoch() }
        #expect(book.score("N3") <= params.tMin)
        let prev = [UInt8](repeating: 9, count: 32)
        let (c, members) = try CommitteeSelection.select(candidates: nodes, book: book, previousHash: prev,
                                                         excluding: ["N1"], chain: "g", epoch: 2)
        #expect(c.n == 4 && !members.contains { $0.nodeID == "N3" || $0.nodeID == "N1" })
        let again = try CommitteeSelection.select(candidates: nodes.reversed(), book: book, previousHash: prev,
                                                  excluding: ["N1"], chain: "g", epoch: 2)
        #expect(again.members == members && again.committee == c)  // order of candidates does not matter
        let other = try CommitteeSelection.select(candidates: nodes, book: book, previousHash: [UInt8](repeating: 8, count: 32),
                                                  excluding: ["N1"], chain: "g", epoch: 2)
        #expect(other.committee.id == c.id)
        var bad = params; bad.tDown = bad.tUp
        #expect(throws: ReplicationError.self) { try bad.validate() }
        #expect(throws: ReplicationError.self) {
            try CommitteeSelection.select(candidates: Array(nodes.prefix(4)), book: book, previousHash: prev, excluding: ["N0"], chain: "g", epoch: 2)
        }
    }
}

@Suite struct ClientReplyTests {
    @Test func acceptsAfterFPlusOneMatchingReplies() throws {
        let keys = PBFTUnitTests.keys, c = PBFTUnitTests.committee
        let digest = [UInt8](repeating: 5, count: 32)
        let req = simRequest(1)
        let block = Block(header: BlockHeader(height: 1, previousHash: digest, timeMillis: 0, entryCount: 1, entriesRoot: digest,
                                              treeSize: 2, treeRoot: digest, signer: keys[0].publicKey),
                          entries: req.entries, signature: [UInt8](repeating: 0, count: 64))
        let hash = LedgerHash.blockHash(block.header)
        let commits = (0..<3).map { try! SignedMessage.sign(.commit(Vote(view: 0, seq: 1, digest: hash)), committee: c.id, sender: ReplicaID($0), signer: keys[$0]) }
        let cb = CertifiedBlock(block: block, certificate: try #require(QuorumCertificate.assemble(from: commits, committee: c)))
        var q = ReplyQuorum(committee: c, requestID: req.id)
        let good = try ClientReply.sign(committee: c.id, replica: 1, requestID: req.id, block: cb, signer: keys[1])
        #expect(q.add(good) == nil)
        #expect(q.add(good) == nil)                              // the same member twice counts once
        var forged = try ClientReply.sign(committee: c.id, replica: 2, requestID: req.id, block: cb, signer: keys[3])
        #expect(q.add(forged) == nil)                            // signed with another member's key
        forged = try ClientReply.sign(committee: c.id, replica: 3, requestID: req.id, block: cb, signer: keys[3])
        let accepted = q.add(forged)
        #expect(accepted?.height == 1 && accepted?.blockHash == cb.hash)
        #expect(q.accept(cb))
        var tampered = cb
        tampered.block.header.timeMillis += 1
        #expect(!q.accept(tampered))                             // the certificate is for another block
        #expect(!ReplyQuorum(committee: c, requestID: "other").accept(cb))
    }
}
