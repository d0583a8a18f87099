#if canImport(Glibc)
import Glibc
#endif

/// Atomic, durable whole-file writes: the one way GridClear publishes a file.
///
/// Guarantees: a reader sees either the old file or the complete new one, never a partial
/// one; when `write` returns, the file and its directory entry are on disk (fsync of the
/// file, rename, fsync of the directory; a failed fsync stops the process, see
/// `Durability`); the temporary file is named `.<name>.tmp-<pid>-<n>` in the same
/// directory, removed on every error path, and `removeStaleTemporaries` cleans any a killed
/// process left behind.
public enum AtomicFile {
    private static let counter = AtomicCounter()

    /// Writes `bytes` to `path` atomically and durably with the given permission bits.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let dir = FileSystem.parent(of: path)
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let tmp = FileSystem.join(dir, ".\(name).tmp-\(getpid())-\(counter.next())")
        let fd = try Syscall.retrying("open", tmp) { open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode) }
        do {
            try writeAll(fd, bytes, path: tmp)
            Durability.syncOrStop(fd, path: tmp)
            close(fd)
        } catch {
            close(fd); _ = unlink(tmp); throw error
        }
        do {
            try Syscall.retrying("rename", path) { rename(tmp, path) }
        } catch {
            _ = unlink(tmp); throw error
        }
        try Durability.syncDirectoryOrStop(dir)
    }

    /// Writes UTF-8 text atomically.
    public static func write(_ text: String, to path: String, mode: mode_t = 0o644) throws {
        try write(Array(text.utf8), to: path, mode: mode)
    }

    /// Removes temporary files (`.<name>.tmp-<pid>-<n>`) left in `dir` by killed writers.
    /// Call it at start-up, while holding whatever lock serialises writers to `dir`.
    @discardableResult
    public static func removeStaleTemporaries(in dir: String) throws -> [String] {
        guard FileSystem.isDirectory(dir) else { return [] }
        var removed: [String] = []
        for name in try FileSystem.list(dir) where name.hasPrefix(".") && name.contains(".tmp-") {
            try FileSystem.remove(FileSystem.join(dir, name))
            removed.append(name)
        }
        return removed
    }

    /// Writes every byte of `bytes` to `fd`, retrying short writes and EINTR.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                done += try Syscall.retrying("write", path) { Glibc.write(fd, buf.baseAddress! + done, buf.count - done) }
            }
        }
    }
}
