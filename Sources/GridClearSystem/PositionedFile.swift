#if canImport(Glibc)
import Glibc
#endif

/// A file owned by exactly one value and written at explicit offsets (the ledger's
/// `blocks.gcl`, which keeps zero padding after its records so that an append overwrites
/// blocks the file already has): created durably when missing, optionally locked exclusively
/// for the owner's lifetime, every `write` synced with one `fdatasync` before it returns (a
/// failed sync stops the process, `Durability`), cut back to a length durably. Unlike
/// `AppendFile` it is opened without `O_APPEND` (which would send every `pwrite` to the end).
/// An exclusive owner also writes over the file's zero padding with direct I/O
/// (`writeOverZeros`, `DirectWriteChannel`) where the file system takes it.
/// The descriptors never escape this type.
public final class PositionedFile: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    /// The direct-I/O descriptor (exclusive owners only; nil where refused).
    private var direct: DirectWriteChannel?
    /// The file's size as this (exclusive) owner last made it.
    private var knownSize: Int

    /// Opens `path` read-write, creating it (and its parent directories) durably when missing.
    /// Two first writers racing to create it both succeed (O_CREAT without O_EXCL, then the
    /// lock decides). With `exclusive`, a non-blocking `flock` is taken and held until this
    /// value is released; another holder gives `AppendFile.OpenError.locked`.
    public init(path: String, exclusive: Bool) throws {
        self.path = path
        fd = try FileDescriptorIO.openCreating(path, flags: O_RDWR, exclusive: exclusive)
        knownSize = try FileDescriptorIO.size(fd, path: path)
        direct = exclusive ? DirectWriteChannel(path: path) : nil
    }

    deinit { close(fd) }

    /// Current size in bytes.
    public func size() throws -> Int { try FileDescriptorIO.size(fd, path: path) }

    /// Reads `count` bytes from `offset` (fewer only where the file ends first).
    public func read(at offset: Int, count n: Int) throws -> [UInt8] { try FileDescriptorIO.read(fd, path: path, at: offset, count: n) }

    /// Writes `bytes` at `offset` (in place, or growing the file where they reach past its
    /// end) and makes them durable with one fdatasync before returning; a size change is part
    /// of what fdatasync flushes, an in-place overwrite needs no inode update at all.
    public func write(_ bytes: [UInt8], at offset: Int) throws {
        direct?.invalidate()
        try FileDescriptorIO.write(fd, path: path, bytes, at: offset)
        Durability.dataSyncOrStop(fd, path: path)
        knownSize = max(knownSize, offset + bytes.count)
    }

    /// `write` for an owner that knows the file holds only zero bytes from `offset` to its end
    /// (the ledger's padding), with the same guarantee — durable when it returns — by the
    /// cheaper path where it can: one direct synchronous `pwrite` of the aligned span around
    /// the bytes (`DirectWriteChannel`), when that span stays inside the file or the bytes
    /// end the file on an aligned boundary; else, and where direct I/O is refused, `write`.
    public func writeOverZeros(_ bytes: [UInt8], at offset: Int) throws {
        let end = offset + bytes.count, a = DirectWriteChannel.alignment
        // The zeros written after the bytes up to the boundary must not grow the file.
        if let d = direct, end % a == 0 || (end + a - 1) / a * a <= knownSize {
            switch try d.write(bytes, at: offset, readBack: { try self.read(at: $0, count: $1) }) {
            case .written:
                knownSize = max(knownSize, end)
                return
            case .refused:
                direct = nil
            }
        }
        try write(bytes, at: offset)
    }

    /// Cuts the file back to `length` bytes durably.
    public func truncate(to length: Int) throws {
        direct?.invalidate()
        try FileDescriptorIO.truncate(fd, path: path, to: length)
        knownSize = length
    }
}
