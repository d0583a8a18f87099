/// A DL/T 645-2007 meter address: 12 decimal digits, sent as 6 BCD bytes, low byte first.
public struct DLT645Address: Sendable, Hashable, CustomStringConvertible {
    /// The six bytes as sent on the wire (low byte first).
    public let wire: [UInt8]

    /// Parses 12 decimal digits (`"000000000001"`); shorter strings are zero-padded on the left.
    /// `"AAAAAAAAAAAA"` is the broadcast/wildcard address.
    public init?(_ text: String) {
        let t = text.uppercased()
        if t == "AAAAAAAAAAAA" { wire = Array(repeating: 0xAA, count: 6); return }
        guard !t.isEmpty, t.count <= 12, t.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let digits = Array(String(repeating: "0", count: 12 - t.count) + t).map { UInt8($0.asciiValue! - 48) }
        var w: [UInt8] = []
        for k in stride(from: 10, through: 0, by: -2) { w.append(digits[k] << 4 | digits[k + 1]) }
        wire = w
    }
    public init(wire: [UInt8]) { precondition(wire.count == 6); self.wire = wire }

    public var description: String {
        wire.reversed().map { b in String(b >> 4, radix: 16) + String(b & 0xF, radix: 16) }.joined().uppercased()
    }
}

/// DL/T 645-2007 data identifiers used here (DI3 DI2 DI1 DI0 as a 32-bit number).
public enum DLT645DataID {
    /// Forward (import) active total energy, XXXXXX.XX kWh.
    public static let forwardActiveTotal: UInt32 = 0x0001_0000
    /// Reverse (export) active total energy, XXXXXX.XX kWh.
    public static let reverseActiveTotal: UInt32 = 0x0002_0000
}

/// One decoded DL/T 645 frame.
public struct DLT645Frame: Sendable, Hashable {
    public var address: DLT645Address
    public var control: UInt8
    /// Data field with the +0x33 offset already removed.
    public var data: [UInt8]

    public init(address: DLT645Address, control: UInt8, data: [UInt8]) {
        self.address = address; self.control = control; self.data = data
    }

    /// Wire bytes: optional 0xFE preamble, 68 A0…A5 68 C L DATA(+33) CS 16.
    public func encode(preamble: Int = 4) -> [UInt8] {
        var f: [UInt8] = [0x68] + address.wire + [0x68, control, UInt8(data.count)]
        f += data.map { $0 &+ 0x33 }
        f.append(f.reduce(0, &+))
        f.append(0x16)
        return Array(repeating: 0xFE, count: preamble) + f
    }

    /// A read-data request (control 0x11) for data identifier `di`.
    public static func readRequest(address: DLT645Address, di: UInt32) -> DLT645Frame {
        DLT645Frame(address: address, control: 0x11, data: DLT645.diBytes(di))
    }
}

/// Result of scanning received bytes for a DL/T 645 frame.
public enum DLT645Scan: Sendable, Equatable {
    case frame(DLT645Frame, offset: Int, length: Int)
    case incomplete
}

public enum DLT645 {
    /// DI as sent: DI0 first.
    public static func diBytes(_ di: UInt32) -> [UInt8] {
        [UInt8(di & 0xFF), UInt8((di >> 8) & 0xFF), UInt8((di >> 16) & 0xFF), UInt8(di >> 24)]
    }

    /// Finds the first well-formed frame (start, second 0x68, length, checksum, 0x16) in `buffer`;
    /// preamble and noise before it are skipped.
    public static func scan(_ buffer: [UInt8]) -> DLT645Scan {
        var i = 0
        while i + 12 <= buffer.count {
            if buffer[i] == 0x68 && buffer[i + 7] == 0x68 {
                let len = Int(buffer[i + 9])
                let total = 12 + len
                if i + total <= buffer.count {
                    let body = buffer[i..<(i + 10 + len)]
                    if buffer[i + 10 + len] == body.reduce(0, &+) && buffer[i + 11 + len] == 0x16 {
                        let addr = DLT645Address(wire: Array(buffer[(i + 1)..<(i + 7)]))
                        let data = buffer[(i + 10)..<(i + 10 + len)].map { $0 &- 0x33 }
                        return .frame(DLT645Frame(address: addr, control: buffer[i + 8], data: data), offset: i, length: total)
                    }
                }
            }
            i += 1
        }
        return .incomplete
    }

    /// Decodes `n` BCD bytes (low byte first) to an integer; nil if a nibble is not a decimal digit.
    public static func bcdValue<C: Collection>(_ bytes: C) -> Int64? where C.Element == UInt8 {
        var v: Int64 = 0
        for b in bytes.reversed() {
            let hi = b >> 4, lo = b & 0xF
            guard hi < 10, lo < 10 else { return nil }
            v = v * 100 + Int64(hi) * 10 + Int64(lo)
        }
        return v
    }

    /// `value` as `n` BCD bytes, low byte first.
    public static func bcdBytes(_ value: Int64, count: Int) -> [UInt8] {
        var v = value, out: [UInt8] = []
        for _ in 0..<count { let two = v % 100; v /= 100; out.append(UInt8(two / 10) << 4 | UInt8(two % 10)) }
        return out
    }
}
