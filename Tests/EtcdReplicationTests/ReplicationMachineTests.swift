import Testing
@testable import EtcdReplication

/// The pure replication driver, stepped by hand: no etcd, no clock, no threads.
@Suite struct ReplicationMachineTests {
    let cfg = ReplicationConfig(nodeID: "1", leaseTTLSeconds: 6)

    /// Steps a fresh node to "registered, lease held, caught up at `next`".
    func warm(next: UInt64 = 0, head: UInt64? = nil) -> ReplicationMachine {
        var m = ReplicationMachine(config: cfg, ledgerNextHeight: next)
        let r = m.step(.tick(nowMillis: 0, due: [], canLead: true))
        #expect(r.commands.contains(.register))
        #expect(r.commands.contains(.grantLease(ttlSeconds: 6, sentAtMillis: 0)))
        #expect(r.commands.contains(.fetch(fromHeight: next)))
        _ = m.step(.registered(true))
        _ = m.step(.leaseGranted(id: 77, ttlSeconds: 6, sentAtMillis: 0))
        _ = m.step(.fetched(blocks: [], head: head, failed: []))
        return m
    }

    func lead(_ m: inout ReplicationMachine, at now: Int64 = 10, rev: Int64 = 5) {
        let r = m.step(.tick(nowMillis: now, due: [], canLead: true))
        #expect(r.commands.contains(.campaign(lease: 77)))
        _ = m.step(.campaigned(won: true, leaderID: "1", electionRevision: rev))
        #expect(m.state.isLeader)
    }

    @Test func freshLeaderWritesGenesisThenClearsDueCyclesInOrder() {
        var m = warm()
        lead(&m)
        var r = m.step(.tick(nowMillis: 20, due: ["C1"], canLead: true))
        #expect(r.commands.contains(.produce(height: 0, cycle: nil)))
        r = m.step(.produced(height: 0, payload: [0xA0], cycle: nil))
        #expect(r.commands == [.commit(height: 0, payload: [0xA0], electionRevision: 5)])
        // Nothing else is produced while the commit is out.
        r = m.step(.tick(nowMillis: 30, due: ["C1"], canLead: true))
        #expect(!r.commands.contains { if case .produce = $0 { return true }; return false })
        r = m.step(.commitResult(height: 0, .committed))
        #expect(r.commands.first == .append(height: 0, payload: [0xA0]))
        #expect(m.state.next == 1)
        r = m.step(.tick(nowMillis: 700, due: ["C1", "C2"], canLead: true))
        #expect(r.commands.contains(.produce(height: 1, cycle: "C1")))
        #expect(r.commands.contains(.recordApplied(nextHeight: 1)))
    }

    @Test func onlyACaughtUpNodeCampaigns() {
        var m = ReplicationMachine(config: cfg, ledgerNextHeight: 0)
        _ = m.step(.tick(nowMillis: 0, due: [], canLead: true))
        _ = m.step(.registered(true))
        _ = m.step(.leaseGranted(id: 77, ttlSeconds: 6, sentAtMillis: 0))
        // etcd holds blocks 0...3: the node must append them before it may campaign.
        var r = m.step(.fetched(blocks: [FetchedBlock(0, [0]), FetchedBlock(1, [1])], head: 3, failed: []))
        #expect(r.commands == [.append(height: 0, payload: [0]), .append(height: 1, payload: [1])])
        r = m.step(.tick(nowMillis: 10, due: [], canLead: true))
        #expect(!r.commands.contains(.campaign(lease: 77)))
        #expect(r.commands.contains(.fetch(fromHeight: 2)))
        _ = m.step(.fetched(blocks: [FetchedBlock(2, [2]), FetchedBlock(3, [3])], head: 3, failed: []))
        r = m.step(.tick(nowMillis: 20, due: [], canLead: true))
        #expect(r.commands.contains(.campaign(lease: 77)))
    }

    @Test func aNodeThatIsNotASignerNeverCampaigns() {
        var m = warm(next: 1, head: 0)
        let r = m.step(.tick(nowMillis: 10, due: ["C1"], canLead: false))
        #expect(!r.commands.contains(.campaign(lease: 77)))
    }

    @Test func leaseExpiryStepsDownAndDropsAProducedBlock() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        var r = m.step(.tick(nowMillis: 20, due: ["C1"], canLead: true))
        #expect(r.commands.contains(.produce(height: 1, cycle: "C1")))
        // Paused (SIGSTOP) past the TTL: 6 s after the last keep-alive was sent.
        r = m.step(.tick(nowMillis: 6_500, due: ["C1"], canLead: true))
        #expect(!m.state.isLeader)
        #expect(r.notes.contains { $0.contains("stepping down") })
        #expect(r.commands.contains(.revokeLease(77)))
        #expect(r.commands.contains(.grantLease(ttlSeconds: 6, sentAtMillis: 6_500)))
        r = m.step(.produced(height: 1, payload: [1], cycle: "C1"))
        #expect(r.commands.isEmpty)
    }

    @Test func aFencedCommitStepsDownAndRefetches() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        _ = m.step(.tick(nowMillis: 20, due: ["C1"], canLead: true))
        _ = m.step(.produced(height: 1, payload: [1], cycle: "C1"))
        var r = m.step(.commitResult(height: 1, .fenced))
        #expect(r.commands.isEmpty)
        #expect(!m.state.isLeader)
        r = m.step(.tick(nowMillis: 30, due: ["C1"], canLead: true))
        #expect(r.commands.contains(.fetch(fromHeight: 1)))
        #expect(!r.commands.contains { if case .produce = $0 { return true }; return false })
    }

    @Test func anUnknownCommitOutcomeIsResolvedByReadingEtcd() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        _ = m.step(.tick(nowMillis: 20, due: ["C1"], canLead: true))
        _ = m.step(.produced(height: 1, payload: [1], cycle: "C1"))
        var r = m.step(.commitResult(height: 1, .unknown("timeout")))
        #expect(!r.commands.contains { if case .append = $0 { return true }; return false })
        r = m.step(.tick(nowMillis: 30, due: ["C1"], canLead: true))
        #expect(r.commands.contains(.fetch(fromHeight: 1)))
        // It had gone through: the block comes back from etcd and is appended once.
        r = m.step(.fetched(blocks: [FetchedBlock(1, [1])], head: 1, failed: []))
        #expect(r.commands == [.append(height: 1, payload: [1])])
        #expect(m.state.next == 2)
    }

    @Test func keepAlivesAtAThirdOfTheTTLAndALostLease() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        var r = m.step(.tick(nowMillis: 1_999, due: [], canLead: true))
        #expect(!r.commands.contains(.keepAlive(lease: 77, sentAtMillis: 1_999)))
        r = m.step(.tick(nowMillis: 2_000, due: [], canLead: true))
        #expect(r.commands.contains(.keepAlive(lease: 77, sentAtMillis: 2_000)))
        _ = m.step(.keepAlive(alive: true, sentAtMillis: 2_000))
        r = m.step(.tick(nowMillis: 7_000, due: [], canLead: true))
        #expect(m.state.isLeader)  // 2 000 + 6 000 > 7 000
        _ = m.step(.keepAlive(alive: false, sentAtMillis: 7_000))
        #expect(!m.state.isLeader)
        #expect(m.state.leaseID == nil)
    }

    @Test func headNotificationsTriggerAFetchAndFollowersAppendInOrder() {
        var m = warm(next: 1, head: 0)
        _ = m.step(.headChanged(2))
        var r = m.step(.tick(nowMillis: 10, due: [], canLead: true))
        #expect(r.commands.contains(.fetch(fromHeight: 1)))
        // A batch with a duplicate and a gap: only the contiguous part is appended.
        r = m.step(.fetched(blocks: [FetchedBlock(0, [0]), FetchedBlock(1, [1]), FetchedBlock(3, [3])], head: 3, failed: []))
        #expect(r.commands == [.append(height: 1, payload: [1])])
        #expect(!m.state.caughtUp)
    }

    @Test func aFailedCycleIsRecordedAndSkipped() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        _ = m.step(.tick(nowMillis: 20, due: ["C1", "C2"], canLead: true))
        let r = m.step(.productionFailed(cycle: "C1", reason: "bad offers.csv"))
        #expect(r.commands == [.markFailed(cycle: "C1", reason: "bad offers.csv")])
        let r2 = m.step(.tick(nowMillis: 600, due: ["C1", "C2"], canLead: true))
        #expect(r2.commands.contains(.produce(height: 1, cycle: "C2")))
        #expect(!m.isIdle(due: ["C1", "C2"]))
        _ = m.step(.productionFailed(cycle: "C2", reason: "no bids"))
        #expect(m.isIdle(due: ["C1", "C2"]))
        #expect(!m.isIdle(due: ["C1", "C2", "C3"]))
    }

    @Test func stopRevokesTheLease() {
        var m = warm(next: 1, head: 0)
        lead(&m)
        let r = m.step(.stop)
        #expect(r.commands == [.revokeLease(77)])
        #expect(m.step(.tick(nowMillis: 99_999, due: ["C1"], canLead: true)).commands.isEmpty)
    }
}
