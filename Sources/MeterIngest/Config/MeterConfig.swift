import GridClearCore
import Foundation

/// One meter on a bus, as configured.
public struct MeterSpec: Sendable, Hashable {
    public enum ProtocolKind: Sendable, Hashable { case modbus(slave: UInt8, profile: ModbusProfile), dlt645(DLT645Address) }
    public var id: String
    public var participantID: String
    public var kind: ProtocolKind
    /// Meter serial; a change (same `id`) means the meter was replaced.
    public var serial: String
    /// Counter modulus in Wh, if the register rolls over.
    public var rolloverWh: Int64?

    public var driver: MeterDriver {
        switch kind {
        case let .modbus(s, p): return ModbusMeter(slave: s, profile: p)
        case let .dlt645(a): return DLT645Meter(address: a)
        }
    }

    /// Requests per poll and their request/answer lengths in bytes (for the line budget).
    public var exchanges: [(request: Int, answer: Int)] {
        switch kind {
        case let .modbus(s, p): return p.requests(slave: s).map { (8, $0.responseLength) }
        case .dlt645: return [(20, 24), (20, 24)]
        }
    }
}

/// One RS-485 line and its meters.
public struct BusSpec: Sendable, Hashable {
    public var id: String
    public var device: String
    public var settings: SerialSettings
    public var pollIntervalMillis: Int64
    public var timing: BusTiming
    public var attempts: Int
    public var meters: [MeterSpec]

    /// Line time one poll round needs when every meter answers at once (wire time both ways
    /// plus the t3.5 silences), and in the worst case where every request fails `attempts − 1`
    /// times first (each failure costs the request, the response timeout and the quiet wait).
    public var budget: (nominalNanos: UInt64, worstNanos: UInt64) {
        var nominal: UInt64 = 0, worst: UInt64 = 0
        for m in meters {
            for x in m.exchanges {
                let ok = settings.wireNanos(bytes: x.request + x.answer) + 2 * settings.silenceNanos
                nominal += ok
                worst += ok + UInt64(max(0, attempts - 1)) * (settings.wireNanos(bytes: x.request + x.answer)
                                                               + timing.responseTimeoutNanos + timing.quietNanos + settings.silenceNanos)
            }
        }
        return (nominal, worst)
    }
}

/// The meter configuration file (JSON): buses with their meters. Loading validates every field
/// (unknown keys are errors) and checks that each bus's worst-case poll round fits its interval.
public struct MeterConfig: Sendable, Hashable {
    public var buses: [BusSpec]

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var message: String
        public var description: String { message }
    }

    public static func load(path: String) throws -> MeterConfig {
        guard let data = FileManager.default.contents(atPath: path) else { throw LoadError(message: "\(path): cannot read the meter configuration") }
        return try parse(data, source: path)
    }

    public static func parse(_ data: Data, source: String) throws -> MeterConfig {
        func fail(_ m: String) -> LoadError { LoadError(message: "\(source): \(m)") }
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw fail("not a JSON object") }
        try checkKeys(root, ["version", "buses"], at: "top level", fail)
        if let v = root["version"], (v as? Int) != 1 { throw fail("version must be 1") }
        guard let buses = root["buses"] as? [[String: Any]], !buses.isEmpty else { throw fail("'buses' must be a non-empty array of objects") }
        var out: [BusSpec] = []
        var meterIDs = Set<String>(), busIDs = Set<String>(), devices = Set<String>()
        for (bi, b) in buses.enumerated() {
            let at = "buses[\(bi)]"
            try checkKeys(b, ["id", "device", "baud", "parity", "stop_bits", "poll_interval_s", "response_timeout_ms", "attempts", "meters"], at: at, fail)
            guard let id = b["id"] as? String, MeterRecord.isValidID(id), busIDs.insert(id).inserted else { throw fail("\(at).id must be a unique id ([A-Za-z0-9_.:-], 1–64)") }
            guard let device = b["device"] as? String, !device.isEmpty, devices.insert(device).inserted else { throw fail("\(at).device must be a device path, one bus per device") }
            let baud = b["baud"] as? Int ?? 9600
            guard SerialSettings.supportedBauds.contains(baud) else { throw fail("\(at).baud \(baud) unsupported (use \(SerialSettings.supportedBauds.map(String.init).joined(separator: "/")))") }
            guard let parity = Parity(rawValue: b["parity"] as? String ?? "N") else { throw fail("\(at).parity must be N, E or O") }
            let stop = b["stop_bits"] as? Int ?? 1
            guard stop == 1 || stop == 2 else { throw fail("\(at).stop_bits must be 1 or 2") }
            let pollS = (b["poll_interval_s"] as? NSNumber)?.doubleValue ?? 60
            guard pollS >= 0.05, pollS <= 900 else { throw fail("\(at).poll_interval_s must be in 0.05…900") }
            let timeoutMs = b["response_timeout_ms"] as? Int ?? 200
            guard (10...5000).contains(timeoutMs) else { throw fail("\(at).response_timeout_ms must be in 10…5000") }
            let attempts = b["attempts"] as? Int ?? 3
            guard (1...10).contains(attempts) else { throw fail("\(at).attempts must be in 1…10") }
            guard let meters = b["meters"] as? [[String: Any]], !meters.isEmpty else { throw fail("\(at).meters must be a non-empty array") }
            var specs: [MeterSpec] = []
            var addrs = Set<String>()
            for (mi, m) in meters.enumerated() {
                let mat = "\(at).meters[\(mi)]"
                let spec = try parseMeter(m, at: mat, fail)
                guard meterIDs.insert(spec.id).inserted else { throw fail("\(mat).id '\(spec.id)' is used twice") }
                guard addrs.insert(spec.serialAddressKey).inserted else { throw fail("\(mat): two meters with address \(spec.serialAddressKey) on one bus") }
                specs.append(spec)
            }
            let bus = BusSpec(id: id, device: device, settings: SerialSettings(baud: baud, parity: parity, stopBits: stop),
                              pollIntervalMillis: Int64(pollS * 1000), timing: BusTiming(responseTimeoutMillis: timeoutMs),
                              attempts: attempts, meters: specs)
            let (nominal, worst) = bus.budget
            let interval = UInt64(bus.pollIntervalMillis) * 1_000_000
            if worst > interval {
                throw fail("bus '\(id)': a poll round needs up to \(worst / 1_000_000) ms of line time (\(nominal / 1_000_000) ms when all answer) at \(bus.settings) but poll_interval_s is \(pollS) s — raise the interval or baud, or move meters to another bus")
            }
            out.append(bus)
        }
        return MeterConfig(buses: out)
    }

    static func parseMeter(_ m: [String: Any], at: String, _ fail: (String) -> LoadError) throws -> MeterSpec {
        try checkKeys(m, ["id", "participant", "protocol", "address", "profile", "custom", "serial", "rollover_kwh"], at: at, fail)
        guard let id = m["id"] as? String, MeterRecord.isValidID(id) else { throw fail("\(at).id must be an id ([A-Za-z0-9_.:-], 1–64)") }
        guard let participant = m["participant"] as? String, MeterRecord.isValidID(participant) else { throw fail("\(at).participant must be a participant id") }
        let kind: MeterSpec.ProtocolKind
        switch m["protocol"] as? String {
        case "modbus":
            guard let a = m["address"] as? Int, (1...247).contains(a) else { throw fail("\(at).address must be a Modbus slave address 1…247") }
            let profileName = m["profile"] as? String ?? "sdm630"
            let profile: ModbusProfile
            if profileName == "custom" {
                guard let c = m["custom"] as? [String: Any] else { throw fail("\(at).custom is required for profile 'custom'") }
                profile = try parseCustom(c, at: at + ".custom", fail)
            } else {
                guard let p = ModbusProfile.named(profileName) else { throw fail("\(at).profile '\(profileName)' unknown (sdm120, sdm630, custom)") }
                profile = p
            }
            kind = .modbus(slave: UInt8(a), profile: profile)
        case "dlt645":
            guard let s = m["address"] as? String, let a = DLT645Address(s) else { throw fail("\(at).address must be a 12-digit DL/T 645 address string") }
            kind = .dlt645(a)
        default:
            throw fail("\(at).protocol must be 'modbus' or 'dlt645'")
        }
        var spec = MeterSpec(id: id, participantID: participant, kind: kind, serial: "", rolloverWh: nil)
        let serial = m["serial"] as? String ?? spec.serialAddressKey
        guard MeterRecord.isValidID(serial) else { throw fail("\(at).serial must be an id") }
        spec.serial = serial
        if let r = m["rollover_kwh"] as? NSNumber { spec.rolloverWh = Int64((r.doubleValue * 1000).rounded()) }
        else if case .dlt645 = kind { spec.rolloverWh = 1_000_000_000 } // XXXXXX.XX kWh register
        return spec
    }

    static func parseCustom(_ c: [String: Any], at: String, _ fail: (String) -> LoadError) throws -> ModbusProfile {
        try checkKeys(c, ["function", "import_register", "export_register", "encoding", "word_order", "wh_per_unit"], at: at, fail)
        guard let fn = ModbusFunction(rawValue: UInt8(truncatingIfNeeded: c["function"] as? Int ?? 4)) else { throw fail("\(at).function must be 3 or 4") }
        guard let enc = RegisterEncoding(rawValue: c["encoding"] as? String ?? "float32") else { throw fail("\(at).encoding must be float32, uint32, int32 or uint16") }
        guard let wo = WordOrder(rawValue: c["word_order"] as? String ?? "big") else { throw fail("\(at).word_order must be big or little") }
        guard let whPer = (c["wh_per_unit"] as? NSNumber)?.doubleValue, whPer > 0 else { throw fail("\(at).wh_per_unit must be a positive number (1000 for kWh)") }
        guard let imp = c["import_register"] as? Int, (0...65534).contains(imp) else { throw fail("\(at).import_register must be 0…65534") }
        var exp: RegisterSpec? = nil
        if let e = c["export_register"] {
            guard let e = e as? Int, (0...65534).contains(e) else { throw fail("\(at).export_register must be 0…65534") }
            exp = RegisterSpec(register: UInt16(e), encoding: enc, wordOrder: wo, whPerUnit: whPer)
        }
        return ModbusProfile(name: "custom", function: fn,
                             importEnergy: RegisterSpec(register: UInt16(imp), encoding: enc, wordOrder: wo, whPerUnit: whPer),
                             exportEnergy: exp)
    }

    static func checkKeys(_ o: [String: Any], _ allowed: Set<String>, at: String, _ fail: (String) -> LoadError) throws {
        if let bad = o.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail("\(at): unknown key '\(bad)' (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }
}

extension MeterSpec {
    /// Protocol and address, e.g. `modbus-1`, `dlt645-000000000001`.
    public var serialAddressKey: String {
        switch kind {
        case let .modbus(s, _): return "modbus-\(s)"
        case let .dlt645(a): return "dlt645-\(a)"
        }
    }
}
