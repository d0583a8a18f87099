#if canImport(Glibc)
import Glibc
#endif
import GridClearSystem

/// Append-only meter-data file (see `MeterRecord` for the format). Appends are whole lines
/// followed by fsync before they count as stored; loading detects corruption anywhere but a
/// torn final line, which is reported and ignored.
public final class MeterDataFile {
    public let path: String
    private var fd: Int32

    /// Opens (creating with the header if absent) for appending. A torn tail is cut back first.
    public init(appendingTo path: String) throws {
        self.path = path
        fd = try syscallRetrying("open") { Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        do {
            let size = try syscallRetrying("lseek") { lseek(fd, 0, SEEK_END) }
            if size == 0 {
                try writeAll(Array((MeterRecord.header + "\n").utf8))
                try syscallRetrying("fsync") { fsync(fd) }
            } else {
                let loaded = try MeterDataFile.load(path)
                if loaded.tornTailBytes > 0 {
                    try syscallRetrying("ftruncate") { ftruncate(fd, off_t(size) - off_t(loaded.tornTailBytes)) }
                    try syscallRetrying("fsync") { fsync(fd) }
                }
                try syscallRetrying("lseek") { lseek(fd, 0, SEEK_END) }
            }
        } catch { Glibc.close(fd); throw error }
    }

    deinit { Glibc.close(fd) }

    /// Appends records and fsyncs; returns after the data is durable.
    public func append(_ records: [MeterRecord]) throws {
        guard !records.isEmpty else { return }
        let text = records.map { $0.line + "\n" }.joined()
        try writeAll(Array(text.utf8))
        try syscallRetrying("fsync") { fsync(fd) }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = try bytes.withUnsafeBytes { raw in try syscallRetrying("write") { Glibc.write(fd, raw.baseAddress! + off, raw.count - off) } }
            off += n
        }
    }

    /// Everything a file holds.
    public struct Contents: Sendable {
        public var records: [MeterRecord]
        /// Bytes of an incomplete last line (a crash mid-append), ignored.
        public var tornTailBytes: Int
    }

    /// Largest meter-data file `load` reads (a regular file only: never a FIFO or a device).
    public static let maxFileBytes = 1 << 30

    /// Reads and verifies the whole file.
    public static func load(_ path: String) throws -> Contents {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path, maxBytes: maxFileBytes) } catch {
            throw MeterDataError(path: path, line: 0, reason: .io("cannot read: \(error)"))
        }
        var records: [MeterRecord] = []
        var lineNo = 0, start = 0, torn = 0
        while start < bytes.count {
            guard let nl = bytes[start...].firstIndex(of: 10) else { torn = bytes.count - start; break }
            lineNo += 1
            let line = String(decoding: bytes[start..<nl], as: UTF8.self)
            if lineNo == 1 {
                guard line == MeterRecord.header else { throw MeterDataError(path: path, line: 1, reason: .badHeader) }
            } else {
                switch MeterRecord.parse(Substring(line)) {
                case let .success(r): records.append(r)
                case let .failure(reason): throw MeterDataError(path: path, line: lineNo, reason: reason)
                }
            }
            start = nl + 1
        }
        if lineNo == 0 && torn == 0 { throw MeterDataError(path: path, line: 0, reason: .badHeader) }
        if lineNo == 0 { throw MeterDataError(path: path, line: 1, reason: .badHeader) }
        return Contents(records: records, tornTailBytes: torn)
    }
}
