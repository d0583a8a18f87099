import GridClearCore

/// How a counter is encoded in Modbus registers.
public enum RegisterEncoding: String, Sendable, Hashable, Codable {
    case float32, uint32, int32, uint16
    public var registerCount: UInt16 { self == .uint16 ? 1 : 2 }
}

/// Order of the two 16-bit words of a 32-bit value: `big` = high word first (Eastron).
public enum WordOrder: String, Sendable, Hashable, Codable { case big, little }

/// Where one energy counter lives and how to turn it into Wh.
public struct RegisterSpec: Sendable, Hashable {
    public var register: UInt16
    public var encoding: RegisterEncoding
    public var wordOrder: WordOrder
    /// Wh per unit of the raw value (1000 for a kWh register).
    public var whPerUnit: Double

    public init(register: UInt16, encoding: RegisterEncoding, wordOrder: WordOrder = .big, whPerUnit: Double) {
        self.register = register; self.encoding = encoding; self.wordOrder = wordOrder; self.whPerUnit = whPerUnit
    }

    /// Decodes the value from `regs` (which start at `base`) to Wh; nil if not finite,
    /// negative or absurd (> 10^12 Wh).
    public func wattHours(from regs: [UInt16], base: UInt16) -> Int64? {
        let i = Int(register - base)
        let raw: Double
        switch encoding {
        case .uint16:
            raw = Double(regs[i])
        case .float32, .uint32, .int32:
            let (hi, lo) = wordOrder == .big ? (regs[i], regs[i + 1]) : (regs[i + 1], regs[i])
            let bits = UInt32(hi) << 16 | UInt32(lo)
            switch encoding {
            case .float32: raw = Double(Float(bitPattern: bits))
            case .int32: raw = Double(Int32(bitPattern: bits))
            default: raw = Double(bits)
            }
        }
        let wh = raw * whPerUnit
        guard wh.isFinite, wh >= 0, wh <= Double(MeterRecord.validWh.upperBound) else { return nil }
        return Int64(wh.rounded(.toNearestOrEven))
    }
}

/// A meter model: which function reads its energy registers and where they are.
public struct ModbusProfile: Sendable, Hashable {
    public var name: String
    public var function: ModbusFunction
    public var importEnergy: RegisterSpec
    public var exportEnergy: RegisterSpec?

    public init(name: String, function: ModbusFunction, importEnergy: RegisterSpec, exportEnergy: RegisterSpec?) {
        self.name = name; self.function = function; self.importEnergy = importEnergy; self.exportEnergy = exportEnergy
    }

    /// Eastron SDM120: input registers 0x0048 import / 0x004A export active energy, float32 kWh.
    public static let sdm120 = ModbusProfile(
        name: "sdm120", function: .readInputRegisters,
        importEnergy: RegisterSpec(register: 0x0048, encoding: .float32, whPerUnit: 1000),
        exportEnergy: RegisterSpec(register: 0x004A, encoding: .float32, whPerUnit: 1000))
    /// Eastron SDM630: same addresses for total import / export active energy.
    public static let sdm630 = ModbusProfile(
        name: "sdm630", function: .readInputRegisters,
        importEnergy: RegisterSpec(register: 0x0048, encoding: .float32, whPerUnit: 1000),
        exportEnergy: RegisterSpec(register: 0x004A, encoding: .float32, whPerUnit: 1000))

    public static func named(_ name: String) -> ModbusProfile? {
        switch name.lowercased() {
        case "sdm120": return sdm120
        case "sdm630": return sdm630
        default: return nil
        }
    }

    /// The register requests that read every counter: one request when the counters are
    /// close together (≤ 125 registers), else one per counter.
    public func requests(slave: UInt8) -> [ModbusReadRequest] {
        let specs = [importEnergy] + (exportEnergy.map { [$0] } ?? [])
        let lo = specs.map(\.register).min()!
        let hi = specs.map { Int($0.register) + Int($0.encoding.registerCount) }.max()!
        if hi - Int(lo) <= 125 {
            return [ModbusReadRequest(slave: slave, function: function, start: lo, count: UInt16(hi - Int(lo)))]
        }
        return specs.map { ModbusReadRequest(slave: slave, function: function, start: $0.register, count: $0.encoding.registerCount) }
    }
}
