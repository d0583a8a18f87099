import Foundation
import GridClearTestSupport
import Testing
import GridClearCore
@testable import LedgerLite

/// The streaming reader (`RecordReader`, what `audit` on a directory uses) against the
/// whole-file scanner (`RecordScanner.scan`) as the oracle: same records, same end, for every
/// truncation and for flipped bytes, at buffer sizes that force every refill and growth path.
@Suite struct RecordReaderTests {
    let scratch: TemporaryFolder, dir: String
    init() throws { scratch = try TemporaryFolder("RecordReaderTests"); dir = scratch.path }

    func streamed(_ bytes: [UInt8], chunk: Int) throws -> (records: [ScannedRecord], end: ScanEnd) {
        let path = dir + "/blocks.gcl"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let r = try RecordReader(path: path, chunk: chunk)
        var out: [ScannedRecord] = []
        while let x = try r.next() { out.append(x) }
        #expect(try r.next() == nil)
        let end = try #require(r.end)
        // The whole file is read unless the reader stopped at damage.
        if case .corrupt = end {} else { #expect(r.bytesRead == bytes.count) }
        return (out, end)
    }

    @Test func matchesScannerOnEveryTruncationAndFlip() throws {
        let (bytes, _, offsets) = try buildLedgerBytes(blocks: 5, seed: 11)
        #expect(offsets.count == 6)
        for chunk in [1, 14, 50, 333, 1 << 20] {
            for cut in stride(from: 0, through: bytes.count, by: chunk < 50 ? 11 : 3) {
                let part = Array(bytes[0..<cut])
                let (records, end) = try streamed(part, chunk: chunk)
                let oracle = RecordScanner.scan(part)
                #expect(records == oracle.records && end == oracle.end, "chunk \(chunk) cut \(cut)")
            }
            var rng = SeededRNG(UInt64(chunk))
            for _ in 0..<40 {
                var damaged = bytes
                damaged[Int(rng.next() % UInt64(bytes.count))] ^= UInt8(1 + rng.next() % 255)
                let (records, end) = try streamed(damaged, chunk: chunk)
                let oracle = RecordScanner.scan(damaged)
                #expect(records == oracle.records && end == oracle.end, "chunk \(chunk)")
            }
        }
    }

    /// The directory audit (streamed) and the in-memory audit agree, also on a damaged file.
    @Test func directoryAuditEqualsInMemoryAudit() throws {
        let (bytes, _, _) = try buildLedgerBytes(blocks: 4, seed: 5)
        for variant in [bytes, Array(bytes.dropLast(3)), bytes.enumerated().map { $0.offset == bytes.count / 2 ? $0.element ^ 0x40 : $0.element }] {
            #expect(FileManager.default.createFile(atPath: dir + "/blocks.gcl", contents: Data(variant)))
            let a = try LedgerAuditor.audit(directory: dir, trusted: nil), b = LedgerAuditor.audit(variant, trusted: nil)
            switch (a, b) {
            case (.success(let x), .success(let y)):
                #expect(x.blocks == y.blocks && x.bytes == y.bytes && x.headHash == y.headHash && x.treeRoot == y.treeRoot)
            case (.failure(let x), .failure(let y)): #expect(x == y)
            default: Issue.record("streamed \(a) vs in memory \(b)")
            }
        }
    }
}
