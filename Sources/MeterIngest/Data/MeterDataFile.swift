import GridClearSystem

/// Append-only meter-data file (see `MeterRecord` for the format), kept in GridClearSystem's
/// `AppendFile`: appends are whole lines, synced before they count as stored (a failed sync
/// stops the process, the one fsync policy); loading detects corruption anywhere but a torn
/// final line, which is reported and ignored (and cut back when the file is next opened).
/// Appends from several threads (one poller per bus) are serialised: each batch of lines
/// lands whole.
public final class MeterDataFile: Sendable {
    public let path: String
    private let file: AppendFile
    private let appending = Mutex()

    /// Opens (creating with the header if absent) for appending. A torn tail is cut back first.
    public init(appendingTo path: String) throws {
        self.path = path
        file = try AppendFile(path: path, exclusive: false)
        let size = try file.size()
        if size == 0 {
            try file.append(Array((MeterRecord.header + "\n").utf8))
        } else {
            let loaded = try MeterDataFile.parse(try file.readAll(), path: path)
            if loaded.tornTailBytes > 0 { try file.truncate(to: size - loaded.tornTailBytes) }
        }
    }

    /// Appends records; returns after the data is durable.
    public func append(_ records: [MeterRecord]) throws {
        guard !records.isEmpty else { return }
        let bytes = Array(records.map { $0.line + "\n" }.joined().utf8)
        try appending.withLock { try file.append(bytes) }
    }

    /// Everything a file holds.
    public struct Contents: Sendable {
        public var records: [MeterRecord]
        /// Bytes of an incomplete last line (a crash mid-append), ignored.
        public var tornTailBytes: Int
    }

    /// Reads and verifies the whole file (a regular file within the input size cap).
    public static func load(_ path: String) throws -> Contents {
        let bytes: [UInt8]
        do { bytes = try FileSystem.read(path) } catch let e as SystemError {
            throw MeterDataError(path: path, line: 0, reason: .io("cannot open: \(e.reason)"))
        } catch {
            throw MeterDataError(path: path, line: 0, reason: .io("cannot read: \(error)"))
        }
        return try parse(bytes, path: path)
    }

    /// Verifies the bytes of a meter-data file named `path` (for messages).
    static func parse(_ bytes: [UInt8], path: String) throws -> Contents {
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
