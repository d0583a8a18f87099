/// CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF), transmitted low byte first.
public enum ModbusCRC {
    private static let table: [UInt16] = (0..<256).map { i -> UInt16 in
        var c = UInt16(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xA001 : c >> 1 }
        return c
    }

    public static func compute<C: Collection>(_ bytes: C) -> UInt16 where C.Element == UInt8 {
        var crc: UInt16 = 0xFFFF
        for b in bytes { crc = (crc >> 8) ^ table[Int((crc ^ UInt16(b)) & 0xFF)] }
        return crc
    }

    /// `bytes` followed by its CRC, low byte first.
    public static func appending(to bytes: [UInt8]) -> [UInt8] {
        let c = compute(bytes)
        return bytes + [UInt8(c & 0xFF), UInt8(c >> 8)]
    }

    /// True when the last two bytes of `frame` are the CRC of the rest.
    public static func check(_ frame: ArraySlice<UInt8>) -> Bool {
        guard frame.count >= 4 else { return false }
        let body = frame.dropLast(2)
        let c = compute(body)
        return frame[frame.endIndex - 2] == UInt8(c & 0xFF) && frame[frame.endIndex - 1] == UInt8(c >> 8)
    }
}
