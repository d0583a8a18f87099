import Foundation
import Testing
import GridClearApp
import GridClearCore
import GridClearSystem
import GridClearTestSupport
import LedgerLite
@testable import BFTReplication

/// An operator's key replacement seen from the drivers (docs/replication.md, "Replacing a
/// replica's key"): the ledger is the authority on a node's current key, cluster.json only for
/// a replacement the ledger has not reached; peers' keys always come from the ledger.
@Suite(.serialized) struct KeyReplacementDriverTests {
    /// Replica 3 keeps running with its old key while the operator replaces it: once its ledger
    /// holds the replacement it stops with one line (height, new key, what to do) instead of
    /// following the chain as an observer; its old key no longer starts it, even with the
    /// cluster.json of before the replacement, and its new key does — with that stale file on
    /// every replica, so every peer key comes from the ledgers: with replica 4 stopped, each
    /// quorum needs replica 3's votes under its new key.
    @Test func aReplacedKeyStopsItsReplicaAndOnlyTheNewKeyStartsIt() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        try c.startAll()
        let ids = (0..<3).map(cycleID)
        c.released.withValue { $0 = [ids[0]] }
        #expect(c.reach(1, at: 1...4), c.recentLogs())
        let newKey = NodeKey.generate()
        let op = try NodeKeyFile.load(path: ClusterSetup.operatorKeyPath(directory: c.dir))
        let k = try OperatorKeyReplacement.request(cluster: c.cluster, replica: 3, newKey: newKey.publicKey, operatorKey: op,
                                                   nonce: [UInt8](repeating: 0x5A, count: KeyReplacement.nonceBytes))
        let (outcome, notes) = try OperatorKeyReplacement.submit(k, cluster: c.cluster, waitMillis: 30_000)
        let h = try #require(outcome?.height, "\(notes)")
        // Replica 3 (old key) appends the replacement, then stops with the reason.
        #expect(waitUntil(seconds: 30) { c.runErrors.withValue { $0[3] } != nil }, c.recentLogs())
        c.stop(3)
        let fp = NodeKey.fingerprint(publicKey: newKey.publicKey)
        let stopped = c.runErrors.withValue { $0[3] } ?? ""
        #expect(stopped.contains("replaced at height \(h) by \(fp)") && stopped.contains("start it with its new key") && !stopped.contains("\n"), "\(stopped)")
        #expect(c.blocks(3).count == Int(h) + 1, "replica 3 holds the replacement block")
        // Its old key does not start it (the stale cluster.json still names that key).
        #expect { try c.start(3) } throws: { "\($0)".contains("replaced at height \(h) by \(fp) (recorded in its ledger)") }
        // Its new key does, with the same stale cluster.json everywhere.
        c.keys[3] = newKey
        try c.start(3)
        c.stop(4)
        c.released.withValue { $0 = ids }
        #expect(c.reach(3, at: 1...3), c.recentLogs())
        for i in 1...3 { c.stop(i) }
        #expect(c.runErrors.withValue { $0 }.keys.sorted() == [3], "\(c.runErrors.withValue { $0 })")
        #expect(c.ledgerBytes(2) == c.ledgerBytes(1) && c.ledgerBytes(3) == c.ledgerBytes(1))
        // The blocks after the replacement are certified with replica 3's new key.
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: c.dir, id: 3), cluster: c.cluster)
        #expect(ledger.committee.keys[2] == newKey.publicKey && ledger.membership.keyReplacedAt == ["node3": h])
        for cb in try ledger.certifiedBlocks(from: h + 1, maxBlocks: 100, maxBytes: 1 << 30) {
            #expect(cb.certificate.votes.contains { $0.replica == 2 }, "block \(cb.height): every quorum of 3 without replica 4 holds replica 3's vote")
        }
    }

    /// Which key runs a replica (`ReplicaDriver.keyProblem`): the ledger's current key, or
    /// cluster.json's for a replacement above the ledger's height; otherwise one line that
    /// says what to do.
    @Test func theLedgerDecidesAReplicasKeyUnlessClusterJSONKnowsALaterReplacement() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        guard case .genesis(let g) = c.cluster.genesis.entries[0], let genesis = try Membership(genesis: g) else {
            Issue.record("no committee in the genesis"); return
        }
        let old = try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: c.dir, id: 3)).publicKey
        let new = NodeKey.generate().publicKey
        var updated = c.cluster
        try updated.recordKeyReplacement(node: "node3", newKey: new, height: 7)
        let stale = try #require(c.cluster.replica(id: 3)), fresh = try #require(updated.replica(id: 3))
        #expect(ReplicaDriver.keyProblem(old, replica: stale, membership: genesis, height: 0) == nil)
        // A ledger at height 2, cluster.json knows of the replacement at 7: the new key runs
        // (it catches up by state transfer), the old key is refused with the height.
        #expect(ReplicaDriver.keyProblem(new, replica: fresh, membership: genesis, height: 2) == nil)
        let refused = ReplicaDriver.keyProblem(old, replica: fresh, membership: genesis, height: 2) ?? ""
        #expect(refused.contains("replaced at height 7 by \(NodeKey.fingerprint(publicKey: new)) (cluster.json") && refused.contains("new key"))
        // Nothing says the new key is node3's: refused, with what to copy.
        let unknown = ReplicaDriver.keyProblem(new, replica: stale, membership: genesis, height: 2) ?? ""
        #expect(unknown.contains("not replica 3's key") && unknown.contains("copy the cluster.json"), "\(unknown)")
    }
}
