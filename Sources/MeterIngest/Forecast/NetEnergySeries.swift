import GridClearCore

/// One participant's metered net energy per 15-minute cycle: export − import in Wh (positive:
/// surplus, negative: deficit), nil where any of its meters' intervals is `missing`.
public struct NetEnergySeries: Sendable, Hashable {
    /// Start of the first cycle, UTC milliseconds (a cycle boundary).
    public var firstCycleMillis: Int64
    public var values: [Int64?]

    public init(firstCycleMillis: Int64, values: [Int64?]) { self.firstCycleMillis = firstCycleMillis; self.values = values }

    /// Start of cycle `i`.
    public func cycleMillis(_ i: Int) -> Int64 { firstCycleMillis + Int64(i) * CycleID.lengthMillis }

    /// The series of `participant` from the first cycle its readings fully cover to the last,
    /// or up to (not including) `until` when given. Nil when it has fewer than two readings.
    public static func from(_ records: [MeterRecord], participant: String, until: Int64? = nil) -> NetEnergySeries? {
        let own = records.filter { $0.participantID == participant }
        guard let lo = own.map(\.utcMillis).min(), let hi = own.map(\.utcMillis).max(), hi > lo else { return nil }
        let len = CycleID.lengthMillis
        let first = CivilCalendar.floorDiv(lo + len - 1, len) * len          // first boundary at or after the first reading
        var end = CivilCalendar.floorDiv(hi, len) * len                      // last boundary at or before the last reading
        if let until { end = min(end, CivilCalendar.floorDiv(until, len) * len) }
        guard end > first else { return nil }
        let series = MeteredEnergyAggregator.intervals(own, fromCycle: first, toCycle: end)
        let n = Int((end - first) / len)
        var values = [Int64?](repeating: 0, count: n)
        for s in series {
            for (i, iv) in s.intervals.enumerated() where i < n {
                guard let v = values[i] else { continue }
                values[i] = iv.quality == .missing ? nil : (s.channel == .exportEnergy ? v + iv.wh : v - iv.wh)
            }
        }
        return NetEnergySeries(firstCycleMillis: first, values: values)
    }
}
