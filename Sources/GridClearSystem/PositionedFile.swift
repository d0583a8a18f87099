#if canImport(Glibc)
import Glibc
#endif

/// A file owned by exactly one value and written at explicit offsets (the ledger's
/// `blocks.gcl`, which keeps zero padding after its records so that an append overwrites
/// blocks the file already has): created durably when missing, optionally locked exclusively
/// for the owner's lifetime, every `write` synced with one `fdatasync` before it returns (a
/// failed sync stops the process, `Durability`), cut back to a length durably. Unlike
/// `AppendFile` it is opened without `O_APPEND` (which would send every `pwrite` to the end).
/// The descriptor never escapes this type.
public final class PositionedFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    /// Opens `path` read-write, creating it (and its parent directories) durably when missing.
    /// Two first writers racing to create it both succeed (O_CREAT without O_EXCL, then the
    /// lock decides). With `exclusive`, a non-blocking `flock` is taken and held until this
    /// value is released; another holder gives `AppendFile.OpenError.locked`.
    public init(path: String, exclusive: Bool) throws {
        self.path = path
        let dir = FileSystem.parent(of: path)
        try FileSystem.makeDirectories(dir)
        let existed = FileSystem.exists(path)
        fd = try Syscall.retrying("open", path) { open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        if exclusive {
            if flock(fd, LOCK_EX | LOCK_NB) != 0 {
                let e = errno
                close(fd)
                if e == EWOULDBLOCK { throw AppendFile.OpenError.locked(path: path) }
                throw SystemError(call: "flock", path: path, errno: e)
            }
        }
        if !existed {
            Durability.syncOrStop(fd, path: path)
            try Durability.syncDirectoryOrStop(dir)
        }
    }

    deinit { close(fd) }

    /// Current size in bytes.
    public func size() throws -> Int {
        var st = stat()
        try Syscall.retrying("fstat", path) { fstat(fd, &st) }
        return Int(st.st_size)
    }

    /// Reads `count` bytes from `offset` (fewer only where the file ends first).
    public func read(at offset: Int, count n: Int) throws -> [UInt8] {
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

    /// Writes `bytes` at `offset` (in place, or growing the file where they reach past its
    /// end) and makes them durable with one fdatasync before returning; a size change is part
    /// of what fdatasync flushes, an in-place overwrite needs no inode update at all.
    public func write(_ bytes: [UInt8], at offset: Int) throws {
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                done += try Syscall.retrying("pwrite", path) { pwrite(fd, buf.baseAddress! + done, buf.count - done, off_t(offset + done)) }
            }
        }
        Durability.dataSyncOrStop(fd, path: path)
    }

    /// Cuts the file back to `length` bytes durably.
    public func truncate(to length: Int) throws {
        try Syscall.retrying("ftruncate", path) { ftruncate(fd, off_t(length)) }
        Durability.syncOrStop(fd, path: path)
    }
}
