import GridClearCore

/// Cumulative energy registers of one meter at one instant, in Wh.
public struct EnergyRegisters: Sendable, Hashable, Codable {
    public var importWh: Int64
    public var exportWh: Int64?
    public init(importWh: Int64, exportWh: Int64?) { self.importWh = importWh; self.exportWh = exportWh }
}

/// Why a read failed after all attempts (the last fault seen).
public enum MeterReadError: Error, CustomStringConvertible, Sendable, Equatable {
    case noAnswer(meter: String, attempts: Int, lastFault: String)
    case exception(meter: String, String)
    public var description: String {
        switch self {
        case let .noAnswer(m, a, f): return "meter \(m): no valid answer after \(a) attempts (last: \(f)) — check wiring, address, baud and parity"
        case let .exception(m, e): return "meter \(m) answered with \(e) — check the address and profile registers"
        }
    }
}

/// A meter protocol on a bus: reads the cumulative energy registers, retrying on faults,
/// counting each fault, never returning a value from a frame that failed a check.
public protocol MeterDriver {
    /// A label for messages (address and protocol).
    var label: String { get }
    func read(on bus: MeterBus, attempts: Int, counters: inout MeterCounters) throws -> EnergyRegisters
}

/// Modbus RTU meter with a register profile.
public struct ModbusMeter: MeterDriver {
    public var slave: UInt8
    public var profile: ModbusProfile
    public init(slave: UInt8, profile: ModbusProfile) { self.slave = slave; self.profile = profile }
    public var label: String { "modbus:\(slave)/\(profile.name)" }

    public func read(on bus: MeterBus, attempts: Int, counters: inout MeterCounters) throws -> EnergyRegisters {
        var values: [UInt16: (regs: [UInt16], base: UInt16)] = [:]
        for req in profile.requests(slave: slave) {
            let regs = try readRegisters(req, on: bus, attempts: attempts, counters: &counters)
            values[req.start] = (regs, req.start)
        }
        func lookup(_ spec: RegisterSpec) -> Int64? {
            for (_, v) in values where spec.register >= v.base && Int(spec.register - v.base) + Int(spec.encoding.registerCount) <= v.regs.count {
                return spec.wattHours(from: v.regs, base: v.base)
            }
            return nil
        }
        guard let imp = lookup(profile.importEnergy) else {
            counters.implausibleValues += 1; counters.failedReads += 1
            throw MeterReadError.noAnswer(meter: label, attempts: attempts, lastFault: "implausible import energy value")
        }
        var exp: Int64? = nil
        if let e = profile.exportEnergy {
            guard let v = lookup(e) else {
                counters.implausibleValues += 1; counters.failedReads += 1
                throw MeterReadError.noAnswer(meter: label, attempts: attempts, lastFault: "implausible export energy value")
            }
            exp = v
        }
        return EnergyRegisters(importWh: imp, exportWh: exp)
    }

    func readRegisters(_ req: ModbusReadRequest, on bus: MeterBus, attempts: Int, counters: inout MeterCounters) throws -> [UInt16] {
        var last = "no attempt"
        for _ in 0..<max(1, attempts) {
            counters.requests += 1
            let outcome = try bus.exchange(req.frame, expectedAnswerBytes: req.responseLength) { buf -> (ModbusAnswer, Int)? in
                if case let .answer(a, off, _) = ModbusRTU.scan(buf, for: req) { return (a, off) }
                return nil
            }
            switch outcome {
            case let .answer(.registers(regs), noise):
                counters.noiseBytes += noise
                counters.answers += 1
                return regs
            case let .answer(.exception(ex), noise):
                counters.noiseBytes += noise
                counters.exceptions += 1
                // Busy/acknowledge are worth retrying; the others are configuration errors.
                if ex.code == 5 || ex.code == 6 { last = "\(ex)"; bus.requireQuietLine(); continue }
                counters.failedReads += 1
                throw MeterReadError.exception(meter: label, "\(ex)")
            case .ambiguous:
                counters.staleAnswers += 1; last = "two answers in one window (a late answer to an earlier request)"
            case let .noAnswer(received):
                switch ModbusRTU.classify(received, for: req) {
                case .empty: counters.timeouts += 1; last = "timeout"
                case .badCRC: counters.crcErrors += 1; last = "CRC error"
                case .staleAnswer: counters.staleAnswers += 1; last = "answer to another request"
                case .noise: counters.noiseBytes += received.count; last = "noise (\(received.count) bytes)"
                }
            }
        }
        counters.failedReads += 1
        throw MeterReadError.noAnswer(meter: label, attempts: attempts, lastFault: last)
    }
}

/// DL/T 645-2007 meter: reads forward (import) and optionally reverse (export) active total energy.
public struct DLT645Meter: MeterDriver {
    public var address: DLT645Address
    public var readExport: Bool
    public init(address: DLT645Address, readExport: Bool = true) { self.address = address; self.readExport = readExport }
    public var label: String { "dlt645:\(address)" }

    public func read(on bus: MeterBus, attempts: Int, counters: inout MeterCounters) throws -> EnergyRegisters {
        let imp = try readEnergy(DLT645DataID.forwardActiveTotal, on: bus, attempts: attempts, counters: &counters)
        let exp = readExport ? try readEnergy(DLT645DataID.reverseActiveTotal, on: bus, attempts: attempts, counters: &counters) : nil
        return EnergyRegisters(importWh: imp, exportWh: exp)
    }

    /// Reads one XXXXXX.XX kWh energy item and returns Wh.
    public func readEnergy(_ di: UInt32, on bus: MeterBus, attempts: Int, counters: inout MeterCounters) throws -> Int64 {
        let request = DLT645Frame.readRequest(address: address, di: di).encode()
        let wantDI = DLT645.diBytes(di)
        var last = "no attempt"
        for _ in 0..<max(1, attempts) {
            counters.requests += 1
            var stale = 0
            let outcome = try bus.exchange(request, expectedAnswerBytes: 4 + 12 + 8) { buf -> (DLT645Frame, Int)? in
                var start = 0
                while start < buf.count, case let .frame(f, off, len) = DLT645.scan(Array(buf[start...])) {
                    // Our own request echoed (half-duplex adapters) or an answer for another
                    // meter / data item is skipped and counted as stale.
                    let isAnswer = f.control & 0x80 != 0
                    let ours = address.wire == [0xAA, 0xAA, 0xAA, 0xAA, 0xAA, 0xAA] || f.address == address
                    if isAnswer && ours && (f.control == 0xD1 || Array(f.data.prefix(4)) == wantDI) {
                        return (f, start + off - countPreamble(buf, before: start + off))
                    }
                    if isAnswer { stale += 1 }
                    start += off + len
                }
                return nil
            }
            counters.staleAnswers += stale
            switch outcome {
            case let .answer(f, noise):
                counters.noiseBytes += noise
                if f.control == 0xD1 {
                    counters.exceptions += 1
                    counters.failedReads += 1
                    throw MeterReadError.exception(meter: label, "DL/T 645 error answer (status byte 0x\(String(f.data.first ?? 0, radix: 16)))")
                }
                guard f.control == 0x91 || f.control == 0xB1, f.data.count == 8, let v = DLT645.bcdValue(f.data[4..<8]) else {
                    counters.implausibleValues += 1; last = "malformed energy value"; bus.requireQuietLine(); continue
                }
                counters.answers += 1
                return v * 10 // hundredths of kWh → Wh
            case .ambiguous:
                counters.staleAnswers += 1; last = "two answers in one window (a late answer to an earlier request)"
            case let .noAnswer(received):
                if stale > 0 { last = "answer to another request" }
                else if received.isEmpty { counters.timeouts += 1; last = "timeout" }
                else if received.contains(0x68) && received.contains(0x16) { counters.crcErrors += 1; last = "checksum error" }
                else { counters.noiseBytes += received.count; last = "noise (\(received.count) bytes)" }
            }
        }
        counters.failedReads += 1
        throw MeterReadError.noAnswer(meter: label, attempts: attempts, lastFault: last)
    }

    /// 0xFE wake-up bytes directly before `index` are preamble, not noise.
    private func countPreamble(_ buf: [UInt8], before index: Int) -> Int {
        var k = index, n = 0
        while k > 0 && buf[k - 1] == 0xFE { k -= 1; n += 1 }
        return n
    }
}
