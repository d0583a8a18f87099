import Foundation
import Testing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite
@testable import BFTReplication

/// A cycle's ledger entry as every honest replica computes it (small, deterministic).
func cycleEntry(_ id: String, variant: Int = 0) -> LedgerEntry {
    .clearedCycle(try! ClearedCycleEntry(
        cycleID: id, mechanism: "cmap", solver: "auto", seed: 0,
        inputs: [InputFile(name: "offers.csv", bytes: Array("offer_id\nO-\(id)\n".utf8))],
        tradesCSV: Array("bid_id,offer_id,wh\nB,O-\(id),\(1000 + variant)\n".utf8), summaryJSON: Array("{\"v\":\(variant)}".utf8)))
}

func cycleID(_ k: Int) -> String { CycleID(startSeconds: 1_795_000_000 / 900 * 900 + Int64(k) * 900)!.description }

/// Four drivers in this process over real TCP on loopback, each with its own ledger and state
/// file in a temporary folder.
final class TestCommittee: @unchecked Sendable {
    let dir: String
    let cluster: ClusterConfig
    let released = Locked<[String]>([])
    /// Per replica: cycles whose own clearing differs (a replica that computes another result).
    let deviant: [Int: Set<String>]
    var stops: [Int: Locked<Bool>] = [:]
    var threads: [Int: DispatchGroup] = [:]
    let logs = Locked<[String]>([])

    init(deviant: [Int: Set<String>] = [:]) throws {
        dir = NSTemporaryDirectory() + "gridclear-bft-driver-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let ports = freePorts(4)
        guard ports.count == 4, ports == Array(ports[0]...ports[0] + 3) else { throw BFTError.transport("no free ports") }
        cluster = try ClusterSetup.initialize(replicas: 4, directory: dir, basePort: ports[0] - 1, now: UTCTime(millis: 0))
        self.deviant = deviant
    }

    func start(_ i: Int) throws {
        let ledger = try ReplicatedLedger(directory: ClusterSetup.ledgerPath(directory: dir, id: i), cluster: cluster)
        let key = try NodeKeyFile.load(path: ClusterSetup.keyPath(directory: dir, id: i))
        let released = self.released, mine = deviant[i] ?? []
        let app = ReplicaApplication(
            due: { state, _ in released.withValue { $0 }.filter { state.cycles[$0] == nil } },
            clear: { id in .entries([cycleEntry(id, variant: mine.contains(id) ? 1 : 0)]) },
            reexecute: { _ in "no inputs here" },
            committed: { _ in })
        var o = ReplicaDriver.Options(cluster: cluster, id: i, statePath: FileSystem.join(dir, "node\(i)/state.pbft"))
        o.viewChangeTimeoutMillis = 800
        o.retransmitMillis = 100
        o.scanMillis = 20
        let d = try ReplicaDriver(options: o, key: key, ledger: ledger, app: app)
        let logs = self.logs
        d.log = { line in logs.withValue { $0.append(line) } }
        let stop = Locked(false), g = DispatchGroup()
        stops[i] = stop; threads[i] = g
        g.enter()
        Thread { try? d.run(once: false, shouldStop: { stop.withValue { $0 } }); g.leave() }.start()
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
        try? FileManager.default.removeItem(atPath: dir)
    }
}

@Suite(.serialized) struct ReplicaDriverTests {
    @Test func fourReplicasCommitAStoppedPrimaryIsReplacedAndCatchesUp() throws {
        let c = try TestCommittee()
        defer { c.shutdown() }
        for i in 1...4 { try c.start(i) }
        let ids = (0..<6).map(cycleID)
        c.released.withValue { $0 = Array(ids.prefix(3)) }
        #expect(waitUntil(seconds: 60) { (1...4).allSatisfy { c.cycles($0).count == 3 } }, "\(c.logs.withValue { $0 }.suffix(20))")
        c.stop(1)  // the primary of view 0
        c.released.withValue { $0 = ids }
        #expect(waitUntil(seconds: 60) { (2...4).allSatisfy { c.cycles($0).count == 6 } }, "\(c.logs.withValue { $0 }.suffix(20))")
        #expect(c.logs.withValue { $0 }.contains { $0.contains("view 1 installed") })
        try c.start(1)  // restarts from its ledger and state file, catches up by state transfer
        #expect(waitUntil(seconds: 60) { c.cycles(1).count == 6 }, "\(c.logs.withValue { $0 }.suffix(20))")
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

    @Test func aReplicaThatComputesAnotherResultDoesNotVoteAndItsDisagreementIsRecorded() throws {
        let bad = cycleID(1)
        let c = try TestCommittee(deviant: [4: [bad]])
        defer { c.shutdown() }
        for i in 1...4 { try c.start(i) }
        c.released.withValue { $0 = (0..<3).map(cycleID) }
        let recorded: () -> [DisagreementEntry] = {
            c.blocks(2).flatMap(\.entries).compactMap { if case .disagreement(let d) = $0 { return d }; return nil }
        }
        // Until every replica has also appended the block holding the disagreement (under load
        // the replicas were stopped with it still on its way to some: ledgers differed).
        #expect(waitUntil(seconds: 60) {
            (1...4).allSatisfy { c.cycles($0).count == 3 } && !recorded().isEmpty && (2...4).allSatisfy { c.ledgerBytes($0) == c.ledgerBytes(1) }
        }, "\(c.logs.withValue { $0 }.suffix(20))")
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
