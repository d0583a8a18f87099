/// Parity of a serial line (8 data bits always).
public enum Parity: String, Sendable, Hashable, Codable, CaseIterable {
    case none = "N", even = "E", odd = "O"
}

/// Line settings of a serial port: baud, 8 data bits, parity, stop bits.
/// `characterBits` is what one byte costs on the wire (start + 8 + parity + stop).
public struct SerialSettings: Sendable, Hashable, CustomStringConvertible {
    public static let supportedBauds: [Int] = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200]
    public var baud: Int
    public var parity: Parity
    public var stopBits: Int

    public init(baud: Int = 9600, parity: Parity = .none, stopBits: Int = 1) {
        self.baud = baud; self.parity = parity; self.stopBits = stopBits
    }

    /// Bits per character on the wire: 1 start + 8 data + parity + stop.
    public var characterBits: Int { 1 + 8 + (parity == .none ? 0 : 1) + stopBits }
    /// Time of one character on the wire, nanoseconds.
    public var characterNanos: UInt64 { UInt64(characterBits) * 1_000_000_000 / UInt64(baud) }
    /// Modbus RTU inter-frame silence t3.5: 3.5 characters, fixed at 1.75 ms above 19200 baud.
    public var silenceNanos: UInt64 { baud > 19200 ? 1_750_000 : characterNanos * 7 / 2 }
    /// Wire time of `bytes` characters, nanoseconds.
    public func wireNanos(bytes: Int) -> UInt64 { UInt64(bytes) * characterNanos }

    public var description: String { "\(baud) 8\(parity.rawValue)\(stopBits)" }
}
