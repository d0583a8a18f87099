import Testing
import Foundation
import GridClearTestSupport
import GridClearCore
@testable import LedgerLite

@Suite struct StoreTests {
    func ledgerPath(_ d: String) -> String { d + "/" + LedgerStore.fileName }

    @Test func appendReopenAndLock() throws {
        let tmp = try TemporaryFolder("StoreTests"), d = tmp.path
        do {
            let store = try LedgerStore(directory: d, create: true)
            let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 5, ledgerID: "t", cutting: CuttingConfig(maxEntriesPerBlock: 2, maxBatchMillis: 100))
            var rng = SeededRNG(1)
            for i in 0..<5 { _ = try o.submit([randomEntry(&rng)], nowMillis: 10 + Int64(i)) }
            #expect(o.pending.count == 1)
            _ = try o.flush(nowMillis: 20)
            #expect(store.state.blockCount == 4 && store.state.entryCount == 6)
            #expect(throws: LedgerError.self) { _ = try LedgerStore(directory: d, create: false) }  // locked
        }
        let again = try LedgerStore(directory: d, create: false)
        #expect(again.state.blockCount == 4 && again.recovery == nil)
        #expect(throws: LedgerError.self) { _ = try EmbeddedOrderer(store: again, key: otherKey, nowMillis: 0, ledgerID: "t") }
        #expect(throws: LedgerError.self) { _ = try LedgerStore(directory: d + "/missing", create: false) }
    }

    /// A torn tail is cut back to the last whole block, the cut bytes kept aside; the ledger
    /// then accepts appends and audits clean.
    @Test func tornTailIsCutAndKept() throws {
        let tmp = try TemporaryFolder("StoreTests"), d = tmp.path
        let (bytes, _, offsets) = try buildLedgerBytes(blocks: 3, seed: 8)
        let cut = offsets[3] + 20
        _ = FileManager.default.createFile(atPath: ledgerPath(d), contents: Data(bytes[0..<cut]))
        let store = try LedgerStore(directory: d, create: false)
        let r = try #require(store.recovery)
        #expect(r.cutOffset == offsets[3] && r.cutBytes == 20)
        #expect(try Data(contentsOf: URL(fileURLWithPath: r.brokenFile)) == Data(bytes[offsets[3]..<cut]))
        #expect(store.state.blockCount == 3)
        let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 9_999, ledgerID: "t", cutting: CuttingConfig(maxEntriesPerBlock: 1, maxBatchMillis: 0))
        _ = try o.submit([.settlement(SettlementEntry(cycleID: "c", participantID: "p", energyWh: 1, amount: 2, reason: ""))], nowMillis: 10_000)
        let after = try Array(Data(contentsOf: URL(fileURLWithPath: ledgerPath(d))))
        guard case .success(let rep) = LedgerAuditor.audit(after, trusted: nil) else { Issue.record("audit after recovery failed"); return }
        #expect(rep.blocks == 4)
    }

    /// Damage that is not at the tail is an error: nothing is cut or skipped.
    @Test func corruptionInTheMiddleIsAnError() throws {
        let tmp = try TemporaryFolder("StoreTests"), d = tmp.path
        var (bytes, _, offsets) = try buildLedgerBytes(blocks: 3, seed: 8)
        bytes[offsets[1] + 40] ^= 0x10
        _ = FileManager.default.createFile(atPath: ledgerPath(d), contents: Data(bytes))
        do { _ = try LedgerStore(directory: d, create: false); Issue.record("opened a corrupt ledger") } catch let e as LedgerError {
            guard case .corrupt(_, let f) = e else { Issue.record("wrong error \(e)"); return }
            #expect(f.offset == offsets[1])
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: ledgerPath(d))).count == bytes.count)
    }

    /// The store refuses blocks that break the chain (they are never written).
    @Test func invalidBlocksAreRejectedBeforeWriting() throws {
        let tmp = try TemporaryFolder("StoreTests"), d = tmp.path
        let store = try LedgerStore(directory: d, create: true)
        _ = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 0, ledgerID: "t")
        var st = store.state
        st.lastHash = Array(repeating: 1, count: 32)
        let bad = try BlockBuilder.build(entries: [.settlement(SettlementEntry(cycleID: "c", participantID: "p", energyWh: 1, amount: 1, reason: ""))], on: st, nowMillis: 1, key: testKey)
        let size = try FileManager.default.attributesOfItem(atPath: ledgerPath(d))[.size] as! Int
        #expect(throws: LedgerError.self) { try store.append([bad]) }
        #expect(try FileManager.default.attributesOfItem(atPath: ledgerPath(d))[.size] as! Int == size)
    }

    /// A batch whose second block breaks a rule (here: records the first block's cycle again)
    /// is refused whole: nothing written, and the in-memory chain state (verified in place,
    /// then reverted) is exactly what it was, so the next good append succeeds.
    @Test func rejectedBatchLeavesStateUnchanged() throws {
        let tmp = try TemporaryFolder("StoreTests"), d = tmp.path
        let store = try LedgerStore(directory: d, create: true)
        let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 0, ledgerID: "t", cutting: CuttingConfig(maxEntriesPerBlock: 1, maxBatchMillis: 0))
        _ = try o.submit([.settlement(SettlementEntry(cycleID: "s0", participantID: "p", energyWh: 1, amount: 1, reason: ""))], nowMillis: 1)
        var rng = SeededRNG(4)
        var cycle: LedgerEntry
        repeat { cycle = randomEntry(&rng) } while cycle.tag != .clearedCycle
        let before = store.state
        let size = try FileManager.default.attributesOfItem(atPath: ledgerPath(d))[.size] as! Int
        let b1 = try BlockBuilder.build(entries: [cycle, .settlement(SettlementEntry(cycleID: "s1", participantID: "p", energyWh: 1, amount: 1, reason: ""))],
                                        on: before, nowMillis: 2, key: testKey)
        var mid = ChainVerifier()
        for (blk, from, to) in try allBlocks(d) { try mid.apply(blk, recordOffset: from, recordEnd: to) }
        let frame1 = RecordFrame.encode(kind: .block, payload: b1.encoded())
        try mid.apply(b1, recordOffset: size, recordEnd: size + frame1.count)
        let b2 = try BlockBuilder.build(entries: [cycle], on: mid.state, nowMillis: 3, key: testKey)
        do { try store.append([b1, b2]); Issue.record("a cycle recorded twice was written") } catch let e as LedgerError {
            guard case .rejected(let f) = e else { Issue.record("wrong error \(e)"); return }
            #expect(f.message.contains("recorded again"))
        }
        let after = store.state
        #expect(after.blockCount == before.blockCount && after.entryCount == before.entryCount && after.endOffset == before.endOffset)
        #expect(after.lastHash == before.lastHash && after.lastHeight == before.lastHeight && after.frontier == before.frontier)
        #expect(after.cycles == before.cycles && after.settledCycles == before.settledCycles && after.rejectedCycles == before.rejectedCycles)
        #expect(try FileManager.default.attributesOfItem(atPath: ledgerPath(d))[.size] as! Int == size)
        try store.append([b1])
        #expect(store.state.cycles.count == 1 && store.state.settledCycles.keys.sorted() == ["s0", "s1"])
    }

    func allBlocks(_ d: String) throws -> [(Block, Int, Int)] {
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: ledgerPath(d))))
        return try RecordScanner.scan(bytes).records.map { (try Block.decode($0.payload), $0.offset, $0.end) }
    }
}

@Suite struct CutterTests {
    func e(_ n: Int) -> [LedgerEntry] { (0..<n).map { .settlement(SettlementEntry(cycleID: "c", participantID: "\($0)", energyWh: 0, amount: 0, reason: "")) } }

    @Test func cutsByCountAndTimeWithoutSplittingBatches() {
        var c = BlockCutter(maxEntries: 4, maxBatchMillis: 1000)
        #expect(c.submit(e(3), nowMillis: 0).isEmpty)
        let a = c.submit(e(2), nowMillis: 10)   // 3 + 2 > 4: cut the 3, keep the 2 pending
        #expect(a.map(\.count) == [3] && c.pending.count == 2)
        #expect(c.tick(nowMillis: 500).isEmpty)
        #expect(c.tick(nowMillis: 1010).map(\.count) == [2])
        #expect(c.submit(e(9), nowMillis: 2000).map(\.count) == [9])   // oversize batch: own block
        #expect(c.submit(e(4), nowMillis: 2001).map(\.count) == [4])   // exactly MMC
        #expect(c.submit(e(1), nowMillis: 3000).isEmpty && c.deadlineMillis == 4000)
        #expect(c.flush().map(\.count) == [1] && c.flush().isEmpty)
    }

    /// Property: whatever the sequence, no batch is split and no entry is lost or duplicated.
    @Test func randomSequencesKeepBatchesWhole() {
        var rng = SeededRNG(77)
        for _ in 0..<100 {
            var c = BlockCutter(maxEntries: Int(rng.next() % 8) + 1, maxBatchMillis: Int64(rng.next() % 50))
            var now: Int64 = 0, submitted = 0, out: [[LedgerEntry]] = []
            for _ in 0..<30 {
                now += Int64(rng.next() % 20)
                if rng.next() % 4 == 0 { out += c.tick(nowMillis: now); continue }
                let n = Int(rng.next() % 5) + 1
                let batch = (0..<n).map { LedgerEntry.settlement(SettlementEntry(cycleID: "b\(submitted)", participantID: "\($0)", energyWh: 0, amount: 0, reason: "")) }
                submitted += 1
                out += c.submit(batch, nowMillis: now)
            }
            out += c.flush()
            var seen: [String: Set<Int>] = [:]
            for (bi, b) in out.enumerated() {
                #expect(!b.isEmpty)
                for en in b { seen[en.cycleID!, default: []].insert(bi) }
            }
            #expect(seen.count == submitted && seen.values.allSatisfy { $0.count == 1 })
        }
    }
}
