import GridClearCore

/// One framed record of a ledger file:
///
///     magic "GCLB" | version u8 | kind u8 | length u32 | header CRC-32C u32 | payload | payload CRC-32C u32
///
/// All integers big-endian. The header has its own checksum so that a damaged length can
/// never be mistaken for a torn tail (which would cut acknowledged data). Guarantees:
/// `encode` output is accepted by `RecordScanner`; the scanner accepts nothing else.
public enum RecordFrame {
    public static let magic: [UInt8] = Array("GCLB".utf8)
    /// The version written: `LedgerFormat.current` (3). Versions 2 and 3 are read
    /// (`LedgerFormat`); version 1 and unknown versions are refused with `unsupportedVersionMessage`.
    public static let version: UInt8 = LedgerFormat.current.rawValue
    public static let headerSize = 14
    public static let trailerSize = 4
    /// Largest payload accepted (a block with a few cycles' raw inputs fits easily).
    public static let maxPayload = 64 << 20

    /// Why a record of another version is refused (one line, says what to do).
    public static func unsupportedVersionMessage(_ v: UInt8) -> String { LedgerFormat.unsupportedMessage(v) }

    /// Kinds of record. Only blocks exist in versions 2 and 3.
    public enum Kind: UInt8, Sendable { case block = 1 }

    public static func encode(kind: Kind, payload: [UInt8], format: LedgerFormat = .current) -> [UInt8] {
        precondition(payload.count <= maxPayload, "record payload over the \(maxPayload)-byte cap")
        var w = ByteWriter(reservingCapacity: headerSize + payload.count + trailerSize)
        w.raw(magic); w.u8(format.rawValue); w.u8(kind.rawValue); w.u32(UInt32(payload.count))
        w.u32(CRC32C.checksum(w.bytes))
        w.raw(payload)
        w.u32(CRC32C.checksum(payload))
        return w.bytes
    }
}

/// A whole record found in a file.
public struct ScannedRecord: Sendable, Equatable {
    public var offset: Int
    public var kind: RecordFrame.Kind
    public var payload: [UInt8]
    /// The record's format version (the same for every record of a valid ledger).
    public var format: LedgerFormat = .current
    /// Offset just past the record.
    public var end: Int { offset + RecordFrame.headerSize + payload.count + RecordFrame.trailerSize }
}

/// How a scan of a file ended.
public enum ScanEnd: Sendable, Equatable {
    /// Every byte belongs to a whole record or to the zero padding after the last one.
    case clean
    /// An interrupted append at `offset`: the file ends inside a record that starts there and
    /// whose header (as far as present) is intact, or the record's last sector(s) are still
    /// zero padding (`LedgerPadding.judgeTail`).
    case tornTail(offset: Int)
    /// A record at `offset` is damaged: `reason` says how.
    case corrupt(offset: Int, reason: String)
}

/// Splits file bytes into records. Pure; never traps on any input. `scan` takes a whole
/// file; `step` reads one record from a window of it, so a reader can stream a file of any
/// size through a bounded buffer with exactly the same rules (`RecordReader`). Where no valid
/// record starts, `LedgerPadding.judgeTail` decides between zero padding (`.clean`), a torn
/// append and damage.
public enum RecordScanner {
    public static func scan(_ bytes: [UInt8]) -> (records: [ScannedRecord], end: ScanEnd) {
        var records: [ScannedRecord] = []
        var at = 0
        while true {
            switch step(bytes, from: at, to: bytes.count, base: 0, final: true) {
            case .record(let kind, let payload, let next, let format):
                records.append(ScannedRecord(offset: at, kind: kind, payload: Array(bytes[payload]), format: format))
                at = next
            case .end(.clean): return (records, .clean)
            case .end(let failure):
                return (records, LedgerPadding.judgeTail(of: bytes, at: at, failure: failure, framing: RecordFrame.self))
            case .needMore: preconditionFailure("a final scan never needs more bytes")
            }
        }
    }

    /// What `step` found at the start of the window.
    public enum Step: Sendable, Equatable {
        /// A whole, checksum-valid record: its payload's index range in the window's array,
        /// the index just past the record, and the record's format version.
        case record(kind: RecordFrame.Kind, payload: Range<Int>, next: Int, format: LedgerFormat)
        /// The window ends inside a record that is intact so far and more bytes may follow
        /// (only when not `final`).
        case needMore
        /// The scan is over: every byte was a whole record (`clean`), or the rest is a torn
        /// tail or damaged (offsets are file offsets).
        case end(ScanEnd)
    }

    /// Examines `bytes[at..<n]`, whose first byte is at file offset `base + at`. `final`: no
    /// byte follows `n` in the file (otherwise an incomplete record is `needMore`).
    public static func step(_ bytes: [UInt8], from at: Int, to n: Int, base: Int, final: Bool) -> Step {
        let H = RecordFrame.headerSize
        let off = base + at
        guard at < n else { return final ? .end(.clean) : .needMore }
        let avail = n - at
        if avail < H {
            // Only a prefix of a header: torn if what is there is consistent.
            let m = min(avail, 4)
            if !bytes[at..<at + m].elementsEqual(RecordFrame.magic[0..<m]) {
                return .end(.corrupt(offset: off, reason: "bad magic"))
            }
            if avail > 4 && LedgerFormat(rawValue: bytes[at + 4]) == nil {
                return .end(.corrupt(offset: off + 4, reason: RecordFrame.unsupportedVersionMessage(bytes[at + 4])))
            }
            return final ? .end(.tornTail(offset: off)) : .needMore
        }
        if !bytes[at..<at + 4].elementsEqual(RecordFrame.magic) {
            return .end(.corrupt(offset: off, reason: "bad magic"))
        }
        let hcrc = CRC32C.checksum(bytes[at..<at + 10])
        guard hcrc == be32(bytes, at + 10) else {
            return .end(.corrupt(offset: off, reason: "record header checksum mismatch"))
        }
        guard let format = LedgerFormat(rawValue: bytes[at + 4]) else {
            return .end(.corrupt(offset: off + 4, reason: RecordFrame.unsupportedVersionMessage(bytes[at + 4])))
        }
        guard let kind = RecordFrame.Kind(rawValue: bytes[at + 5]) else {
            return .end(.corrupt(offset: off + 5, reason: "unknown record kind \(bytes[at + 5])"))
        }
        let len = Int(be32(bytes, at + 6))
        guard len <= RecordFrame.maxPayload else {
            return .end(.corrupt(offset: off + 6, reason: "record length \(len) over the cap \(RecordFrame.maxPayload)"))
        }
        let total = H + len + RecordFrame.trailerSize
        if avail < total { return final ? .end(.tornTail(offset: off)) : .needMore }
        guard CRC32C.checksum(bytes[at + H..<at + H + len]) == be32(bytes, at + H + len) else {
            return .end(.corrupt(offset: off, reason: "record payload checksum mismatch"))
        }
        return .record(kind: kind, payload: at + H..<at + H + len, next: at + total, format: format)
    }

    /// Bytes a record needs in the window before `step` can decide on it: the header, then
    /// (once the header is there) the whole record.
    public static func bytesNeeded(_ bytes: [UInt8], from at: Int, to n: Int) -> Int {
        guard n - at >= RecordFrame.headerSize else { return RecordFrame.headerSize }
        return RecordFrame.headerSize + min(Int(be32(bytes, at + 6)), RecordFrame.maxPayload) + RecordFrame.trailerSize
    }

    static func be32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }
}
