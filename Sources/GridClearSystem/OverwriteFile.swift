#if canImport(Glibc)
import Glibc
#endif

/// A file rewritten in place at fixed offsets, never growing through this type (a replica's
/// two-slot state file): each `write` puts every byte at its offset and makes it durable
/// with one fdatasync before returning (a failed sync stops the process, see `Durability`).
/// Because the size does not change, no directory or inode update is needed, unlike
/// `AtomicFile` (temporary file, fsync, rename, directory fsync). A write that a crash
/// interrupts may leave its range torn: callers keep the previous version elsewhere in the
/// file (and a checksum) to fall back on. The descriptor never escapes this type.
public final class OverwriteFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    /// Opens an existing file (create it with `AtomicFile.write` at its final size).
    public init(path: String) throws {
        self.path = path
        fd = try Syscall.retrying("open", path) { open(path, O_RDWR | O_CLOEXEC) }
    }

    deinit { close(fd) }

    /// Writes `bytes` at `offset` and syncs them; the range must lie inside the file.
    public func write(_ bytes: [UInt8], at offset: Int) throws {
        try FileDescriptorIO.write(fd, path: path, bytes, at: offset)
        Durability.dataSyncOrStop(fd, path: path)
    }
}
