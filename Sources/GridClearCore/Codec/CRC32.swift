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

/// A 256-entry table for a reflected 32-bit CRC.
struct CRCTable: Sendable {
    let entries: [UInt32]

    init(polynomial: UInt32) {
        entries = (0..<256).map { i -> UInt32 in
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            return c
        }
    }

    func update<C: Collection>(_ crc: UInt32, _ bytes: C) -> UInt32 where C.Element == UInt8 {
        var c = ~crc
        entries.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return ~c
    }
}
