/// Canonical binary writer: big-endian fixed-width integers, `u32` length-prefixed byte
/// strings and UTF-8 text. The same values always give the same bytes on every machine.
/// The one encoder of ledger records, wire messages and transcripts (read with `ByteReader`).
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public init(reservingCapacity n: Int) { bytes.reserveCapacity(n) }

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    // Big-endian, appended in one piece (one capacity check, not one per byte).
    public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.bigEndian) { bytes.append(contentsOf: $0) } }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    public mutating func i128(_ v: Int128) { i64(Int64(truncatingIfNeeded: v >> 64)); u64(UInt64(truncatingIfNeeded: v)) }
    /// A boolean as one byte, 0 or 1.
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    /// Fixed-size bytes with no length prefix (hashes, keys, signatures).
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    /// Length-prefixed (`u32`) bytes.
    public mutating func blob(_ b: [UInt8]) { u32(UInt32(b.count)); bytes.append(contentsOf: b) }
    /// Length-prefixed UTF-8 text.
    public mutating func text(_ s: String) {
        var s = s  // native strings are contiguous UTF-8: appended in one copy, no array made
        s.withUTF8 { u32(UInt32($0.count)); bytes.append(contentsOf: $0) }
    }
    /// Optional bytes: a presence byte (0/1) then the blob.
    public mutating func optionalBlob(_ b: [UInt8]?) {
        if let b { u8(1); blob(b) } else { u8(0) }
    }
}
