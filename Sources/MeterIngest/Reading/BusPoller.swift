/// Result of polling one meter once.
public enum PollOutcome: Sendable {
    case reading(MeterRecord)
    case failed(meterID: String, error: String)
}

/// Polls the meters of one bus in configured order. Each reading is stamped with the UTC time
/// at which its answer arrived (from the injected clock). Keeps per-meter counters.
public final class BusPoller {
    public let spec: BusSpec
    public let bus: MeterBus
    private let clock: MeterClock
    public private(set) var counters: [String: MeterCounters] = [:]

    public init(spec: BusSpec, clock: MeterClock) {
        self.spec = spec
        self.clock = clock
        var timing = spec.timing
        timing.backoffMaxNanos = min(timing.backoffMaxNanos, UInt64(spec.pollIntervalMillis) * 1_000_000)
        bus = MeterBus(path: spec.device, settings: spec.settings, timing: timing, clock: clock)
        for m in spec.meters { counters[m.id] = MeterCounters() }
    }

    /// One round over every meter; never throws (faults become `.failed` and counters).
    public func pollRound() -> [PollOutcome] {
        var out: [PollOutcome] = []
        for m in spec.meters {
            var c = counters[m.id]!
            do {
                let e = try m.driver.read(on: bus, attempts: spec.attempts, counters: &c)
                let t = clock.utcMillis()
                out.append(.reading(MeterRecord(utcMillis: t, meterID: m.id, participantID: m.participantID,
                                                serial: m.serial, importWh: e.importWh, exportWh: e.exportWh)))
            } catch {
                out.append(.failed(meterID: m.id, error: "\(error)"))
            }
            counters[m.id] = c
        }
        return out
    }
}
