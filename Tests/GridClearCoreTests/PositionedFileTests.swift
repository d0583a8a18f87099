import Foundation
import Testing
import GridClearCore
import GridClearSystem
import GridClearTestSupport

/// `PositionedFile.writeOverZeros` (direct I/O where the file system takes it) against a model
/// of the file's bytes: records appended over zero padding that grows in 1 MiB steps, cuts
/// back and re-padding as the ledger store does them, reads through the buffered descriptor
/// and through a fresh open. Run in /tmp and in /dev/shm (tmpfs, which may refuse direct I/O:
/// then the buffered fallback is what is checked).
@Suite struct PositionedFileTests {
    static let granule = 1 << 20

    @Test(arguments: ["/tmp", "/dev/shm"])
    func writesOverPaddingMatchTheModel(root: String) throws {
        guard FileManager.default.fileExists(atPath: root) else { return }
        var g = SplitMix64(seed: 41)
        let dir = root + "/gridclear-positioned-\(getpid())-\(Hex.encode(g.bytes(6)))"
        try FileSystem.makeDirectories(dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/blocks.gcl"
        var model: [UInt8] = []
        var end = 0
        do {
            let f = try PositionedFile(path: path, exclusive: true)
            var rng = SplitMix64(seed: 7)
            for step in 0..<400 {
                if step % 97 == 96, end > 0 {
                    // A failed append cut back (the store's truncate), then the next append grows
                    // the file again from there.
                    let cut = max(1, end - Int(rng.next() % 5000))
                    try f.truncate(to: cut)
                    model = Array(model[0..<cut]); end = cut
                }
                let n = 1 + Int(rng.next() % (step % 50 == 49 ? 300_000 : 9_000))
                var bytes = (0..<n).map { _ in UInt8(1 + rng.next() % 255) }
                let newEnd = end + n
                if newEnd >= model.count {
                    let padded = (newEnd / Self.granule + 1) * Self.granule
                    bytes += [UInt8](repeating: 0, count: padded - newEnd)
                }
                try f.writeOverZeros(bytes, at: end)
                if model.count < end + bytes.count { model += [UInt8](repeating: 0, count: end + bytes.count - model.count) }
                model.replaceSubrange(end..<end + bytes.count, with: bytes)
                end = newEnd
                if step % 37 == 0 {
                    #expect(try f.size() == model.count)
                    #expect(try f.read(at: 0, count: model.count) == model, "step \(step)")
                }
            }
        }
        #expect(try FileSystem.read(path) == model)
    }

    @Test func anUnalignedGrowthGoesBufferedAndStaysExact() throws {
        let tmp = try TemporaryFolder("PositionedFileTests")
        let path = tmp.path("f")
        do {
            let f = try PositionedFile(path: path, exclusive: true)
            try f.writeOverZeros([7, 7, 7], at: 0)          // grows the file to 3 bytes, not 4096
            try f.writeOverZeros([8], at: 3)
            #expect(try f.size() == 4)
            try f.writeOverZeros([UInt8](repeating: 9, count: 8188), at: 4)  // ends on 8192: direct
            try f.writeOverZeros([1, 2], at: 8192)
        }
        let b = try FileSystem.read(path)
        #expect(b.count == 8194)
        #expect(Array(b[0..<4]) == [7, 7, 7, 8] && b[4..<8192].allSatisfy { $0 == 9 } && Array(b[8192...]) == [1, 2])
    }
}
