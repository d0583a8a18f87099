import Foundation
import GridClearTestSupport
import Testing
import GridClearCore
@testable import LedgerLite

@Suite struct AuditTests {
    @Test func validLedgerAudits() throws {
        let (bytes, blocks, _) = try buildLedgerBytes(blocks: 6, seed: 1)
        guard case .success(let r) = LedgerAuditor.audit(bytes, trusted: nil) else { Issue.record("audit failed"); return }
        #expect(r.blocks == 7 && r.keysFromGenesis)
        #expect(r.entries == blocks.reduce(0) { $0 + $1.entries.count })
        #expect(r.treeRoot == Merkle.root(blocks.flatMap { $0.entries.map(\.leafHash) }))
        #expect(r.firstTimeMillis == 1_000 && r.lastTimeMillis == 4_000)
        if case .success = LedgerAuditor.audit(bytes, trusted: TrustedKeys([testKey.publicKey])) {} else { Issue.record("trusted key audit failed") }
        if case .failure(let f) = LedgerAuditor.audit(bytes, trusted: TrustedKeys([otherKey.publicKey])) {
            #expect(f.height == 0 && f.message.contains("not a trusted key"))
        } else { Issue.record("untrusted signer accepted") }
    }

    /// Every single-bit flip anywhere in the file is detected and reported inside the
    /// damaged record.
    @Test func everyBitFlipIsDetected() throws {
        let (bytes, _, offsets) = try buildLedgerBytes(blocks: 2, seed: 9, entriesPerBlock: 1...1)
        let ends = Array(offsets.dropFirst()) + [bytes.count]
        var damaged = bytes
        for i in 0..<bytes.count {
            let rec = offsets.lastIndex { $0 <= i }!
            for bit in 0..<8 {
                damaged[i] ^= 1 << bit
                switch LedgerAuditor.audit(damaged, trusted: nil) {
                case .success: Issue.record("flip at byte \(i) bit \(bit) not detected")
                case .failure(let f):
                    #expect(f.offset >= offsets[rec] && f.offset < ends[rec], "flip at \(i): reported \(f)")
                }
                damaged[i] ^= 1 << bit
            }
        }
    }

    /// Truncation at every offset: a record boundary gives a valid shorter ledger (only an
    /// external anchor can tell); anything else fails, naming the torn record's offset.
    @Test func everyTruncationIsReported() throws {
        let (bytes, _, offsets) = try buildLedgerBytes(blocks: 2, seed: 2)
        for cut in 0..<bytes.count {
            let r = LedgerAuditor.audit(Array(bytes[0..<cut]), trusted: nil)
            if offsets.contains(cut) && cut > 0 {
                guard case .success(let rep) = r else { Issue.record("boundary \(cut) rejected"); continue }
                #expect(rep.blocks == offsets.firstIndex(of: cut)!)
            } else {
                guard case .failure(let f) = r else { Issue.record("truncation at \(cut) not detected"); continue }
                #expect(f.offset == (offsets.last { $0 < cut } ?? 0), "cut \(cut): \(f)")
            }
        }
    }

    /// Rule violations that checksums cannot see: re-signed blocks that break the chain.
    @Test func chainRulesAreChecked() throws {
        let (_, blocks, _) = try buildLedgerBytes(blocks: 3, seed: 4)
        func reframe(_ bs: [Block]) -> [UInt8] { bs.flatMap { RecordFrame.encode(kind: .block, payload: $0.encoded()) } }
        func resign(_ b: Block, key: NodeKey = testKey, _ edit: (inout BlockHeader) -> Void) throws -> Block {
            var h = b.header; edit(&h)
            h.signer = key.publicKey
            return Block(header: h, entries: b.entries, signature: try key.sign(LedgerHash.signingMessage(blockHash: LedgerHash.blockHash(h))))
        }
        func expectFault(_ bs: [Block], _ text: String) {
            if case .failure(let f) = LedgerAuditor.audit(reframe(bs), trusted: nil) { #expect(f.message.contains(text), "\(f)") }
            else { Issue.record("expected fault '\(text)'") }
        }
        var bs = blocks
        bs[2] = try resign(bs[2]) { $0.timeMillis = 0 }
        expectFault(bs, "before the previous block")
        bs = blocks; bs[2] = try resign(bs[2]) { $0.height = 7 }
        expectFault(bs, "height 7")
        bs = blocks; bs[2] = try resign(bs[2]) { $0.previousHash[0] ^= 1 }
        expectFault(bs, "previous-block hash")
        bs = blocks; bs[2] = try resign(bs[2]) { $0.entriesRoot[0] ^= 1 }
        expectFault(bs, "Merkle root")
        bs = blocks; bs[2] = try resign(bs[2]) { $0.treeSize += 1 }
        expectFault(bs, "tree size")
        bs = blocks; bs[2] = try resign(bs[2], key: otherKey) { _ in }
        expectFault(bs, "not a trusted key")
        bs = blocks; bs[2].signature[5] ^= 1
        expectFault(bs, "signature")
        bs = blocks; bs.remove(at: 1)
        expectFault(bs, "height")
    }

    @Test func cycleRecordedTwiceIsRejected() throws {
        let tmp = try TemporaryFolder("AuditTests")
        let store = try LedgerStore(directory: tmp.path, create: true)
        let o = try EmbeddedOrderer(store: store, key: testKey, nowMillis: 0, ledgerID: "t", cutting: CuttingConfig(maxEntriesPerBlock: 1, maxBatchMillis: 0))
        let c = try ClearedCycleEntry(cycleID: "20261120T1000Z", mechanism: "cmap", solver: "simplex", seed: 0, inputs: [], tradesCSV: Array("h\n".utf8), summaryJSON: [])
        _ = try o.submit([.clearedCycle(c)], nowMillis: 1)
        #expect(o.recordedHeight(ofCycle: "20261120T1000Z") == 1)
        #expect(throws: LedgerError.self) { _ = try o.submit([.clearedCycle(c)], nowMillis: 2) }
        #expect(store.state.blockCount == 2)
    }
}
