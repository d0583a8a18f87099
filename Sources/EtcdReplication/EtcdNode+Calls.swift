import Dispatch
import GridClearCore
import GridClearSystem
import LedgerLite
import EtcdClient

extension EtcdNode {
    /// Blocks read per fetch: an inline record is at most 1 MiB, and the gateway's own gRPC
    /// client takes answers up to 4 MiB (grpc-go's default), so 3 records per read.
    static let fetchBatch: Int64 = 3

    /// One consistent read (a txn without compares runs at one revision): the head, up to
    /// `fetchBatch` block records from `from`, and the failed cycles; then the chunks of
    /// any large payload. Also (re)starts the watch on `head` just after that revision.
    func fetch(from: UInt64) throws -> ReplicationInput {
        let L = options.layout
        let t = try client.txn(TxnRequest(compare: [], success: [
            .range(RangeRequest(key: L.head)),
            .range(RangeRequest(key: L.block(from), rangeEnd: EtcdKey.prefixEnd(L.blockPrefix), limit: EtcdNode.fetchBatch)),
            .range(RangeRequest.prefix(L.failedPrefix)),
        ]))
        let head = t.kvs(0).first.flatMap { EtcdLayout.height($0.value) }
        if from > 0, head.map({ $0 + 1 < from }) ?? true {
            throw EtcdReplicationError.diverged(height: from - 1, reason: "etcd's head is \(head.map(String.init) ?? "absent") but this ledger already holds block \(from - 1) (another etcd cluster or prefix, or etcd was reset)")
        }
        var blocks: [FetchedBlock] = []
        var expect = from
        for kv in t.kvs(1) {
            guard let hs = L.suffix(of: kv.key, after: L.blockPrefix), let h = UInt64(hs) else { continue }
            guard h == expect else { break }
            let rec = try BlockRecord.decode(kv.value)
            var chunks: [[UInt8]] = []
            if rec.chunkCount > 0 {
                chunks = try client.range(RangeRequest.prefix(L.chunkPrefix(h, electionRevision: rec.electionRevision))).kvs.map(\.value)
            }
            blocks.append(FetchedBlock(h, try rec.assemble(chunks: chunks)))
            expect += 1
        }
        if blocks.isEmpty, let head, head >= from {
            let oldest = t.kvs(1).first.flatMap { L.suffix(of: $0.key, after: L.blockPrefix) }.flatMap { UInt64($0) }
            throw EtcdReplicationError.pruned(needed: from, oldestHeld: oldest)
        }
        let failed = Set(t.kvs(2).compactMap { L.suffix(of: $0.key, after: L.failedPrefix) })
        if watch == nil {
            watch = try? EtcdWatch(endpoints: client.endpoints, key: L.head, rangeEnd: nil, startRevision: t.header.revision + 1,
                                   timeoutMillis: client.timeoutMillis)
        }
        return .fetched(blocks: blocks, head: head, failed: failed)
    }

    /// The genesis block (once `genesisNodes` keys are registered) at once; a cycle's block
    /// on a background thread, its result arriving through the inbox.
    func produce(_ h: UInt64, _ cycle: String?) throws -> ReplicationInput? {
        let state = store.state, key = self.key, now = wallClock()
        guard let cycle else {
            return try call("read registered keys") {
                let kvs = try client.range(RangeRequest.prefix(options.layout.nodesPrefix)).kvs
                let keys = kvs.compactMap { Hex.decode($0.valueString) }.filter { $0.count == 32 }
                guard keys.count >= options.genesisNodes else {
                    return .productionDeferred("waiting for \(options.genesisNodes) registered node keys before writing the genesis block (\(keys.count) so far)")
                }
                let g = GenesisEntry(ledgerID: "gridclear-etcd:" + options.layout.prefix, createdMillis: now, signerKeys: keys,
                                     maxEntriesPerBlock: UInt32(options.cutting.maxEntriesPerBlock),
                                     maxBatchMillis: UInt64(options.cutting.maxBatchMillis))
                let b = try BlockBuilder.build(entries: [.genesis(g)], on: state, nowMillis: now, key: key)
                return .produced(height: h, payload: b.encoded(), cycle: nil)
            }
        }
        let clear = self.clear, inbox = self.inbox
        DispatchQueue.global().async {
            do {
                let entries = try clear(cycle, state)
                let b = try BlockBuilder.build(entries: entries, on: state, nowMillis: now, key: key)
                inbox.withValue { $0.append(.produced(height: h, payload: b.encoded(), cycle: cycle)) }
            } catch {
                inbox.withValue { $0.append(.productionFailed(cycle: cycle, reason: "\(error)")) }
            }
        }
        return nil
    }

    /// The fenced commit: chunks first (if any), then one txn that succeeds only if the
    /// election key is still the one created at `rev` and holds our id, `block/h` is absent
    /// and `head` is h − 1.
    func commit(_ h: UInt64, _ payload: [UInt8], _ rev: Int64) -> CommitOutcome {
        let L = options.layout, id = options.nodeID
        let (record, chunks) = BlockRecord.make(payload: payload, electionRevision: rev)
        do {
            for (i, c) in chunks.enumerated() { _ = try client.put(L.chunk(h, electionRevision: rev, index: i), c) }
            let headCompare: Compare = h == 0 ? .absent(L.head) : Compare(key: L.head, .equal, .value(Array(EtcdLayout.pad(h - 1).utf8)))
            let t = try client.txn(TxnRequest(
                compare: [Compare(key: L.election, .equal, .createRevision(rev)), Compare(key: L.election, .equal, .value(Array(id.utf8))),
                          .absent(L.block(h)), headCompare],
                success: [.put(key: L.block(h), value: record.encoded(), lease: 0), .put(key: L.head, value: Array(EtcdLayout.pad(h).utf8), lease: 0)],
                failure: [.range(RangeRequest(key: L.election)), .range(RangeRequest(key: L.block(h)))]))
            if t.succeeded { return .committed }
            guard let e = t.kvs(0).first, e.createRevision == rev, e.valueString == id else { return .fenced }
            return .heightTaken
        } catch {
            return .unknown(error.description)
        }
    }

    /// Deletes the block records and chunks below the lowest height every registered node
    /// has applied, then compacts etcd's history at that revision (the space is reused by
    /// etcd; `etcdctl defrag` returns it to the file system).
    func prune() throws {
        let L = options.layout
        let t = try client.txn(TxnRequest(compare: [], success: [.range(RangeRequest.prefix(L.nodesPrefix, keysOnly: true)),
                                                                  .range(RangeRequest.prefix(L.appliedPrefix))]))
        let nodes = t.kvs(0).compactMap { L.suffix(of: $0.key, after: L.nodesPrefix) }
        var applied: [String: UInt64] = [:]
        for kv in t.kvs(1) { if let n = L.suffix(of: kv.key, after: L.appliedPrefix), let h = EtcdLayout.height(kv.value) { applied[n] = h } }
        guard !nodes.isEmpty, let floor = nodes.map({ applied[$0] }).reduce(Optional(UInt64.max), { a, b in b.flatMap { x in a.map { min($0, x) } } }),
              floor != UInt64.max else { return }
        let below = floor + 1
        let (hdr, deleted) = try client.delete(L.blockPrefix, rangeEnd: L.block(below))
        let (hdr2, chunksDeleted) = try client.delete(L.chunkPrefix, rangeEnd: L.chunkFloor(below))
        if deleted + chunksDeleted > 0 {
            try client.compact(revision: max(hdr.revision, hdr2.revision))
            log("node \(options.nodeID): pruned \(deleted) block record(s) and \(chunksDeleted) chunk(s) below height \(below) (every node applied them), compacted at revision \(max(hdr.revision, hdr2.revision))")
        }
    }
}
