import Foundation
import GridClearTestSupport
import Testing
import GridClearCore
import GridClearSystem

@Suite struct SystemTests {
    func tempDir() throws -> TemporaryFolder { try TemporaryFolder("SystemTests") }

    @Test func atomicWriteReplacesWholeFileAndLeavesNoTemporaries() throws {
        let tmp = try tempDir(), d = tmp.path
        let p = d + "/out.csv"
        try AtomicFile.write("one\n", to: p)
        try AtomicFile.write("two\n", to: p)
        #expect(try FileSystem.readText(p) == "two\n")
        #expect(try FileSystem.list(d) == ["out.csv"])
        try AtomicFile.write("x", to: d + "/.out.csv.tmp-1-1")
        #expect(try AtomicFile.removeStaleTemporaries(in: d).count == 1)
        #expect(try FileSystem.list(d) == ["out.csv"])
    }

    @Test func readRefusesSpecialFilesAndBoundsSize() throws {
        #expect(throws: FileSystem.Error.notRegularFile(path: "/dev/zero", kind: "character device")) {
            try FileSystem.read("/dev/zero")
        }
        #expect(throws: FileSystem.Error.notRegularFile(path: "/tmp", kind: "directory")) { try FileSystem.read("/tmp") }
        let tmp = try tempDir(), d = tmp.path
        try AtomicFile.write([UInt8](repeating: 1, count: 100), to: d + "/big")
        #expect(throws: FileSystem.Error.tooLarge(path: d + "/big", limit: 99)) { try FileSystem.read(d + "/big", maxBytes: 99) }
        #expect(throws: SystemError.self) { try FileSystem.read(d + "/missing") }
    }

    @Test func appendFileLocksAndTruncates() throws {
        let tmp = try tempDir(), d = tmp.path
        let f = try AppendFile(path: d + "/log/blocks", exclusive: true)
        try f.append([1, 2, 3])
        try f.append([4])
        #expect(try f.readAll() == [1, 2, 3, 4])
        try f.truncate(to: 2)
        #expect(try f.size() == 2)
        #expect(throws: AppendFile.OpenError.self) { _ = try AppendFile(path: d + "/log/blocks", exclusive: true) }
    }

    @Test func lockedValueIsSafeAcrossThreads() async {
        let counter = Locked(0)
        await withTaskGroup(of: Void.self) { g in
            for _ in 0..<8 { g.addTask { for _ in 0..<1000 { counter.withValue { $0 += 1 } } } }
        }
        #expect(counter.withValue { $0 } == 8000)
    }
}
