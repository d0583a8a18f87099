import GridClearCore
import Testing
@testable import LedgerLite

/// The one rule for an operator's key replacement (`Membership.keyReplacementEntries`) and its
/// encodings: who may sign, single use, what the block must hold, and that genesis blocks
/// without an operator key keep their bytes.
@Suite struct KeyReplacementTests {
    let op = try! NodeKey(secret: [UInt8](repeating: 0x21, count: 32))
    let nodes = (1...4).map { i in try! NodeKey(secret: [UInt8](repeating: UInt8(i), count: 32)) }

    func genesis(operatorKey: [UInt8]?) -> GenesisEntry {
        var p = ReputationParams()
        p.committeeSize = 4; p.epochBlocks = 1_000
        let c = GenesisCommittee(members: nodes.enumerated().map { CommitteeMember(nodeID: "node\($0.offset + 1)", publicKey: $0.element.publicKey) },
                                 params: p, operatorKey: operatorKey)
        return GenesisEntry(ledgerID: "chain-k", createdMillis: 0, signerKeys: nodes.map(\.publicKey), maxEntriesPerBlock: 64, maxBatchMillis: 0, committee: c)
    }

    func membership() throws -> Membership { try #require(try Membership(genesis: genesis(operatorKey: op.publicKey))) }

    func request(_ node: Int, from old: [UInt8], to new: [UInt8], nonce: UInt8, signer: NodeKey? = nil) throws -> KeyReplacement {
        try KeyReplacement(nodeID: "node\(node)", oldKey: old, newKey: new, nonce: [UInt8](repeating: nonce, count: 16))
            .signed(chain: "chain-k", operatorKey: signer ?? op)
    }

    /// A block at the next height holding `entries` (headers are not what `Membership` checks
    /// without a certificate).
    func block(_ m: Membership, _ entries: [LedgerEntry]) -> Block {
        let h = BlockHeader(height: m.height + 1, previousHash: [UInt8](repeating: UInt8(m.height), count: 32), timeMillis: 0,
                            entryCount: UInt32(entries.count), entriesRoot: Merkle.root(entries.map(\.leafHash)), treeSize: 0, treeRoot: [],
                            signer: nodes[0].publicKey)
        return Block(header: h, entries: entries, signature: [])
    }

    func applyUnchecked(_ m: inout Membership, _ entries: [LedgerEntry]) throws {
        let b = block(m, entries)
        try m.apply(b, certificate: QuorumCertificate(committee: m.committee.id, height: b.header.height, view: 0, blockHash: b.hash, votes: []))
    }

    @Test func encodingsRoundTripAndOldGenesisKeepsItsBytes() throws {
        // Without an operator key the genesis committee is written as version 1, byte for byte as before.
        let old = LedgerEntry.genesis(genesis(operatorKey: nil)).encoded()
        var w = ByteWriter()
        genesis(operatorKey: nil).committee!.encode(into: &w)
        #expect(w.bytes.first == 1 && old.suffix(w.bytes.count) == w.bytes[...])
        let g2 = LedgerEntry.genesis(genesis(operatorKey: op.publicKey))
        #expect(try LedgerEntry.decode(g2.encoded()) == g2)
        let m = try membership()
        let k = try request(3, from: nodes[2].publicKey, to: NodeKey.generate().publicKey, nonce: 1)
        for e in try m.keyReplacementEntries(k) { #expect(try LedgerEntry.decode(e.encoded()) == e) }
        #expect(try KeyReplacement.decode(k.encoded()) == k)
        // A reputation entry never carries an authorization; a truncated one is refused.
        let rep = CommitteeEpochEntry(epoch: 1, selection: .reputation, primaryOffset: 0, members: [], scores: [], excluded: [], reason: "", authorization: k)
        #expect(rep.authorization == nil)
        let bytes = try m.keyReplacementEntries(k)[1].encoded()
        #expect(throws: (any Error).self) { try LedgerEntry.decode(Array(bytes.dropLast(5))) }
    }

    @Test func onlyTheOperatorsFreshRequestForTheCurrentKeyIsAccepted() throws {
        var m = try membership()
        let new = NodeKey.generate().publicKey
        let k = try request(3, from: nodes[2].publicKey, to: new, nonce: 1)
        let entries = try m.keyReplacementEntries(k)
        guard case .membership(let roster) = entries[0], case .committeeEpoch(let e) = entries[1] else { Issue.record("entries"); return }
        #expect(roster.roster.first { $0.nodeID == "node3" }?.publicKey == new && e.epoch == 1 && e.selection == .operatorDecision)
        #expect(e.members.map(\.publicKey) == [nodes[0].publicKey, nodes[1].publicKey, new, nodes[3].publicKey])
        func refused(_ x: KeyReplacement, _ why: String, in mm: Membership? = nil) {
            #expect { try (mm ?? m).keyReplacementEntries(x) } throws: { "\($0)".contains(why) }
        }
        refused(try request(3, from: nodes[2].publicKey, to: new, nonce: 1, signer: nodes[0]), "not signed by the operator key")
        var otherChain = k
        otherChain.signature = try op.sign(KeyReplacement(nodeID: "node3", oldKey: k.oldKey, newKey: new, nonce: k.nonce).signingBytes(chain: "chain-x"))
        refused(otherChain, "not signed by the operator key")
        refused(try request(3, from: nodes[1].publicKey, to: new, nonce: 2), "not the request's old key")
        refused(try request(3, from: nodes[2].publicKey, to: nodes[1].publicKey, nonce: 2), "already on the roster")
        refused(try request(9, from: nodes[2].publicKey, to: new, nonce: 2), "not on the roster")
        let plain = try #require(try Membership(genesis: genesis(operatorKey: nil)))
        refused(k, "pins no operator key", in: plain)
        // Applied: the committee and roster change from the next block; the request is spent.
        try applyUnchecked(&m, entries)
        #expect(m.committee.id.epoch == 1 && m.committee.keys[2] == new && m.keyReplacements[k.nonce] == 1)
        refused(k, "already applied at block 1")
        // Back to the old key with a new nonce, then the first request replayed: the old key
        // matches again, only the nonce stops it.
        let back = try request(3, from: new, to: nodes[2].publicKey, nonce: 2)
        try applyUnchecked(&m, try m.keyReplacementEntries(back))
        #expect(m.committee.keys[2] == nodes[2].publicKey && m.committee.id.epoch == 2)
        refused(k, "already applied at block 1")
    }

    @Test func aBlockHoldsExactlyTheDerivedEntries() throws {
        let m = try membership()
        let k = try request(2, from: nodes[1].publicKey, to: NodeKey.generate().publicKey, nonce: 3)
        let entries = try m.keyReplacementEntries(k)
        #expect(m.proposalProblem(block(m, entries)) == nil)
        guard case .membership(let r) = entries[0], case .committeeEpoch(let e) = entries[1] else { return }
        var swapped = e
        swapped.members.swapAt(0, 1)
        var noAuth = e
        noAuth.authorization = nil
        var otherOffset = e
        otherOffset.primaryOffset += 1
        let cases: [([LedgerEntry], String)] = [
            ([entries[0]], "a roster change without an operator's key replacement"),
            ([entries[1]], "not the ones derived"),
            ([entries[0], .committeeEpoch(swapped)], "not the ones derived"),
            ([entries[0], .committeeEpoch(otherOffset)], "not the ones derived"),
            ([entries[0], .committeeEpoch(noAuth)], "without the operator's signed key replacement"),
            ([.membership(MembershipEntry(roster: r.roster.reversed(), reason: "x")), entries[1]], "not the ones derived"),
            (entries + [entries[0]], "not the ones derived"),
        ]
        for (es, why) in cases {
            let problem = m.proposalProblem(block(m, es))
            #expect(problem?.contains(why) == true, "\(why): \(problem ?? "accepted")")
        }
    }

    /// The signature check and the state rule are two steps: a verified request is checked
    /// again against each later state without verifying again, and a verification made for
    /// another chain counts for nothing. The block bytes of the derived entries are the one
    /// cost rule the primary reserves room with (`BlockBudget.cost(id:entries:)`).
    @Test func aVerifiedRequestIsCheckedAgainstEachStateWithoutVerifyingAgain() throws {
        var m = try membership()
        let k = try request(3, from: nodes[2].publicKey, to: NodeKey.generate().publicKey, nonce: 4)
        #expect(throws: MembershipError.self) { try m.verifyKeyReplacement(try request(3, from: nodes[2].publicKey, to: k.newKey, nonce: 4, signer: nodes[0])) }
        let v = try m.verifyKeyReplacement(k)
        let entries = try m.keyReplacementEntries(v)
        #expect(try m.keyReplacementEntries(k) == entries)
        #expect(m.proposalProblem(block(m, entries), verified: [v]) == nil)
        #if DEBUG
        let counted = VerifiedKeyReplacement.Counter()
        try VerifiedKeyReplacement.$verifications.withValue(counted) {
            _ = try m.keyReplacementEntries(v)
            #expect(m.proposalProblem(block(m, entries), verified: [v]) == nil)
            #expect(counted.count == 0)
            _ = try m.keyReplacementEntries(k)
            #expect(m.proposalProblem(block(m, entries)) == nil)
            #expect(counted.count == 2)
        }
        #endif
        // Another chain's membership with the same operator key: verified again there, and refused.
        var g = genesis(operatorKey: op.publicKey)
        g.ledgerID = "chain-x"
        let other = try #require(try Membership(genesis: g))
        #expect { try other.keyReplacementEntries(v) } throws: { "\($0)".contains("not signed by the operator key") }
        // Applied: the state rule refuses the verified request; the ledger says since when the key is current.
        let b = block(m, entries)
        try m.apply(b, certificate: QuorumCertificate(committee: m.committee.id, height: 1, view: 0, blockHash: b.hash, votes: []), verified: [v])
        #expect(m.keyReplacedAt == ["node3": 1] && m.roster.first { $0.nodeID == "node3" }?.publicKey == k.newKey)
        #expect { try m.keyReplacementEntries(v) } throws: { "\($0)".contains("already applied at block 1") }
        // The bytes the entries add to a PRE-PREPARE body are the cost rule's.
        let budget = BlockBudget(frameBytes: 1 << 20, window: 4, committee: m.committee)
        let refs = [RequestRef(id: k.requestID, entryCount: UInt32(entries.count))]
        let zero32 = [UInt8](repeating: 0, count: 32)
        let header = BlockHeader(height: 1, previousHash: zero32, timeMillis: 0, entryCount: UInt32(entries.count), entriesRoot: zero32,
                                 treeSize: 0, treeRoot: zero32, signer: zero32)
        let full = Block(header: header, entries: entries, signature: [UInt8](repeating: 0, count: 64))
        let pp = PrePrepare(view: 0, seq: 1, proposal: Proposal(block: full, requests: refs))
        #expect(Message.prePrepare(pp).encodedBody().count - budget.prePrepareFixed == BlockBudget.cost(id: k.requestID, entries: entries))
        #expect(BlockBudget.cost(of: Request(replacing: k)) == BlockBudget.cost(id: k.requestID, entries: []))
    }
}
