import Testing
import Foundation
import GridClearTestSupport
import GridClearCore
@testable import LedgerLite

/// The zero padding after the records of `blocks.gcl` (docs/ledger-format.md, "Padding and
/// recovery"): the writer keeps it by the rule, readers accept it, a non-zero byte in it is
/// damage at its offset, an append torn inside it is cut back and the padding restored, and a
/// crash while extending the file is harmless. Oracles: the rule's arithmetic written out
/// here, byte comparisons with independently built files, and the auditor.
@Suite struct PaddingTests {
    func path(_ d: String) -> String { d + "/" + LedgerStore.fileName }
    func read(_ d: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path(d)))) }
    func write(_ bytes: [UInt8], _ d: String) { _ = FileManager.default.createFile(atPath: path(d), contents: Data(bytes)) }

    /// A store with a genesis and `n` appended settlement blocks of one entry each.
    func storeWith(_ d: String, blocks n: Int, reason: Int = 40) throws -> LedgerStore {
        let store = try LedgerStore(directory: d, create: true)
        let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 0, ledgerID: "t", cutting: CuttingConfig(maxEntriesPerBlock: 1, maxBatchMillis: 0))
        for i in 0..<n {
            _ = try o.submit([.settlement(SettlementEntry(cycleID: "s\(i)", participantID: "p", energyWh: Int64(i), amount: 1,
                                                          reason: String(repeating: "r", count: reason)))], nowMillis: Int64(i + 1))
        }
        return store
    }

    @Test func paddedSizeRule() {
        let g = 1 << 20
        #expect(LedgerPadding.paddedSize(logicalEnd: 0) == 0)
        #expect(LedgerPadding.paddedSize(logicalEnd: 1) == g)
        #expect(LedgerPadding.paddedSize(logicalEnd: g - 1) == g)
        #expect(LedgerPadding.paddedSize(logicalEnd: g) == 2 * g)
        #expect(LedgerPadding.paddedSize(logicalEnd: 5 * g + 7) == 6 * g)
    }

    /// The store keeps records + zeros up to the rule's size; the zero tail is accepted by the
    /// scanner, the streaming reader and the auditor (which counts record bytes only); the
    /// file is a function of the blocks alone (one batch or one by one: the same bytes).
    @Test func zeroTailIsAcceptedAndDeterministic() throws {
        let tmpD = try TemporaryFolder("PaddingTests"), tmpE = try TemporaryFolder("PaddingTests"), d = tmpD.path, e = tmpE.path
        let store = try storeWith(d, blocks: 5)
        let end = store.state.endOffset
        let bytes = try read(d)
        #expect(bytes.count == LedgerPadding.paddedSize(logicalEnd: end) && bytes.count > end)
        #expect(bytes[end...].allSatisfy { $0 == 0 })
        let (records, scanEnd) = RecordScanner.scan(bytes)
        #expect(records.count == 6 && records.last?.end == end && scanEnd == .clean)
        guard case .success(let rep) = try LedgerAuditor.audit(directory: d, trusted: nil) else { Issue.record("audit failed"); return }
        #expect(rep.blocks == 6 && rep.bytes == end)
        // The same blocks appended as one batch to an unpadded copy of the genesis: same file.
        let blocks = try records.dropFirst().map { try Block.decode($0.payload) }
        write(Array(bytes[0..<records[0].end]), e)
        let other = try LedgerStore(directory: e, create: false)
        #expect(try read(e).count == LedgerPadding.paddedSize(logicalEnd: records[0].end))  // padded on open
        try other.append(blocks)
        #expect(try read(e) == bytes)
        withExtendedLifetime(store) {}
    }

    @Test func oddZeroTailIsNormalizedOnOpen() throws {
        let tmp = try TemporaryFolder("PaddingTests"), d = tmp.path
        let (plain, _, _) = try buildLedgerBytes(blocks: 3, seed: 5)
        for extra in [1, 511, 4096, (1 << 20) + 3] {
            write(plain + [UInt8](repeating: 0, count: extra), d)
            #expect(RecordScanner.scan(try read(d)).end == .clean)
            let store = try LedgerStore(directory: d, create: false)
            #expect(store.recovery == nil && store.state.blockCount == 4)
            #expect(try read(d) == plain + [UInt8](repeating: 0, count: LedgerPadding.paddedSize(logicalEnd: plain.count) - plain.count))
        }
    }

    /// Any non-zero byte after the last record's end, where no record starts, is damage at
    /// that byte: the scanner, the store (nothing cut) and the streaming audit say so.
    @Test func nonZeroByteInPaddingIsReportedAtItsOffset() throws {
        let tmp = try TemporaryFolder("PaddingTests"), d = tmp.path
        let end: Int, clean: [UInt8]
        do { let s = try storeWith(d, blocks: 3); end = s.state.endOffset; clean = try read(d) }
        for at in [end + 1, end + 700, end + 100_000, clean.count - 1] {
            var bad = clean
            bad[at] = 0x20
            write(bad, d)
            guard case .corrupt(let off, let why) = RecordScanner.scan(bad).end else { Issue.record("padding damage at \(at) not seen"); continue }
            #expect(off == at && why.contains("padding"))
            do { _ = try LedgerStore(directory: d, create: false); Issue.record("opened with damaged padding at \(at)") } catch let e as LedgerError {
                guard case .corrupt(_, let f) = e else { Issue.record("wrong error \(e)"); continue }
                #expect(f.offset == at)
            }
            #expect(try read(d) == bad)  // nothing cut
            guard case .failure(let f) = try LedgerAuditor.audit(directory: d, trusted: nil) else { Issue.record("audit passed"); continue }
            #expect(f.offset == at)
        }
    }

    /// An append torn inside the padding (the record's first sectors written, its last still
    /// zero) is cut back: the torn record as far as it got is kept in `.broken-<offset>`, the
    /// padding is all zero again, and the ledger appends and audits.
    @Test func tornRecordInPaddingIsRecovered() throws {
        let tmp = try TemporaryFolder("PaddingTests"), d = tmp.path
        let end: Int, clean: [UInt8], next: [UInt8]
        do {
            let s = try storeWith(d, blocks: 2)
            end = s.state.endOffset; clean = try read(d)
            let b = try BlockBuilder.build(entries: [.settlement(SettlementEntry(cycleID: "t", participantID: "p", energyWh: 1, amount: 1,
                                                                                  reason: String(repeating: "x", count: 3000)))],
                                           on: s.state, nowMillis: 99, key: testKey)
            next = RecordFrame.encode(kind: .block, payload: b.encoded())
        }
        // Written up to each sector boundary inside the record (the rest never reached the disk).
        var boundary = ((end + RecordFrame.headerSize) / 512 + 1) * 512
        var trials = 0
        while boundary < end + next.count {
            var torn = clean
            let n = boundary - end
            torn.replaceSubrange(end..<boundary, with: next[0..<n])
            write(torn, d)
            #expect(RecordScanner.scan(torn).end == .tornTail(offset: end))
            let store = try LedgerStore(directory: d, create: false)
            let r = try #require(store.recovery)
            #expect(r.cutOffset == end && r.cutBytes == next.count)
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: r.brokenFile))) == Array(next[0..<n]) + [UInt8](repeating: 0, count: next.count - n))
            #expect(try read(d) == clean)  // re-zeroed, padded by the rule
            try? FileManager.default.removeItem(atPath: r.brokenFile)
            boundary += 512; trials += 1
        }
        #expect(trials >= 5)
        let store = try LedgerStore(directory: d, create: false)
        try store.append([try Block.decode(RecordScanner.scan(next).records[0].payload)])
        guard case .success(let rep) = try LedgerAuditor.audit(directory: d, trusted: nil) else { Issue.record("audit after recovery failed"); return }
        #expect(rep.blocks == 4 && rep.bytes == end + next.count)
    }

    /// A bit flip in the last record before the padding is damage, not a torn append, unless
    /// it leaves the record's trailing sector(s) all zero (then nothing tells it from a lost
    /// sector); the oracle checks that condition directly.
    @Test func bitFlipInLastRecordIsDamage() throws {
        let tmp = try TemporaryFolder("PaddingTests"), d = tmp.path
        let s = try storeWith(d, blocks: 2, reason: 900)
        let records = RecordScanner.scan(try read(d)).records
        let last = records[records.count - 1]
        let clean = Array(try read(d)[0..<last.end + 4096])  // a short padding: the same rule, a faster scan
        var damaged = 0
        for at in last.offset..<last.end {
            for bit in [0, 5] {
                var bad = clean
                bad[at] ^= 1 << bit
                let nonZeroEnd = bad.lastIndex { $0 != 0 }! + 1
                let sectorLost = (nonZeroEnd + 511) / 512 * 512 < last.end
                switch RecordScanner.scan(bad).end {
                case .corrupt(let off, _): #expect(off >= last.offset && off < last.end && !sectorLost); damaged += 1
                case .tornTail(let off): #expect(off == last.offset && sectorLost, "flip at \(at) taken for a torn append")
                case .clean: Issue.record("flip at \(at) not detected")
                }
            }
        }
        #expect(damaged > 2 * (last.end - last.offset) - 4)
        withExtendedLifetime(s) {}
    }

    /// Header cut at a sector boundary, zeros after: torn. A header prefix that is not one
    /// (bad magic) is damage. Pure, at chosen offsets.
    @Test func tornHeaderAtSectorBoundary() {
        let header = Array(RecordFrame.encode(kind: .block, payload: [1, 2, 3]).prefix(RecordFrame.headerSize))
        for k in 1..<RecordFrame.headerSize {
            let at = 1024 - k
            let end = LedgerPadding.judgeTail(at: at, head: (Array(header[0..<k]) + [UInt8](repeating: 0, count: 14 - k))[...], size: 4096,
                                              nonZeroEnd: at + k, firstNonZero: at, failure: .corrupt(offset: at, reason: "x"))
            #expect(end == .tornTail(offset: at), "header cut after \(k) bytes")
        }
        let wrong = LedgerPadding.judgeTail(at: 1020, head: [0x47, 0x58, 0, 0][...], size: 4096, nonZeroEnd: 1022, firstNonZero: 1020,
                                            failure: .corrupt(offset: 1020, reason: "bad magic"))
        #expect(wrong == .corrupt(offset: 1020, reason: "bad magic"))
        // No sector boundary inside the header: a header cut there cannot be torn by a crash.
        let inside = LedgerPadding.judgeTail(at: 1000, head: Array(header[0..<4] + [0, 0])[...], size: 4096, nonZeroEnd: 1004, firstNonZero: 1000,
                                             failure: .corrupt(offset: 1000, reason: "record header checksum mismatch"))
        #expect(inside == .corrupt(offset: 1000, reason: "record header checksum mismatch"))
    }

    /// What a crash while the file grows can leave: a short zero extension, the new records
    /// written but their padding short, the new records cut off at the file's end. Each opens
    /// (acknowledged blocks intact, the unfinished one cut) and is padded by the rule again.
    @Test func crashWhileExtendingIsHarmless() throws {
        let tmp = try TemporaryFolder("PaddingTests"), d = tmp.path
        let (plain, _, offsets) = try buildLedgerBytes(blocks: 4, seed: 11)
        let lastStart = offsets[4]
        let padded = { (n: Int) in [UInt8](repeating: 0, count: LedgerPadding.paddedSize(logicalEnd: n) - n) }
        // 1: records then a zero extension cut short (any length).
        for zeros in [0, 100, 70_000] {
            write(plain + [UInt8](repeating: 0, count: zeros), d)
            let s = try LedgerStore(directory: d, create: false)
            #expect(s.recovery == nil && s.state.blockCount == 5)
            #expect(try read(d) == plain + padded(plain.count))
        }
        // 2: the last block was the one being written past the old end, cut at every 97th byte.
        for cut in stride(from: lastStart + 1, to: plain.count, by: 97) {
            write(Array(plain[0..<cut]), d)
            let s = try LedgerStore(directory: d, create: false)
            #expect(s.recovery?.cutOffset == lastStart && s.state.blockCount == 4)
            #expect(try read(d) == Array(plain[0..<lastStart]) + padded(lastStart))
            if let r = s.recovery { try? FileManager.default.removeItem(atPath: r.brokenFile) }
        }
    }
}
