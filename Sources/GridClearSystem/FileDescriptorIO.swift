#if canImport(Glibc)
import Glibc
#endif

/// The descriptor-level operations the owned file types share (`AppendFile`,
/// `PositionedFile`, `OverwriteFile`): one home for opening with the creation and locking
/// discipline, sizing, positioned reads and writes, and durable truncation. Internal: the
/// descriptor stays inside the type that owns it.
enum FileDescriptorIO {
    /// Opens `path` with `flags` | O_CREAT | O_CLOEXEC, creating it (and its parent
    /// directories) durably when missing. Two first writers racing to create it both succeed
    /// (O_CREAT without O_EXCL, then the lock decides). With `exclusive`, a non-blocking
    /// `flock` is taken (held while the descriptor is open); another holder gives
    /// `AppendFile.OpenError.locked`.
    static func openCreating(_ path: String, flags: Int32, exclusive: Bool) throws -> Int32 {
        let dir = FileSystem.parent(of: path)
        try FileSystem.makeDirectories(dir)
        let existed = FileSystem.exists(path)
        let fd = try Syscall.retrying("open", path) { open(path, flags | O_CREAT | O_CLOEXEC, 0o644) }
        if exclusive, flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let e = errno
            close(fd)
            if e == EWOULDBLOCK { throw AppendFile.OpenError.locked(path: path) }
            throw SystemError(call: "flock", path: path, errno: e)
        }
        if !existed {
            Durability.syncOrStop(fd, path: path)
            try Durability.syncDirectoryOrStop(dir)
        }
        return fd
    }

    /// Current size in bytes.
    static func size(_ fd: Int32, path: String) throws -> Int {
        var st = stat()
        try Syscall.retrying("fstat", path) { fstat(fd, &st) }
        return Int(st.st_size)
    }

    /// Reads `count` bytes from `offset` (fewer only where the file ends first).
    static func read(_ fd: Int32, path: String, at offset: Int, count n: Int) throws -> [UInt8] {
        precondition(offset >= 0 && n >= 0, "negative read range")
        var out = [UInt8](repeating: 0, count: n)
        var done = 0
        try out.withUnsafeMutableBytes { b in
            while done < n {
                let r = try Syscall.retrying("pread", path) { pread(fd, b.baseAddress! + done, n - done, off_t(offset + done)) }
                if r == 0 { break }
                done += r
            }
        }
        return done == n ? out : Array(out[0..<done])
    }

    /// Writes every byte of `bytes` at `offset` (not synced).
    static func write(_ fd: Int32, path: String, _ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                done += try Syscall.retrying("pwrite", path) { pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t(offset + done)) }
            }
        }
    }

    /// Cuts the file back to `length` bytes durably.
    static func truncate(_ fd: Int32, path: String, to length: Int) throws {
        try Syscall.retrying("ftruncate", path) { ftruncate(fd, off_t(length)) }
        Durability.syncOrStop(fd, path: path)
    }
}
