import Foundation
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import GridClearTestSupport
import LedgerLite
@testable import BFTReplication

/// A cycle's ledger entry as every honest replica computes it (small, deterministic), cleared
/// with `reputation` (default: the reputation of a ledger without reputation changes).
func cycleEntry(_ id: String, variant: Int = 0, reputation: [UInt8]? = ReputationSnapshot().canonicalJSON()) -> LedgerEntry {
    .clearedCycle(try! ClearedCycleEntry(
        cycleID: id, mechanism: "cmap", solver: "auto", seed: 0,
        inputs: [InputFile(name: "offers.csv", bytes: Array("offer_id\nO-\(id)\n".utf8))]
            + (reputation.map { [InputFile(name: "reputation.json", bytes: $0)] } ?? []),
        tradesCSV: Array("bid_id,offer_id,wh\nB,O-\(id),\(1000 + variant)\n".utf8), summaryJSON: Array("{\"v\":\(variant)}".utf8)))
}

func cycleID(_ k: Int) -> String { CycleID(startSeconds: 1_795_000_000 / 900 * 900 + Int64(k) * 900)!.description }

/// Four drivers in this process over real TCP on loopback, each with its own ledger and state
/// file in a temporary folder.
final class TestCommittee: @unchecked Sendable {
    let folder: TemporaryFolder  // the cluster's files, removed with the committee
    let dir: String
    let cluster: ClusterConfig
    let released = Locked<[String]>([])
    /// Per replica: cycles whose own clearing differs (a replica that computes another result).
    let deviant: [Int: Set<String>]
    var stops: [Int: Locked<Bool>] = [:]
    var threads: [Int: DispatchGroup] = [:]
    let logs = Locked<[String]>([])
    /// Cycles whose entry carries a large input (`bigInputBytes` bytes), and the peer frame limit.
    var big: Set<String> = []
    var bigInputBytes = 0
    var frameBytes: Int?
    /// Keys replicas run with instead of their key files (a replaced key).
    var keys: [Int: NodeKey] = [:]
    /// Why a replica's `run` stopped with an error.
    let runErrors = Locked<[Int: String]>([:])

    init(deviant: [Int: Set<String>] = [:], replicas n: Int = 4, params: ReputationParams? = nil) throws {
        folder = try TemporaryFolder("ReplicaDriverTests")
        dir = folder.path
        let ports = freePorts(n)
        guard ports.count == n, ports == Array(ports[0]...ports[0] + n - 1) else { throw BFTError.transport("no free ports") }
        cluster = try ClusterSetup.initialize(replicas: n, directory: dir, basePort: ports[0] - 1, now: UTCTime(millis: 0), params: params)
        self.deviant = deviant
    }

    func start(_ i: Int) throws {
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: dir, id: i), cluster: cluster)
        let key = try keys[i] ?? NodeKeyFile.load(path: ClusterSetup.keyPath(directory: dir, id: i))
        let released = self.released, mine = deviant[i] ?? [], big = self.big, pad = bigInputBytes
        let app = ReplicaApplication(
            due: { state, _ in released.withValue { $0 }.filter { state.cycles[$0] == nil } },
            clear: { id, reputation in
                var e = cycleEntry(id, variant: mine.contains(id) ? 1 : 0, reputation: reputation)
                if big.contains(id), case .clearedCycle(var c) = e {
                    c.inputs = (c.inputs + [InputFile(name: "bids.csv", bytes: [UInt8](repeating: 0x41, count: pad))]).sorted { $0.name < $1.name }
                    e = .clearedCycle(c)
                }
                return .entries([e])
            },
            reexecute: { _ in "no inputs here" },
            committed: { _ in })
        var o = ReplicaDriver.Options(cluster: cluster, id: i, statePath: FileSystem.join(dir, "node\(i)/state.pbft"))
        o.viewChangeTimeoutMillis = 800
        o.retransmitMillis = 100
        o.scanMillis = 20
        if let f = frameBytes { o.limits.maxPeerFrameBytes = f }
        let d = try ReplicaDriver(options: o, key: key, ledger: ledger, app: app)
        let logs = self.logs, errors = runErrors
        d.log = { line in logs.withValue { $0.append(line) } }
        let stop = Locked(false), g = DispatchGroup()
        stops[i] = stop; threads[i] = g
        g.enter()
        Thread {
            do { try d.run(once: false, shouldStop: { stop.withValue { $0 } }) } catch { errors.withValue { $0[i] = "\(error)" } }
            g.leave()
        }.start()
    }

    func stop(_ i: Int) {
        stops[i]?.withValue { $0 = true }
        threads[i]?.wait()
        stops[i] = nil; threads[i] = nil
    }

    func ledgerBytes(_ i: Int) -> [UInt8] { (try? FileSystem.read(FileSystem.join(ClusterSetup.ledgerPath(directory: dir, id: i), "blocks.gcl"), maxBytes: 1 << 30)) ?? [] }

    /// The ledger of replica i as read from disk (replica stopped or not: reads only).
    func blocks(_ i: Int) -> [Block] {
        RecordScanner.scan(ledgerBytes(i)).records.compactMap { try? Block.decode($0.payload) }
    }

    func cycles(_ i: Int) -> [String] { blocks(i).flatMap(\.entries).compactMap { if case .clearedCycle(let c) = $0 { return c.cycleID }; return nil } }

    func shutdown() {
        for i in Array(stops.keys) { stop(i) }
        folder.remove()
    }

    /// Starts replicas 1…`n`.
    func startAll(_ n: Int = 4) throws { for i in 1...n { try start(i) } }

    /// Whether every replica in `replicas` holds `count` cleared cycles within `seconds`.
    func reach<S: Sequence<Int>>(_ count: Int, at replicas: S, seconds: Double = 60) -> Bool {
        waitUntil(seconds: seconds) { replicas.allSatisfy { cycles($0).count == count } }
    }

    /// The last `n` log lines, for a failed expectation's message.
    func recentLogs(_ n: Int = 20) -> Comment { "\(logs.withValue { $0 }.suffix(n))" }
}

@Suite(.serialized) struct ReplicaDriverTests {
    @Test func fourReplicasCommitAStoppedPrimaryIsReplacedAndCatchesUp() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        try c.startAll()
        let ids = (0..<6).map(cycleID)
        c.released.withValue { $0 = Array(ids.prefix(3)) }
        #expect(c.reach(3, at: 1...4), c.recentLogs())
        c.stop(1)  // the primary of view 0
        c.released.withValue { $0 = ids }
        #expect(c.reach(6, at: 2...4), c.recentLogs())
        #expect(c.logs.withValue { $0 }.contains { $0.contains("view 1 installed") })
        try c.start(1)  // restarts from its ledger and state file, catches up by state transfer
        #expect(waitUntil(seconds: 60) { c.cycles(1).count == 6 }, c.recentLogs())
        for i in 1...4 { c.stop(i) }
        let first = c.ledgerBytes(1)
        for i in 2...4 { #expect(c.ledgerBytes(i) == first, "replica \(i)'s ledger differs") }
        #expect(c.cycles(1).sorted() == ids.sorted(), "each cycle exactly once")
        // Every block above genesis carries a valid certificate of the committee.
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: c.dir, id: 2), cluster: c.cluster)
        let committee = try c.cluster.committee()
        for cb in try ledger.certifiedBlocks(from: 1, maxBlocks: 100, maxBytes: 1 << 30) {
            try cb.verify(against: committee)
        }
    }

    /// Committee epochs in running replicas over TCP: 5 replicas, committees of 4 chosen every
    /// 2 blocks (the core decides, the drivers re-wire their peers); a replica left out follows
    /// the chain as an observer and rejoins when chosen; a replica stopped across several
    /// boundaries catches up; all ledgers end byte-identical and audit.
    @Test func committeesChangeAtEpochBoundariesInRunningReplicas() throws {
        var p = ReputationParams()
        // A lottery range far above the reputation gaps: each epoch leaves out a random node
        // (the chance that 6 epochs all leave out the same one is 5 × 5⁻⁶ ≈ 0.03 %).
        p.committeeSize = 4; p.epochBlocks = 2; p.lotteryRange = 1_000_000
        let c = try TestCommittee(replicas: 5, params: p)
        defer { c.shutdown() }
        try c.startAll(5)
        let ids = (0..<12).map(cycleID)
        // One cycle at a time, so that each is a block of its own and epochs pass every 2 blocks.
        for k in 0..<ids.count {
            if k == 4 { c.stop(3) }
            c.released.withValue { $0 = Array(ids.prefix(k + 1)) }
            let live = k < 4 ? [1, 2, 3, 4, 5] : [1, 2, 4, 5]
            #expect(c.reach(k + 1, at: live), c.recentLogs(30))
        }
        try c.start(3)
        #expect(waitUntil(seconds: 60) { c.cycles(3).count == 12 && (1...5).allSatisfy { c.ledgerBytes($0) == c.ledgerBytes(1) } },
                c.recentLogs(30))
        // A client (seed 001) accepts a cycle of a later epoch on f + 1 replies signed by the
        // replicas' own keys, whatever committee each sits on now.
        let client = try BFTClient(cluster: c.cluster)
        defer { client.shutdown() }
        let (accepted, notes) = client.result(cycle: ids[11], submit: false, waitMillis: 10_000)
        #expect(accepted != nil && (accepted?.signers.count ?? 0) >= 2, "\(notes)")
        // `node status` names replicas by cluster id, not by position in the epoch's committee:
        // the primary is the cluster replica holding the key at (offset + view) mod n of the
        // last epoch entry in the ledger.
        let epochs = c.blocks(1).flatMap(\.entries).compactMap { e -> CommitteeEpochEntry? in if case .committeeEpoch(let x) = e { return x }; return nil }
        let last = try #require(epochs.last)
        let clusterID = { (k: [UInt8]) in c.cluster.replicas.first { $0.publicKey == k }?.id ?? -1 }
        for (m, answer) in client.askAll(.status) {
            guard case .success(.status(let s)) = answer else { Issue.record("replica \(m.id): \(answer)"); continue }
            let primaryKey = last.members[Int((last.primaryOffset &+ s.view) % UInt64(last.members.count))].publicKey
            #expect(s.epoch == last.epoch && Int(s.primary) == clusterID(primaryKey), "replica \(m.id): \(s)")
            #expect(s.member == last.members.contains { clusterID($0.publicKey) == m.id }, "replica \(m.id): \(s)")
        }
        for i in 1...5 { c.stop(i) }
        #expect(epochs.count >= 6 && Set(epochs.map { Set($0.members.map(\.nodeID)) }).count >= 2, "\(epochs.map { $0.members.map(\.nodeID) })")
        #expect(c.logs.withValue { $0 }.contains { $0.contains("EPOCH 1") })
        for i in 1...5 {
            #expect(c.ledgerBytes(i) == c.ledgerBytes(1), "replica \(i)'s ledger differs")
            let r = try CertifiedAuditor.audit(directory: ClusterSetup.ledgerPath(directory: c.dir, id: i), trusted: nil, pinned: c.cluster.publicKeys).get()
            #expect(r.epochs.count == epochs.count + 1)
        }
        #expect(c.cycles(1).sorted() == ids.sorted(), "each cycle exactly once")
    }

    /// A cycle whose entry is larger than a block may carry under the peer frame limit
    /// (`BlockBudget`) is refused at submission on every replica — logged, marked failed, never
    /// proposed — and the cycles around it commit.
    @Test func aCycleTooLargeForABlockIsRefusedAndTheOthersCommit() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        let ids = (0..<3).map(cycleID)
        c.frameBytes = 512 << 10   // about 3 KiB of requests per block with n = 4, window 32
        c.big = [ids[1]]; c.bigInputBytes = 8 << 10
        try c.startAll()
        c.released.withValue { $0 = ids }
        #expect(waitUntil(seconds: 60) {
            (1...4).allSatisfy { Set(c.cycles($0)) == [ids[0], ids[2]] }
                && c.logs.withValue { $0 }.filter { $0.contains("cycle \(ids[1]) cannot be replicated") }.count == 4
        }, c.recentLogs())
        #expect(c.logs.withValue { $0 }.contains { $0.contains("over the") && $0.contains("524288-byte frame limit") })
        for i in 1...4 { c.stop(i) }
        #expect((1...4).allSatisfy { c.ledgerBytes($0) == c.ledgerBytes(1) })
    }

    /// Clearing uses the committed reputation (SPEC §7): a proposal whose cycle was cleared with
    /// another reputation (the inputs' CSV columns, or a made-up one) is not endorsed; one with
    /// the ledger's reputation — including the reputation changes earlier in the same block — is.
    @Test func endorsementRequiresTheCommittedReputation() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: c.dir, id: 1), cluster: c.cluster)
        let key = try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: c.dir, id: 1))
        let app = ReplicaApplication(due: { _, _ in [] }, clear: { id, rep in .entries([cycleEntry(id, reputation: rep)]) },
                                     reexecute: { _ in nil }, committed: { _ in })
        let id = cycleID(0)
        func verdict(_ es: [LedgerEntry]) throws -> String? {
            let b = try BlockBuilder.build(entries: es, on: ledger.state, nowMillis: 1_000, key: key)
            let p = Proposal(block: b, requests: [RequestRef(id: id, entryCount: UInt32(es.count))])
            return BlockEndorsement.check(p, local: [:], membership: ledger.membership, reputation: ledger.expectedReputationInputs(of: b), app: app)?.reason
        }
        #expect(try verdict([cycleEntry(id)]) == nil)
        #expect(try verdict([cycleEntry(id, reputation: nil)])?.contains("not the committed ledger's") == true)
        var other = ReputationSnapshot()
        other.record(participant: "P1", after: 90_000)
        #expect(try verdict([cycleEntry(id, reputation: other.canonicalJSON())])?.contains("not the committed ledger's") == true)
        let change = LedgerEntry.reputationChange(ReputationChangeEntry(cycleID: id, participantID: "P1", before: 60_000, after: 90_000, reason: "test"))
        let inBlock = ledger.expectedReputationInputs(of: try BlockBuilder.build(entries: [change, cycleEntry(id)], on: ledger.state, nowMillis: 1_000, key: key))
        #expect(inBlock[id] == other.canonicalJSON())
    }

    @Test func aReplicaThatComputesAnotherResultDoesNotVoteAndItsDisagreementIsRecorded() throws {
        let bad = cycleID(1)
        let c = try TestCommittee(deviant: [4: [bad]])
        defer { c.shutdown() }
        try c.startAll()
        c.released.withValue { $0 = (0..<3).map(cycleID) }
        let recorded: () -> [DisagreementEntry] = {
            c.blocks(2).flatMap(\.entries).compactMap { if case .disagreement(let d) = $0 { return d }; return nil }
        }
        // Until every replica has also appended the block holding the disagreement (under load
        // the replicas were stopped with it still on its way to some: ledgers differed).
        #expect(waitUntil(seconds: 60) {
            (1...4).allSatisfy { c.cycles($0).count == 3 } && !recorded().isEmpty && (2...4).allSatisfy { c.ledgerBytes($0) == c.ledgerBytes(1) }
        }, c.recentLogs())
        for i in 1...4 { c.stop(i) }
        let d = try #require(recorded().first)
        #expect(d.nodeID == "node4" && d.cycleID == bad)
        let key4 = try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: c.dir, id: 4))
        #expect(NodeKey.verify(signature: d.signature, message: d.signingBytes(chain: c.cluster.chain), publicKey: key4.publicKey))
        // The committed result is the honest one, on every replica.
        for i in 1...4 {
            let e = c.blocks(i).flatMap(\.entries).first { $0.cycleID == bad && $0.tag == .clearedCycle }
            #expect(e == cycleEntry(bad))
            #expect(c.ledgerBytes(i) == c.ledgerBytes(1))
        }
    }
}
