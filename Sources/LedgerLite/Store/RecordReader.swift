import GridClearCore
import GridClearSystem

/// Streams the records of a ledger file through one bounded buffer (`chunk` bytes, grown
/// only as far as the largest record, ≤ `RecordFrame.maxPayload`), with exactly the rules of
/// `RecordScanner` (it calls `RecordScanner.step`). Memory stays bounded whatever the file
/// size; every byte is read once, with large sequential reads. The zero padding after the
/// last record (`LedgerPadding`) ends the records like the end of the file.
///
/// Use: `while let r = try reader.next() { … }`, then `reader.end` says how the file ended.
public final class RecordReader {
    public static let defaultChunk = 8 << 20
    private let file: SequentialFile
    private var buffer: [UInt8]
    /// Valid bytes are `buffer[start..<filled]`; `buffer[0]` is at file offset `base`.
    private var start = 0, filled = 0, base = 0
    private var eof = false
    /// Set once `next` returned nil.
    public private(set) var end: ScanEnd?
    /// Bytes of the file read so far (the file size once `end` is set).
    public var bytesRead: Int { base + filled }

    public init(path: String, chunk: Int = RecordReader.defaultChunk) throws {
        file = try SequentialFile(path: path)
        buffer = [UInt8](repeating: 0, count: max(chunk, RecordFrame.headerSize + RecordFrame.trailerSize))
    }

    /// The next whole, checksum-valid record, or nil at the end (see `end`).
    public func next() throws -> ScannedRecord? {
        if end != nil { return nil }
        while true {
            switch RecordScanner.step(buffer, from: start, to: filled, base: base, final: eof) {
            case .record(let kind, let payload, let next, let format):
                let r = ScannedRecord(offset: base + start, kind: kind, payload: Array(buffer[payload]), format: format)
                start = next
                return r
            case .end(.clean):
                end = .clean
                return nil
            case .end(let failure):
                end = try judgeTail(failure)
                return nil
            case .needMore:
                try refill(needing: RecordScanner.bytesNeeded(buffer, from: start, to: filled))
            }
        }
    }

    /// No valid record starts at `start`: reads the rest of the file (through the same buffer)
    /// for its non-zero bytes and lets `LedgerPadding.judgeTail` decide how the file ends.
    private func judgeTail(_ failure: ScanEnd) throws -> ScanEnd {
        let at = base + start
        let head = Array(buffer[start..<min(filled, start + RecordFrame.headerSize)])
        var first: Int?, nonZeroEnd = at
        func see(_ from: Int, _ to: Int) {
            guard let f = buffer[from..<to].firstIndex(where: { $0 != 0 }) else { return }
            if first == nil { first = base + f }
            nonZeroEnd = base + buffer[f..<to].lastIndex { $0 != 0 }! + 1
        }
        see(start, filled)
        while !eof {
            base += filled; start = 0; filled = 0
            filled = try file.read(into: &buffer, from: 0, to: buffer.count)
            if filled < buffer.count { eof = true }
            see(0, filled)
        }
        return LedgerPadding.judgeTail(at: at, head: head[...], size: base + filled, nonZeroEnd: nonZeroEnd,
                                       firstNonZero: first, failure: failure)
    }

    /// Moves the unread bytes to the front, grows the buffer if one record needs more, reads.
    private func refill(needing: Int) throws {
        if start > 0 {
            let n = filled - start
            if n > 0 { buffer.withUnsafeMutableBytes { b in b.baseAddress!.copyMemory(from: b.baseAddress! + start, byteCount: n) } }
            base += start; filled = n; start = 0
        }
        if needing > buffer.count { buffer += [UInt8](repeating: 0, count: needing - buffer.count) }
        let got = try file.read(into: &buffer, from: filled, to: buffer.count)
        filled += got
        if filled < buffer.count { eof = true }
    }
}
