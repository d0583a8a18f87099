/// The two CRCs of GridClear, table-driven, reflected: CRC-32 (IEEE 802.3 / zlib,
/// polynomial 0xEDB88320) and CRC-32C (Castagnoli, 0x82F63B78, RFC 3720 §B.4).
///
/// Guarantees: `CRC32.checksum("123456789") == 0xCBF43926` and
/// `CRC32C.checksum("123456789") == 0xE3069283` (the standard check values); `update`
/// continues a running checksum (start with 0) so a checksum can span several pieces.
public enum CRC32 {
    static let table = CRCTable(polynomial: 0xEDB8_8320)

    public static func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        table.update(crc, bytes)
    }
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 { update(0, bytes) }
}

/// CRC-32C (Castagnoli); see `CRC32`.
public enum CRC32C {
    static let table = CRCTable(polynomial: 0x82F6_3B78)

    public static func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        table.update(crc, bytes)
    }
    public static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 { update(0, bytes) }
}

/// Slicing-by-16 tables for a reflected 32-bit CRC (16 × 256 entries; table 0 is the classic
/// byte-at-a-time table). Contiguous input (arrays, slices, buffers) is processed 16 bytes per
/// step without per-byte generic dispatch; other collections byte by byte. Same results either
/// way (checked against a bitwise oracle in the tests).
struct CRCTable: Sendable {
    /// `entries[k * 256 + i]`: CRC of byte `i` followed by `k` zero bytes.
    let entries: [UInt32]

    init(polynomial: UInt32) {
        var t = [UInt32](repeating: 0, count: 16 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            t[i] = c
        }
        for k in 1..<16 {
            for i in 0..<256 { t[k * 256 + i] = (t[(k - 1) * 256 + i] >> 8) ^ t[Int(t[(k - 1) * 256 + i] & 0xFF)] }
        }
        entries = t
    }

    func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        if let r = bytes.withContiguousStorageIfAvailable({ update(crc, UnsafeRawBufferPointer($0)) }) { return r }
        var c = ~crc
        entries.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return ~c
    }

    func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = ~crc
        entries.withUnsafeBufferPointer { t in
            var i = 0
            let n = bytes.count
            while n - i >= 16 {
                let a = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(c)
                let b = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
                c = t[15 * 256 + Int(a & 0xFF)] ^ t[14 * 256 + Int((a >> 8) & 0xFF)]
                  ^ t[13 * 256 + Int((a >> 16) & 0xFF)] ^ t[12 * 256 + Int((a >> 24) & 0xFF)]
                  ^ t[11 * 256 + Int((a >> 32) & 0xFF)] ^ t[10 * 256 + Int((a >> 40) & 0xFF)]
                  ^ t[9 * 256 + Int((a >> 48) & 0xFF)] ^ t[8 * 256 + Int(a >> 56)]
                  ^ t[7 * 256 + Int(b & 0xFF)] ^ t[6 * 256 + Int((b >> 8) & 0xFF)]
                  ^ t[5 * 256 + Int((b >> 16) & 0xFF)] ^ t[4 * 256 + Int((b >> 24) & 0xFF)]
                  ^ t[3 * 256 + Int((b >> 32) & 0xFF)] ^ t[2 * 256 + Int((b >> 40) & 0xFF)]
                  ^ t[1 * 256 + Int((b >> 48) & 0xFF)] ^ t[Int(b >> 56)]
                i += 16
            }
            while n - i >= 8 {
                let w = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) ^ UInt64(c)
                c = t[7 * 256 + Int(w & 0xFF)] ^ t[6 * 256 + Int((w >> 8) & 0xFF)]
                  ^ t[5 * 256 + Int((w >> 16) & 0xFF)] ^ t[4 * 256 + Int((w >> 24) & 0xFF)]
                  ^ t[3 * 256 + Int((w >> 32) & 0xFF)] ^ t[2 * 256 + Int((w >> 40) & 0xFF)]
                  ^ t[1 * 256 + Int((w >> 48) & 0xFF)] ^ t[Int(w >> 56)]
                i += 8
            }
            while i < n {
                c = t[Int((c ^ UInt32(bytes[i])) & 0xFF)] ^ (c >> 8)
                i += 1
            }
        }
        return ~c
    }
}
