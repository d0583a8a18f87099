/// Canonical binary writer: big-endian fixed-width integers, `u32` length-prefixed byte
/// strings and UTF-8 text. The same values always give the same bytes on every machine.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { for s in stride(from: 8, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt16(s))) } }
    public mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(s))) } }
    public mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: v >> UInt64(s))) } }
    public mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
    /// Fixed-size bytes with no length prefix (hashes, keys, signatures).
    public mutating func raw(_ b: [UInt8]) { bytes.append(contentsOf: b) }
    /// Length-prefixed (`u32`) bytes.
    public mutating func blob(_ b: [UInt8]) { u32(UInt32(b.count)); bytes.append(contentsOf: b) }
    /// Length-prefixed UTF-8 text.
    public mutating func text(_ s: String) { blob(Array(s.utf8)) }
    /// Optional bytes: a presence byte (0/1) then the blob.
    public mutating func optionalBlob(_ b: [UInt8]?) {
        if let b { u8(1); blob(b) } else { u8(0) }
    }
}
