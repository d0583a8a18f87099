import Testing
import Foundation
import EtcdClient

/// The gateway client against a real 3-member etcd on loopback.
@Suite(.serialized, .enabled(if: EtcdTestCluster.available, "etcd not installed: scripts/install-deps.sh --test"))
struct EtcdClientIntegrationTests {
    @Test func kvTxnLeaseWatchStatusAndFailover() throws {
        let cluster = try EtcdTestCluster()
        defer { cluster.stop() }
        let c = EtcdClient(endpoints: cluster.endpoints, timeoutMillis: 1_000)
        let k = Array("t/a".utf8)
        _ = try c.put(k, Array("1".utf8))
        #expect(try c.get("t/a")?.valueString == "1")

        let create = TxnRequest(compare: [.absent(Array("t/b".utf8))], success: [.put(key: Array("t/b".utf8), value: [2], lease: 0)],
                                failure: [.range(RangeRequest(key: Array("t/b".utf8)))])
        #expect(try c.txn(create).succeeded)
        let again = try c.txn(create)
        #expect(!again.succeeded)
        #expect(again.kvs(0).first?.value == [2])

        let lease = try c.grantLease(ttlSeconds: 5)
        #expect(lease.ttlSeconds == 5)
        _ = try c.put(Array("t/leased".utf8), [3], lease: lease.id)
        #expect(try c.keepAlive(lease: lease.id).ttlSeconds > 0)
        try c.revoke(lease: lease.id)
        #expect(try c.get("t/leased") == nil)
        #expect(try c.keepAlive(lease: lease.id).ttlSeconds == 0)

        let rev = try c.status().header.revision
        let w = try EtcdWatch(endpoints: cluster.endpoints, key: Array("t/".utf8), rangeEnd: EtcdKey.prefixEnd(Array("t/".utf8)), startRevision: rev + 1)
        _ = try c.put(Array("t/w".utf8), [4])
        var seen: [WatchEvent] = []
        for _ in 0..<100 where seen.isEmpty {
            for m in w.poll() { seen += (try m.get()).events }
            usleep(20_000)
        }
        #expect(seen.map(\.kv.keyString) == ["t/w"])
        w.cancel()

        // One member killed: calls fail over to the others.
        cluster.kill(0)
        for i in 0..<5 { _ = try c.put(Array("t/after\(i)".utf8), [5]) }
        #expect(try c.range(RangeRequest.prefix(Array("t/after".utf8))).kvs.count == 5)
        let s = try c.status()
        #expect(s.dbSize > 0)
    }

    @Test func compactedWatchIsCanceledWithTheCompactRevision() throws {
        let cluster = try EtcdTestCluster(members: 1)
        defer { cluster.stop() }
        let c = EtcdClient(endpoints: cluster.endpoints)
        for i in 0..<3 { _ = try c.put(Array("k".utf8), [UInt8(i)]) }
        let rev = try c.status().header.revision
        try c.compact(revision: rev)
        try c.compact(revision: rev)  // compacting twice is not an error
        let w = try EtcdWatch(endpoints: cluster.endpoints, key: Array("k".utf8), rangeEnd: nil, startRevision: 1)
        var canceled: WatchMessage?
        for _ in 0..<100 where canceled == nil {
            for m in w.poll() { if let msg = try? m.get(), msg.canceled { canceled = msg } }
            usleep(20_000)
        }
        #expect(canceled?.compactRevision == rev)
    }
}
