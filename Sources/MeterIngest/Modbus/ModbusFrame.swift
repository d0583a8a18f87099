/// Modbus read functions used for meters.
public enum ModbusFunction: UInt8, Sendable, Hashable, Codable {
    case readHoldingRegisters = 0x03
    case readInputRegisters = 0x04
}

/// A Modbus RTU read request: slave address, function, first register, count (1…125).
public struct ModbusReadRequest: Sendable, Hashable {
    public var slave: UInt8
    public var function: ModbusFunction
    public var start: UInt16
    public var count: UInt16

    public init(slave: UInt8, function: ModbusFunction, start: UInt16, count: UInt16) {
        precondition((1...247).contains(slave), "Modbus slave address must be 1…247")
        precondition((1...125).contains(count), "Modbus read count must be 1…125")
        self.slave = slave; self.function = function; self.start = start; self.count = count
    }

    /// The 8-byte RTU frame with CRC.
    public var frame: [UInt8] {
        ModbusCRC.appending(to: [slave, function.rawValue, UInt8(start >> 8), UInt8(start & 0xFF),
                                 UInt8(count >> 8), UInt8(count & 0xFF)])
    }
    /// Length of a normal answer: address, function, byte count, 2·count data, CRC.
    public var responseLength: Int { 5 + 2 * Int(count) }
}

/// A decoded answer to a read request.
public enum ModbusAnswer: Sendable, Hashable {
    case registers([UInt16])
    case exception(ModbusException)
}

/// A Modbus exception code with its meaning.
public struct ModbusException: Sendable, Hashable, CustomStringConvertible {
    public var code: UInt8
    public init(code: UInt8) { self.code = code }
    public var description: String {
        let name: String
        switch code {
        case 1: name = "illegal function"
        case 2: name = "illegal data address"
        case 3: name = "illegal data value"
        case 4: name = "slave device failure"
        case 5: name = "acknowledge"
        case 6: name = "slave device busy"
        case 0x0B: name = "gateway target failed to respond"
        default: name = "code \(code)"
        }
        return "Modbus exception \(code) (\(name))"
    }
}

/// Result of scanning received bytes for the answer to one request.
public enum ModbusScan: Sendable, Equatable {
    /// A valid answer at `offset` (bytes before it are noise).
    case answer(ModbusAnswer, offset: Int, length: Int)
    /// No valid answer yet; more bytes may complete one.
    case incomplete
}

/// What a buffer that never became a valid answer looked like (for fault counting).
public enum ModbusGarbage: Sendable, Equatable {
    case empty
    /// A frame header for this request with full length but a wrong CRC.
    case badCRC
    /// A CRC-valid frame that answers a different request (other slave, function or length).
    case staleAnswer
    /// Bytes that are none of the above.
    case noise
}

public enum ModbusRTU {
    /// Finds the first valid answer to `request` in `buffer` (leading noise skipped).
    public static func scan(_ buffer: [UInt8], for request: ModbusReadRequest) -> ModbusScan {
        let fn = request.function.rawValue
        var i = 0
        while i + 1 < buffer.count {
            if buffer[i] == request.slave {
                if buffer[i + 1] == fn {
                    let n = request.responseLength
                    if i + 2 < buffer.count, buffer[i + 2] == UInt8(2 * request.count), i + n <= buffer.count,
                       ModbusCRC.check(buffer[i..<(i + n)]) {
                        var regs: [UInt16] = []
                        regs.reserveCapacity(Int(request.count))
                        for k in 0..<Int(request.count) {
                            regs.append(UInt16(buffer[i + 3 + 2 * k]) << 8 | UInt16(buffer[i + 4 + 2 * k]))
                        }
                        return .answer(.registers(regs), offset: i, length: n)
                    }
                } else if buffer[i + 1] == fn | 0x80, i + 5 <= buffer.count, ModbusCRC.check(buffer[i..<(i + 5)]) {
                    return .answer(.exception(ModbusException(code: buffer[i + 2])), offset: i, length: 5)
                }
            }
            i += 1
        }
        return .incomplete
    }

    /// Classifies bytes that held no valid answer.
    public static func classify(_ buffer: [UInt8], for request: ModbusReadRequest) -> ModbusGarbage {
        if buffer.isEmpty { return .empty }
        let n = request.responseLength
        for i in 0..<buffer.count {
            // Any CRC-valid read answer (5 + byte count) here that is not ours: stale.
            if i + 3 <= buffer.count, buffer[i + 1] & 0x7F == 0x03 || buffer[i + 1] & 0x7F == 0x04 {
                let len = 5 + Int(buffer[i + 2])
                if i + len <= buffer.count, ModbusCRC.check(buffer[i..<(i + len)]) { return .staleAnswer }
            }
        }
        for i in 0..<buffer.count where buffer[i] == request.slave && i + n <= buffer.count {
            if buffer[i + 1] == request.function.rawValue && buffer[i + 2] == UInt8(2 * request.count) { return .badCRC }
        }
        return .noise
    }
}
