import Foundation
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Issue 17, ledger side: certificates in the ledger, membership from the ledger, audit with
/// certificates, cluster.json, endorsement by re-execution.
@Suite struct ReplicatedLedgerTests {
    static let cycles = ["20261120T1000Z", "20261120T1015Z", "20261120T1030Z"]

    /// A cluster whose replica 1 ledger holds three certified cycles.
    func populated() throws -> (BFTTestCluster, ReplicatedLedger) {
        let c = try BFTTestCluster()
        let l = try c.ledger(1)
        for (i, id) in Self.cycles.enumerated() {
            try c.commit([try BFTTestCluster.cycleEntry(id)], on: l, signers: i == 1 ? [1, 2, 3] : [0, 1, 2, 3])
        }
        return (c, l)
    }

    func audit(_ dir: String, pinned: [[UInt8]]? = nil) throws -> Result<CertifiedAuditReport, LedgerFault> {
        try CertifiedAuditor.audit(directory: dir, trusted: nil, pinned: pinned)
    }

    @Test func clusterFileRoundTripsAndRefusesEdits() throws {
        let c = try BFTTestCluster()
        let path = c.dir + "/cluster.json"
        let loaded = try ClusterConfig.load(path: path)
        #expect(loaded == c.config)
        #expect(loaded.replicas.map(\.address) == ["127.0.0.1:7101", "127.0.0.1:7102", "127.0.0.1:7103", "127.0.0.1:7104"])
        #expect(try FileSystem.permissions(of: ClusterSetup.keyPath(directory: c.dir, id: 2)) & 0o077 == 0)
        #expect(loaded.operatorKey != nil && loaded.currentKeys == loaded.publicKeys)
        // A recorded key replacement round-trips; the genesis keys (the trust anchor) stay.
        var replaced = loaded
        let newKey = NodeKey.generate().publicKey
        try replaced.recordKeyReplacement(node: "node3", newKey: newKey, height: 5)
        let again = try ClusterConfig.parse(Array(replaced.render().utf8), name: "cluster.json")
        #expect(again == replaced && again.replicas[2].currentKey == newKey && again.replicas[2].keyReplacedAt == 5
                && again.publicKeys == loaded.publicKeys)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // Another key for replica 2: the fingerprint no longer matches; and a genesis of other keys.
        let k2 = Hex.encode(c.config.replicas[1].publicKey)
        let other = Hex.encode(NodeKey.generate().publicKey)
        for (edit, expected) in [(text.replacingOccurrences(of: k2, with: other), "fingerprint does not match"),
                                 (text.replacingOccurrences(of: "\"id\":2", with: "\"id\":5"), "replicas[1].id must be 2"),
                                 (text.replacingOccurrences(of: "gridclear-cluster/1", with: "gridclear-cluster/9"), "not supported"),
                                 (text.replacingOccurrences(of: "\"t_down\":10000", with: "\"t_down\":10"), "T_up < T_down"),
                                 (text.split(separator: "\n", omittingEmptySubsequences: false).map { l in
                                     l.contains("\"operator_key\"") ? l.replacingOccurrences(of: Hex.encode(c.config.operatorKey ?? []), with: other) : String(l)
                                 }.joined(separator: "\n"), "operator key")] {
            #expect(throws: AppError.self) { try ClusterConfig.parse(Array(edit.utf8), name: "cluster.json") }
            do { _ = try ClusterConfig.parse(Array(edit.utf8), name: "cluster.json") } catch {
                #expect(error.description.contains(expected), "\(error)")
            }
        }
        #expect(throws: AppError.self) {
            _ = try ClusterSetup.initialize(replicas: 4, directory: c.dir, basePort: 7100, now: c.now)
        }
    }

    /// Hostile cluster files: every mutation is parsed or refused with one line naming the file,
    /// never a trap.
    @Test func mutatedClusterFilesNeverTrap() throws {
        let c = try BFTTestCluster()
        let good = try FileSystem.read(c.dir + "/cluster.json")
        var rng = SplitMix64(seed: 1717)
        var refused = 0
        for i in 0..<1_500 {
            var b = good
            switch i % 3 {
            case 0: b[Int(rng.next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: rng.next())
            case 1: b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
            default:
                let at = Int(rng.next() % UInt64(b.count))
                b.insert(contentsOf: Array("\"x\": [1, {\"y\": -7e3}], ".utf8), at: at)
            }
            do { _ = try ClusterConfig.parse(b, name: "c.json") } catch {
                refused += 1
                #expect(error.description.hasPrefix("c.json") && !error.description.contains("\n"), "\(error)")
            }
        }
        #expect(refused > 1_000)
    }

    @Test func certifiedLedgerAuditsReplaysAndReopens() throws {
        let (c, l) = try populated()
        #expect(l.height == 3)
        let r = try audit(c.ledgerPath(1), pinned: c.config.publicKeys).get()
        #expect(r.replicated && r.pinned && r.certificates == 3 && r.audit.cycles == Self.cycles)
        // The ledger is also an ordinary ledger: replay without --cluster.
        #expect(try ReplayService.replay(ledgerDirectory: c.ledgerPath(1), cycle: Self.cycles[1], trusted: nil).identical)
        // State transfer: replica 2 catches up from replica 1's certified blocks.
        let l2 = try c.ledger(2)
        try l2.appendCommitted(try l.certifiedBlocks(from: 1))
        #expect(l2.headHash == l.headHash)
        let headHash = l.headHash
        _ = consume l
        // Reopen: the membership and height are rebuilt from the files.
        let again = try c.ledger(1)
        #expect(again.height == 3 && again.headHash == headHash && again.certificate(at: 2)?.votes.count == 3)
        #expect(try FileSystem.read(c.ledgerPath(1) + "/blocks.gcl") == FileSystem.read(c.ledgerPath(2) + "/blocks.gcl"))
    }

    @Test func appendRefusesBadCertificatesAndWritesNothing() throws {
        let c = try BFTTestCluster()
        let l = try c.ledger(1)
        let b = try c.block([try BFTTestCluster.cycleEntry(Self.cycles[0])], on: l)
        let outsider = NodeKey.generate()
        let foreign = try Committee(id: CommitteeID(chain: "other", epoch: 0), keys: c.keys.map(\.publicKey))
        var forged = try c.certify(b, committee: l.committee)
        forged.votes[1].signature[5] ^= 1
        var outsiderVote = try c.certify(b, committee: l.committee, signers: [0, 1])
        let m = try SignedMessage.sign(.commit(Vote(view: 0, seq: 1, digest: LedgerHash.blockHash(b.header))), committee: l.committee.id, sender: 3, signer: outsider)
        outsiderVote.votes.append(CertificateVote(replica: 3, signature: m.signature))
        let cases: [(QuorumCertificate, String)] = [
            (forged, "signature does not verify"),
            (try c.certify(b, committee: l.committee, signers: [0, 1]), "needs 3"),
            (outsiderVote, "signature does not verify"),
            (try c.certify(b, committee: foreign), "does not verify against committee"),
        ]
        for (qc, why) in cases {
            do { try l.appendCommitted(CertifiedBlock(block: b, certificate: qc)); Issue.record("accepted: \(why)") } catch {
                #expect(error.description.contains("block 1") && error.description.contains(why), "\(error)")
            }
        }
        // A valid certificate over a header whose entries were swapped: the store refuses the
        // block (Merkle root) and the certificate written just before is cut back.
        var swapped = b
        swapped.entries = [try BFTTestCluster.cycleEntry(Self.cycles[1])]
        #expect { try l.appendCommitted(CertifiedBlock(block: swapped, certificate: try c.certify(b, committee: l.committee))) } throws: {
            "\($0)".contains("Merkle root")
        }
        #expect(l.height == 0 && l.certificates.lastHeight == 0)
        #expect(try FileSystem.read(c.ledgerPath(1) + "/certificates.gcl").isEmpty)
        try l.appendCommitted(CertifiedBlock(block: b, certificate: try c.certify(b, committee: l.committee)))
        #expect(l.height == 1)
    }

    /// Rewrites replica 1's certificates.gcl with `edit` applied to the certificate of `height`.
    func tamper(_ c: BFTTestCluster, height: UInt64, _ edit: (inout [QuorumCertificate]) -> Void) throws {
        let path = c.ledgerPath(1) + "/certificates.gcl"
        var certs = CertificateFrame.scan(try FileSystem.read(path)).certificates.map(\.certificate)
        edit(&certs)
        try AtomicFile.write(certs.flatMap(CertificateFrame.encode), to: path)
    }

    @Test func auditNamesTheHeightOfABadCertificate() throws {
        let (c, l) = try populated()
        let committee = l.committee
        _ = consume l
        let outsider = NodeKey.generate()
        let cases: [(String, (inout [QuorumCertificate]) -> Void, UInt64, String)] = [
            ("forged", { $0[1].votes[0].signature[0] ^= 0x80 }, 2, "signature does not verify"),
            ("missing", { $0.removeLast() }, 3, "block 3 has no commit certificate"),
            ("insufficient", { $0[0].votes = Array($0[0].votes.prefix(2)) }, 1, "needs 3"),
            ("not a member", { certs in
                let q = certs[2]
                let m = try! SignedMessage.sign(.commit(Vote(view: q.view, seq: q.height, digest: q.blockHash)), committee: committee.id, sender: 7, signer: outsider)
                certs[2].votes.append(CertificateVote(replica: 7, signature: m.signature))
            }, 3, "sender 7 is not a committee member"),
            ("other block", { $0[0].blockHash = $0[1].blockHash }, 1, "another block hash"),
        ]
        let good = try FileSystem.read(c.ledgerPath(1) + "/certificates.gcl")
        for (name, edit, height, why) in cases {
            try tamper(c, height: height, edit)
            switch try audit(c.ledgerPath(1)) {
            case .success: Issue.record("\(name): audit passed")
            case .failure(let f): #expect(f.height == height && f.message.contains(why), "\(name): \(f)")
            }
            try AtomicFile.write(good, to: c.ledgerPath(1) + "/certificates.gcl")
        }
        #expect(throws: Never.self) { try audit(c.ledgerPath(1)).get() }
        // A pinned committee that is not the genesis one.
        var wrong = c.config.publicKeys
        wrong[3] = outsider.publicKey
        guard case .failure(let f) = try audit(c.ledgerPath(1), pinned: wrong) else { Issue.record("wrong pin passed"); return }
        #expect(f.height == 0 && f.message.contains("not the pinned committee"))
    }

    @Test func membershipChangeNeedsACertificateOfTheCommitteeInForce() throws {
        let c = try BFTTestCluster()
        let l = try c.ledger(1)
        try c.commit([try BFTTestCluster.cycleEntry(Self.cycles[0])], on: l)
        // Replace node4's key (a lost replica): the operator's signed request; the roster change
        // and the operator committee epoch are derived from it (`keyReplacementEntries`).
        let newKey = NodeKey.generate()
        let op = try NodeKeyFile.load(path: ClusterSetup.operatorKeyPath(directory: c.dir))
        #expect(c.config.operatorKey == op.publicKey && l.membership.operatorKey == op.publicKey)
        let request = try KeyReplacement(nodeID: "node4", oldKey: c.keys[3].publicKey, newKey: newKey.publicKey,
                                         nonce: Array(repeating: 7, count: 16)).signed(chain: c.config.chain, operatorKey: op)
        // Signed by another key (a replica's): not endorsed, refused at append.
        var forged = try request.signed(chain: c.config.chain, operatorKey: c.keys[0])
        forged.nonce[0] ^= 1
        #expect(throws: MembershipError.self) { try l.membership.keyReplacementEntries(forged) }
        let change = try l.membership.keyReplacementEntries(request)
        // Block 1 credits every member of the committee that certified it (+T_up), signer or not.
        guard case .committeeEpoch(let epoch) = change[1] else { Issue.record("no epoch entry"); return }
        #expect(epoch.scores.allSatisfy { $0.score == 61_000 } && epoch.members[3].publicKey == newKey.publicKey)
        var tampered = change
        if case .committeeEpoch(var e) = tampered[1] { e.authorization = forged; tampered[1] = .committeeEpoch(e) }
        let bad = try c.block(tampered, on: l)
        #expect(!EndorsementService.endorse(bad, ledger: l).agrees)
        #expect(throws: AppError.self) {
            try l.appendCommitted(CertifiedBlock(block: bad, certificate: try c.certify(bad, committee: l.committee, signers: [0, 1, 2])))
        }
        try c.commit(change, on: l)
        #expect(l.committee.id.epoch == 1 && l.committee.keys[3] == newKey.publicKey)
        // From now on the old key of node4 cannot certify, the new one can.
        let b = try c.block([try BFTTestCluster.cycleEntry(Self.cycles[1])], on: l, keys: [newKey])
        let oldCommittee = try c.config.committee()
        #expect(throws: AppError.self) {
            try l.appendCommitted(CertifiedBlock(block: b, certificate: try c.certify(b, committee: oldCommittee, signers: [1, 2, 3])))
        }
        try l.appendCommitted(CertifiedBlock(block: b, certificate: try c.certify(b, committee: l.committee, signers: [1, 2, 3], keys: [newKey])))
        #expect(try audit(c.ledgerPath(1)).get().epochs.map(\.epoch) == [0, 1])
        // Pinned by cluster.json's genesis keys (the trust anchor), the replacement verifies too.
        #expect(try audit(c.ledgerPath(1), pinned: c.config.publicKeys).get().epochs.count == 2)
        // The same request once more: spent.
        #expect(throws: MembershipError.self) { try l.membership.keyReplacementEntries(request) }
        // A proof of the block after the replacement names the committee with the new key:
        // verify-proof --cluster trusts it once cluster.json records the replacement.
        let exported = try ProofService.export(ledgerDirectory: c.ledgerPath(1), trade: .row(1), cycle: Self.cycles[1], trusted: nil)
        var updated = c.config
        try updated.recordKeyReplacement(node: "node4", newKey: newKey.publicKey, height: 2)
        #expect(throws: (any Error).self) { try exported.proof.verify(clusterKeys: c.config.trustedKeys, chain: c.config.chain, committeeSize: 4) }
        #expect(try exported.proof.verify(clusterKeys: updated.trustedKeys, chain: updated.chain, committeeSize: 4).blockHeight == 3)
        // The membership change without its certificate: the audit names block 2.
        try tamper(c, height: 2) { $0.removeLast(2) }
        guard case .failure(let f) = try audit(c.ledgerPath(1)) else { Issue.record("passed without certificate"); return }
        #expect(f.height == 2 && f.message.contains("no commit certificate"))
    }

    @Test func reputationEpochsReplayFromCommittedData() throws {
        var p = ReputationParams()
        p.committeeSize = 4; p.epochBlocks = 3; p.lotteryRange = 0
        let c = try BFTTestCluster(replicas: 5, params: p)
        let l = try c.ledger(1)
        // node5 never signs (credit comes from the committee, not from the certificate's
        // signers, which differ between replicas); node2 records a disagreement.
        try c.commit([try BFTTestCluster.cycleEntry(Self.cycles[0])], on: l, signers: [0, 1, 2, 3])
        let verdict = Endorsement(agrees: false, reason: "trades.csv differs", cycleID: Self.cycles[0])
        // node2's own, signed disagreement counts; an unsigned one naming node3 is on record only;
        // one "signed" for node4 by another key (a primary framing node4) is refused.
        let d = try EndorsementService.disagreementRequest(height: 1, blockHash: l.headHash, nodeID: "node2", endorsement: verdict,
                                                           chain: c.config.chain, signer: c.keys[1])
        let unsigned = try EndorsementService.disagreementRequest(height: 1, blockHash: l.headHash, nodeID: "node3", endorsement: verdict)
        let framed = try EndorsementService.disagreementRequest(height: 1, blockHash: l.headHash, nodeID: "node4", endorsement: verdict,
                                                                chain: c.config.chain, signer: c.keys[0])
        let framing = try c.block(framed.entries, on: l)
        #expect(!EndorsementService.endorse(framing, ledger: l).agrees)
        #expect { try l.appendCommitted(CertifiedBlock(block: framing, certificate: try c.certify(framing, committee: l.committee, signers: [0, 1, 2, 3]))) } throws: {
            "\($0)".contains("not signed by that node's roster key")
        }
        try c.commit(d.entries + unsigned.entries, on: l, signers: [0, 1, 2, 3])
        let entry = try l.membership.nextEpochEntry(previousHash: l.headHash, blockEntries: [], reason: "epoch 1")
        #expect(entry.scores.map(\.score) == [62_000, 52_000, 62_000, 62_000, 62_000])
        // Closed form: node2 (52,000) is the lowest of five and drops out; the others tie at
        // 62,000 (lottery range 0): ordered by lottery digest.
        #expect(Set(entry.members.map(\.nodeID)) == ["node1", "node3", "node4", "node5"])
        let digests = entry.members.map { CommitteeSelection.lotteryDigest(previousHash: l.headHash, nodeID: $0.nodeID) }
        #expect(zip(digests, digests.dropFirst()).allSatisfy { $0.lexicographicallyPrecedes($1) })
        // A wrong score is refused at endorsement and at append.
        var bad = entry
        bad.scores[1].score += 1
        let badBlock = try c.block([.committeeEpoch(bad)], on: l, proposer: 0)
        #expect(!EndorsementService.endorse(badBlock, ledger: l).agrees)
        let good = try c.block([.committeeEpoch(entry)], on: l, proposer: 0)
        #expect(EndorsementService.endorse(good, ledger: l).agrees)
        let badCertified = CertifiedBlock(block: badBlock, certificate: try c.certify(badBlock, committee: l.committee, signers: [0, 1, 2, 3]))
        #expect(throws: AppError.self) { try l.appendCommitted(badCertified) }
        try l.appendCommitted(CertifiedBlock(block: good, certificate: try c.certify(good, committee: l.committee, signers: [0, 1, 2, 3])))
        #expect(l.committee.id.epoch == 1 && l.membership.members == entry.members)
        // The new committee certifies from block 4 on.
        try c.commit([try BFTTestCluster.cycleEntry(Self.cycles[1])], on: l, signers: [1, 2, 3])
        let r = try audit(c.ledgerPath(1)).get()
        #expect(r.epochs.map(\.epoch) == [0, 1] && r.epochs[1].fromHeight == 4)
        // A ledger written around the checks with the wrong scores: the audit's replay names block 3.
        let history = try l.certifiedBlocks(from: 1, maxBlocks: 2)
        do {
            let store = try LedgerStore(directory: c.ledgerPath(2), create: true)
            let log = try CertificateLog(directory: c.ledgerPath(2))
            try store.append([c.config.genesis] + history.map(\.block) + [badBlock])
            try log.append(history.map(\.certificate) + [badCertified.certificate])
        }
        guard case .failure(let f) = try audit(c.ledgerPath(2)) else { Issue.record("wrong scores passed"); return }
        #expect(f.height == 3 && f.message.contains("reputation scores differ"), "\(f)")
    }

    /// The nodes excluded from the next committee are the block's trading parties, derived by
    /// every replica from the (re-executed) trades: a proposer that lies about them in either
    /// direction is not endorsed and its block is refused at append.
    @Test func excludedNodesAreDerivedFromTheBlocksTrades() throws {
        var p = ReputationParams()
        p.committeeSize = 4; p.epochBlocks = 2; p.lotteryRange = 0
        let c = try BFTTestCluster(replicas: 5, params: p)
        let l = try c.ledger(1)
        try c.commit([try BFTTestCluster.cycleEntry(Self.cycles[0])], on: l, signers: [0, 1, 2, 3])
        // Block 2 clears a cycle in which node3 buys (participant P1 renamed): node3 is a trading party.
        let trading = try BFTTestCluster.cycleEntry(Self.cycles[1], participants: ["P1": "node3"])
        #expect(CommitteeExclusion.tradingParties(in: [trading], roster: l.membership.roster) == ["node3"])
        let honest = try l.membership.nextEpochEntry(previousHash: l.headHash, blockEntries: [trading], reason: "epoch 1")
        #expect(honest.excluded == ["node3"] && !honest.members.contains { $0.nodeID == "node3" })
        // Byzantine proposer 1: hides the trading party (keeps node3 on the committee).
        let hiding = try l.membership.nextEpochEntry(previousHash: l.headHash, blockEntries: [], reason: "epoch 1")
        // Byzantine proposer 2: excludes a node that does not trade (to push node1 off).
        var framing = honest
        framing.excluded = ["node1", "node3"]
        for lie in [hiding, framing] {
            let b = try c.block([trading, .committeeEpoch(lie)], on: l, proposer: 0)
            let verdict = EndorsementService.endorse(b, ledger: l)
            #expect(!verdict.agrees && verdict.reason.contains("trading parties of the block on the roster are [node3]"), "\(verdict.reason)")
            let cb = CertifiedBlock(block: b, certificate: try c.certify(b, committee: l.committee, signers: [0, 1, 2, 3]))
            #expect { try l.appendCommitted(cb) } throws: { "\($0)".contains("trading parties") }
        }
        let good = try c.block([trading, .committeeEpoch(honest)], on: l, proposer: 0)
        #expect(EndorsementService.endorse(good, ledger: l).agrees)
        try l.appendCommitted(CertifiedBlock(block: good, certificate: try c.certify(good, committee: l.committee, signers: [0, 1, 2, 3])))
        #expect(l.committee.id.epoch == 1 && !l.membership.members.contains { $0.nodeID == "node3" })
        #expect(try audit(c.ledgerPath(1)).get().epochs.map(\.epoch) == [0, 1])
    }

    @Test func proofCarriesTheCertificateAndVerifiesOfflineAgainstTheCommittee() throws {
        let (c, l) = try populated()
        _ = consume l
        let exported = try ProofService.export(ledgerDirectory: c.ledgerPath(1), trade: .row(1), cycle: Self.cycles[1], trusted: nil)
        let proof = try TradeProof.parse(exported.proof.jsonBytes())
        #expect(proof.format == TradeProof.certifiedFormatName && proof == exported.proof && proof.certificate != nil)
        let cfg = c.config
        let v = try proof.verify(clusterKeys: cfg.publicKeys, chain: cfg.chain, committeeSize: cfg.reputation.committeeSize)
        #expect(v.blockHeight == 2 && v.cycle == Self.cycles[1])
        #expect(throws: Never.self) { try proof.verify(trusted: TrustedKeys(cfg.publicKeys)) }
        // A wrong committee key, a smaller committee of the proof's own, another chain, a forged vote.
        var wrong = cfg.publicKeys
        wrong[2] = NodeKey.generate().publicKey
        let outsider = NodeKey.generate()
        var ownCommittee = proof
        ownCommittee.committeeKeys = [Hex.encode(outsider.publicKey)]
        var forged = proof
        var qc = try QuorumCertificate.decode(Hex.decode(proof.certificate!)!)
        qc.votes[0].signature[9] ^= 4
        forged.certificate = Hex.encode(qc.encoded())
        let failures: [(String, () throws -> TradeProof.Verified)] = [
            ("not the trusted committee", { try proof.verify(clusterKeys: wrong, chain: cfg.chain, committeeSize: 4) }),
            ("not the trusted committee", { try proof.verify(trusted: TrustedKeys(wrong)) }),
            ("not the trusted committee", { try ownCommittee.verify(trusted: TrustedKeys(cfg.publicKeys + [outsider.publicKey])) }),
            ("is for chain", { try proof.verify(clusterKeys: cfg.publicKeys, chain: "elsewhere", committeeSize: 4) }),
            ("does not verify", { try forged.verify(trusted: TrustedKeys(cfg.publicKeys)) }),
        ]
        for (why, f) in failures {
            do { _ = try f(); Issue.record("verified: \(why)") } catch { #expect("\(error)".contains(why), "\(error)") }
        }
        // An older verifier's view: format 3 is named; a future format is refused by name.
        let future = String(decoding: proof.jsonBytes(), as: UTF8.self).replacingOccurrences(of: "trade-proof/3", with: "trade-proof/4")
        do { _ = try TradeProof.parse(Array(future.utf8)); Issue.record("format 4 parsed") } catch {
            #expect(error.description.contains("gridclear-trade-proof/2 and gridclear-trade-proof/3 only"))
        }
    }

    @Test func aCrashBetweenCertificateAndBlockIsRepairedAndAForeignLedgerRefused() throws {
        let c = try BFTTestCluster()
        var next: CertifiedBlock
        do {
            let l = try c.ledger(1)
            try c.commit([try BFTTestCluster.cycleEntry(Self.cycles[0])], on: l)
            let b = try c.block([try BFTTestCluster.cycleEntry(Self.cycles[1])], on: l)
            next = CertifiedBlock(block: b, certificate: try c.certify(b, committee: l.committee))
        }
        // The certificate of block 2 reached the disk, the block did not.
        do { try CertificateLog(directory: c.ledgerPath(1)).append([next.certificate]) }
        if case .success(let r) = try audit(c.ledgerPath(1)) { #expect(r.extraCertificates == 1) } else { Issue.record("audit failed") }
        let l = try c.ledger(1)
        #expect(l.height == 1 && l.certificates.lastHeight == 1)
        try l.appendCommitted(next)
        #expect(try audit(c.ledgerPath(1)).get().certificates == 2)
        // A block without its certificate (certificates.gcl cut back) is damage, named.
        _ = consume l
        try tamper(c, height: 2) { $0.removeLast() }
        #expect { _ = try c.ledger(1) } throws: { "\($0)".contains("block 2 has no certificate") }
        // Another cluster's ledger directory is refused.
        let other = try BFTTestCluster()
        #expect { _ = try ReplicatedLedger(directory: c.ledgerPath(1), cluster: other.config) } throws: {
            "\($0)".contains("another cluster")
        }
    }

    @Test func endorsementReExecutesCycles() throws {
        let c = try BFTTestCluster()
        let l = try c.ledger(1)
        guard case .clearedCycle(var e) = try BFTTestCluster.cycleEntry(Self.cycles[0]) else { return }
        #expect(EndorsementService.endorse(try c.block([.clearedCycle(e)], on: l), ledger: l).agrees)
        e.summaryJSON += Array(" ".utf8)
        let v = EndorsementService.endorse(try c.block([.clearedCycle(e)], on: l), ledger: l)
        #expect(!v.agrees && v.reason.contains("summary.json differs") && v.cycleID == Self.cycles[0])
    }
}
