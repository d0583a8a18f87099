/// Big-endian writer for the RCI wire format.
struct RCIByteWriter {
    var bytes: [UInt8] = []
    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.bigEndian) { bytes += $0 } }
    mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.bigEndian) { bytes += $0 } }
    mutating func i128(_ v: Int128) { i64(Int64(truncatingIfNeeded: v >> 64)); i64(Int64(truncatingIfNeeded: v)) }
    mutating func blob(_ v: [UInt8]) { u32(UInt32(v.count)); bytes += v }
    mutating func string(_ s: String) { blob(Array(s.utf8)) }
}

/// Big-endian reader; every read is bounds-checked and throws `RCIError.protocolViolation`.
struct RCIByteReader {
    let bytes: [UInt8]
    var offset = 0
    let what: String
    init(_ bytes: [UInt8], what: String) { self.bytes = bytes; self.what = what }

    mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - offset >= n else { throw RCIError.protocolViolation("\(what): truncated") }
        defer { offset += n }
        return bytes[offset..<offset + n]
    }
    mutating func u8() throws -> UInt8 { try take(1).first! }
    mutating func bool() throws -> Bool {
        switch try u8() { case 0: return false; case 1: return true
        default: throw RCIError.protocolViolation("\(what): bad boolean") }
    }
    mutating func u32() throws -> UInt32 { try take(4).reduce(0) { $0 << 8 | UInt32($1) } }
    mutating func i64() throws -> Int64 { Int64(bitPattern: try take(8).reduce(0) { $0 << 8 | UInt64($1) }) }
    mutating func i128() throws -> Int128 {
        let hi = try i64(), lo = try i64()
        return Int128(hi) << 64 | Int128(UInt64(bitPattern: lo))
    }
    mutating func blob(max: Int = 1 << 20) throws -> [UInt8] {
        let n = Int(try u32())
        guard n <= max else { throw RCIError.protocolViolation("\(what): field of \(n) bytes exceeds \(max)") }
        return Array(try take(n))
    }
    mutating func string() throws -> String {
        guard let s = String(validating: try blob(max: 1 << 16), as: UTF8.self) else {
            throw RCIError.protocolViolation("\(what): invalid UTF-8")
        }
        return s
    }
    func finish() throws {
        guard offset == bytes.count else { throw RCIError.protocolViolation("\(what): \(bytes.count - offset) trailing bytes") }
    }
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) for frame checksums.
enum RCICRC32 {
    static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
    static func checksum<C: Collection>(_ data: C) -> UInt32 where C.Element == UInt8 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
