import GridClearCore

/// A framed record format whose files `LedgerPadding` pads and judges: a fixed-size header
/// that starts with a non-zero magic and says how long its record is. Conformers:
/// `RecordFrame` (`blocks.gcl`) and `CertificateFrame` (`certificates.gcl`).
public protocol PaddedFraming {
    static var headerSize: Int { get }
    /// The header's first four bytes (never zero).
    static var magic: [UInt8] { get }
    /// True for a version byte (the header's fifth) this GridClear reads.
    static func readsVersion(_ v: UInt8) -> Bool
    /// The end offset of the record whose `headerSize`-byte header `h` (at file offset `at`)
    /// passes every header rule, else nil.
    static func intactHeaderRecordEnd(_ h: [UInt8], at: Int) -> Int?
}

extension PaddedFraming {
    /// True when `p` (shorter than a header) is the start of a header: the magic's prefix and,
    /// when present, a version this GridClear reads.
    static func consistentHeaderPrefix(_ p: [UInt8]) -> Bool {
        let m = min(p.count, 4)
        guard p[0..<m].elementsEqual(magic[0..<m]) else { return false }
        return p.count <= 4 || readsVersion(p[4])
    }
}

/// The zero padding after the records of `blocks.gcl` (and of `certificates.gcl`), and how the
/// bytes after the last valid record end a file (docs/ledger-format.md, "Padding and recovery").
///
/// The writer keeps the file longer than its records, the rest all zero bytes, so that an
/// append overwrites blocks the file already has and its `fdatasync` does not change the file
/// size (no journal commit for the inode on ext4: the cost that dominated an append of one
/// small block). The padding is not part of the ledger: a record never starts with a zero byte
/// (its magic is "GCLB"), so the first zero byte where a record would start is where the
/// records end.
///
/// Guarantees:
/// - `paddedSize` is a function of the records' end alone, so replicas holding the same
///   records hold byte-identical files.
/// - `judgeTail` never calls acknowledged data a torn append unless it is indistinguishable
///   from one that lost its last 512-byte sector(s): a record whose bytes are all present
///   (checksum mismatch anywhere but in zeroed trailing sectors) stays damage at its offset.
public enum LedgerPadding {
    /// Padding granule: the file size is the smallest multiple of this above the records' end.
    public static let granule = 1 << 20
    /// The unit a crash can leave half-written in an in-place overwrite (a disk sector).
    public static let sector = 512

    /// The file size a writer keeps for records ending at `logicalEnd`: 0 for no records, else
    /// the smallest multiple of `granule` strictly greater than `logicalEnd` (so there is always
    /// at least one zero byte of padding and the next small append overwrites in place).
    public static func paddedSize(logicalEnd: Int) -> Int {
        logicalEnd == 0 ? 0 : (logicalEnd / granule + 1) * granule
    }

    /// How the file ends at `at` (file offset), where no valid record starts and `failure` is
    /// what the record rules (`RecordScanner.step`, as on a file ending at `size`) said there.
    /// `head`: the file's bytes from `at` (at least the first `RecordFrame.headerSize`, or all
    /// up to `size`); `nonZeroEnd`: the offset just past the last non-zero byte at or after `at`
    /// (`at` when there is none); `firstNonZero`: the first non-zero byte at or after `at`.
    ///
    /// - all zero from `at`: `.clean` (padding);
    /// - a zero byte at `at` but a non-zero byte later: damage at that byte;
    /// - a torn append: the file ends inside the record at `at` (as without padding), or the
    ///   record's header (or its consistent prefix) is there and its non-zero bytes stop before
    ///   a sector boundary inside the record, all zero after (sectors that never reached the
    ///   disk): `.tornTail(at)`;
    /// - anything else: `failure`.
    public static func judgeTail<F: PaddedFraming>(at: Int, head: ArraySlice<UInt8>, size: Int, nonZeroEnd: Int,
                                                   firstNonZero: Int?, failure: ScanEnd, framing: F.Type = RecordFrame.self) -> ScanEnd {
        guard nonZeroEnd > at, let z = firstNonZero else { return .clean }
        if z > at {
            return .corrupt(offset: z, reason: "non-zero byte in the zero padding after the last record (which ends at offset \(at))")
        }
        if case .tornTail = failure { return failure }
        let H = F.headerSize
        let h = Array(head.prefix(H))
        // The first sector boundary at or after the last non-zero byte's end.
        let boundary = (nonZeroEnd + sector - 1) / sector * sector
        if h.count == H, let recordEnd = F.intactHeaderRecordEnd(h, at: at) {
            if boundary < recordEnd { return .tornTail(offset: at) }
            return failure
        }
        // A header cut where a sector boundary falls inside it, zeros after.
        if nonZeroEnd < at + H && boundary < at + H && F.consistentHeaderPrefix(Array(h.prefix(nonZeroEnd - at))) {
            return .tornTail(offset: at)
        }
        return failure
    }

    /// What of `tail` (the file's bytes from a torn append at `at` to its end) is the torn
    /// append rather than padding: the torn record as far as the file holds it (its header
    /// says how long it is), and any non-zero byte after; all of `tail` when it ends inside a
    /// header (as in a file without padding).
    public static func tornBytes<F: PaddedFraming>(_ tail: [UInt8], at: Int, framing: F.Type = RecordFrame.self) -> [UInt8] {
        let H = F.headerSize
        guard tail.count >= H else { return tail }
        var keep = tail.count
        while keep > 0 && tail[keep - 1] == 0 { keep -= 1 }
        if let end = F.intactHeaderRecordEnd(Array(tail[0..<H]), at: at) { keep = max(keep, min(end - at, tail.count)) }
        return Array(tail[0..<keep])
    }

    /// `judgeTail` for a whole file's bytes in memory, `failure` found at `at`.
    public static func judgeTail<F: PaddedFraming>(of bytes: [UInt8], at: Int, failure: ScanEnd, framing: F.Type) -> ScanEnd {
        let z = bytes[at...].firstIndex { $0 != 0 }
        let nz = z == nil ? at : bytes.lastIndex { $0 != 0 }! + 1
        return judgeTail(at: at, head: bytes[at...], size: bytes.count, nonZeroEnd: nz, firstNonZero: z, failure: failure, framing: framing)
    }
}

extension RecordFrame: PaddedFraming {
    public static func intactHeaderRecordEnd(_ h: [UInt8], at: Int) -> Int? {
        guard h.starts(with: magic), CRC32C.checksum(h[0..<10]) == RecordScanner.be32(h, 10),
              LedgerFormat(rawValue: h[4]) != nil, Kind(rawValue: h[5]) != nil else { return nil }
        let len = Int(RecordScanner.be32(h, 6))
        guard len <= maxPayload else { return nil }
        return at + headerSize + len + trailerSize
    }

    public static func readsVersion(_ v: UInt8) -> Bool { LedgerFormat(rawValue: v) != nil }
}
