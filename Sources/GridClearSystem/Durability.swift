#if canImport(Glibc)
import Glibc
#endif

/// GridClear's one fsync policy (SPEC §6): a failed fsync stops the process. After a failed
/// fsync the kernel may have dropped the dirty pages and marked them clean, so no retry can
/// tell whether the data is on disk ("fsyncgate"); carrying on could acknowledge a ledger
/// append or publish an output that a crash would lose.
public enum Durability {
    /// fsync `fd` or stop the process with a message naming `path`.
    public static func syncOrStop(_ fd: Int32, path: String) { sync(fd, path: path, "fsync", fsync) }

    /// fdatasync `fd` or stop: the data and the metadata needed to read it back (the file
    /// size after an append) are durable, timestamps are not — what an append needs, without
    /// the extra inode write fsync forces for the modification time.
    public static func dataSyncOrStop(_ fd: Int32, path: String) { sync(fd, path: path, "fdatasync", fdatasync) }

    private static func sync(_ fd: Int32, path: String, _ name: String, _ call: (Int32) -> Int32) {
        while true {
            if call(fd) == 0 { return }
            let e = errno
            if e == EINTR { continue }
            // EINVAL/EROFS: the descriptor does not support syncing (a pipe, /dev/null):
            // nothing was lost because nothing could be made durable there.
            if e == EINVAL || e == EROFS { return }
            let text = String(cString: strerror(e))
            StandardStreams.writeError("fatal: \(name) \(path) failed: \(text); stopping (data may not be durable)\n")
            exit(70)
        }
    }

    /// fsync the directory `dir` (so a create, rename or unlink in it is durable), or stop.
    public static func syncDirectoryOrStop(_ dir: String) throws {
        let fd = try Syscall.retrying("open", dir) { open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(fd) }
        syncOrStop(fd, path: dir)
    }
}
