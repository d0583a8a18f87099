/// Direction of energy at a meter: `import` is consumption (buyers), `export` is generation fed
/// into the grid (sellers).
public enum EnergyChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case importEnergy = "import"
    case exportEnergy = "export"
}

/// Interval energy of one metering point and channel over a range of cycles.
public struct MeterSeriesIntervals: Sendable, Hashable {
    public var meterID: String
    public var participantID: String
    public var channel: EnergyChannel
    public var intervals: [IntervalEnergy]
}

/// Metered energy of one participant and channel in one cycle (all its meters summed).
public struct MeteredEnergy: Sendable, Hashable {
    public var participantID: String
    public var channel: EnergyChannel
    public var wh: Int64
    /// Worst quality among the participant's meters for this channel.
    public var quality: IntervalQuality
    public var isComplete: Bool { quality != .missing }
}

/// Turns meter-data records into interval energies per metering point and per participant.
public enum MeteredEnergyAggregator {
    /// Interval energies of every (meter, channel) for cycles in [fromCycle, toCycle).
    public static func intervals(_ records: [MeterRecord], fromCycle: Int64, toCycle: Int64,
                                 apportioner: IntervalApportioner = IntervalApportioner()) -> [MeterSeriesIntervals] {
        var groups: [String: [MeterRecord]] = [:]
        var order: [String] = []
        for r in records {
            let key = r.meterID + "\u{0}" + r.participantID
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(r)
        }
        var out: [MeterSeriesIntervals] = []
        for key in order.sorted() {
            let rs = groups[key]!
            let imp = rs.map { CounterReading(utcMillis: $0.utcMillis, wh: $0.importWh, serial: $0.serial) }
            out.append(MeterSeriesIntervals(meterID: rs[0].meterID, participantID: rs[0].participantID, channel: .importEnergy,
                                            intervals: apportioner.apportion(imp, fromCycle: fromCycle, toCycle: toCycle)))
            let expRecords = rs.filter { $0.exportWh != nil }
            if !expRecords.isEmpty {
                let exp = expRecords.map { CounterReading(utcMillis: $0.utcMillis, wh: $0.exportWh!, serial: $0.serial) }
                out.append(MeterSeriesIntervals(meterID: rs[0].meterID, participantID: rs[0].participantID, channel: .exportEnergy,
                                                intervals: apportioner.apportion(exp, fromCycle: fromCycle, toCycle: toCycle)))
            }
        }
        return out
    }

    /// Energy per (participant, channel) in the cycle starting at `cycleStart`.
    public static func perParticipant(_ records: [MeterRecord], cycleStart: Int64,
                                      apportioner: IntervalApportioner = IntervalApportioner()) -> [MeteredEnergy] {
        var acc: [String: MeteredEnergy] = [:]
        for s in intervals(records, fromCycle: cycleStart, toCycle: cycleStart + apportioner.cycleMillis, apportioner: apportioner) {
            guard let iv = s.intervals.first else { continue }
            let key = s.participantID + "\u{0}" + s.channel.rawValue
            if var e = acc[key] {
                e.wh += iv.wh; e.quality = max(e.quality, iv.quality); acc[key] = e
            } else {
                acc[key] = MeteredEnergy(participantID: s.participantID, channel: s.channel, wh: iv.wh, quality: iv.quality)
            }
        }
        return acc.keys.sorted().map { acc[$0]! }
    }
}
