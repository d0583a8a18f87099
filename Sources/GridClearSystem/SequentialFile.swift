#if canImport(Glibc)
import Glibc
#endif

/// A regular file read front to back in large pieces, for streaming a file of any size
/// through a bounded buffer (the ledger audit). Same opening rules as `FileSystem.read`:
/// only a regular file (a FIFO, device or directory is refused before any byte is read);
/// the kernel is told the access is sequential so it reads ahead. The descriptor never
/// escapes this type and is closed when the value is released.
public final class SequentialFile {
    public let path: String
    /// Size when opened (a writer may append meanwhile; reads stop at the real end).
    public let sizeAtOpen: Int
    private let fd: Int32

    public init(path: String) throws {
        self.path = path
        let fd = try Syscall.retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        var st = stat()
        do { try Syscall.retrying("fstat", path) { fstat(fd, &st) } } catch { close(fd); throw error }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            close(fd)
            throw FileSystem.Error.notRegularFile(path: path, kind: FileSystem.kindName(kind))
        }
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        self.fd = fd
        sizeAtOpen = Int(st.st_size)
    }

    deinit { close(fd) }

    /// Continues reading at byte `offset` (e.g. where an earlier pass over an append-only
    /// file stopped).
    public func seek(to offset: Int) throws {
        _ = try Syscall.retrying("lseek", path) { lseek(fd, off_t(offset), SEEK_SET) }
    }

    /// Reads into `buffer[from..<to]`, as much as the file has (several reads if needed);
    /// returns the number of bytes read, less than asked only at the end of the file.
    public func read(into buffer: inout [UInt8], from: Int, to: Int) throws -> Int {
        precondition(0 <= from && from <= to && to <= buffer.count, "read range outside the buffer")
        var done = 0
        try buffer.withUnsafeMutableBytes { b in
            while from + done < to {
                let r = try Syscall.retrying("read", path) { Glibc.read(fd, b.baseAddress! + from + done, to - from - done) }
                if r == 0 { break }
                done += r
            }
        }
        return done
    }
}
