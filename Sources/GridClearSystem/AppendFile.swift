#if canImport(Glibc)
import Glibc
#endif

/// An append-only file owned by exactly one value (a replicated ledger's `certificates.gcl`, meter-data
/// logs): created durably when missing, optionally locked exclusively for the owner's
/// lifetime, appended with every byte written and synced before `append` returns, and cut
/// back to a length (torn-tail repair) durably. The descriptor never escapes this type.
public final class AppendFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32

    public enum OpenError: Error, CustomStringConvertible, Sendable {
        /// Another process holds the exclusive lock (another writer is running).
        case locked(path: String)
        public var description: String {
            switch self {
            case .locked(let p): return "\(p) is locked by another writer (is another gridclear running on it?)"
            }
        }
    }

    /// Opens `path` for appending, creating it (and its parent directories) durably when
    /// missing. Two first writers racing to create it both succeed (O_CREAT without O_EXCL,
    /// then the lock decides). With `exclusive`, a non-blocking `flock` is taken and held
    /// until this value is released; another holder gives `OpenError.locked`.
    public init(path: String, exclusive: Bool) throws {
        self.path = path
        fd = try FileDescriptorIO.openCreating(path, flags: O_RDWR | O_APPEND, exclusive: exclusive)
    }

    deinit { close(fd) }

    /// Current size in bytes.
    public func size() throws -> Int { try FileDescriptorIO.size(fd, path: path) }

    /// Reads the whole file from the start.
    public func readAll() throws -> [UInt8] { try read(at: 0, count: try size()) }

    /// Reads `count` bytes from `offset` (fewer only where the file ends first).
    public func read(at offset: Int, count n: Int) throws -> [UInt8] { try FileDescriptorIO.read(fd, path: path, at: offset, count: n) }

    /// Appends `bytes` with one write and makes them durable with one fdatasync before
    /// returning (the new size is part of what fdatasync flushes); a failed sync stops the
    /// process. The file and its directory entry were made durable when it was created.
    public func append(_ bytes: [UInt8]) throws {
        try AtomicFile.writeAll(fd, bytes, path: path)
        Durability.dataSyncOrStop(fd, path: path)
    }

    /// Cuts the file back to `length` bytes durably (torn-tail repair).
    public func truncate(to length: Int) throws { try FileDescriptorIO.truncate(fd, path: path, to: length) }
}
