import GridClearCore
import Testing
@testable import MeterIngest

@Suite struct IntervalTests {
    let t0 = CycleID("20261120T1000Z")!.startMillis
    let q = CycleID.lengthMillis

    @Test func cycleIDsRoundTrip() {
        #expect(t0 == 1_795_168_800_000)
        #expect(CycleID(containing: UTCTime(millis: t0)).description == "20261120T1000Z")
        #expect(CycleID(containing: UTCTime(millis: t0 + q - 1)).description == "20261120T1000Z")
        #expect(CycleID("20240229T2345Z")?.description == "20240229T2345Z")
        #expect(CycleID("20230229T0000Z") == nil)
        #expect(CycleID("20261120T1010Z") == nil)
        #expect(UTCTime(millis: t0 + 1234).rfc3339 == "2026-11-20T10:00:01.234Z")
    }

    @Test func readingsAtBoundariesAreMeasured() {
        let r = [CounterReading(utcMillis: t0, wh: 1000), CounterReading(utcMillis: t0 + q, wh: 1500), CounterReading(utcMillis: t0 + 2 * q + 5000, wh: 2500)]
        let iv = IntervalApportioner().apportion(r, fromCycle: t0, toCycle: t0 + 3 * q)
        // 1000 Wh over 905 s: 900/905 in cycle 1 (994.47 → 994), 5/905 in cycle 2 (5.52 → 6) —
        // but cycle 2 is covered for 5 s of its 15 minutes: missing, so it carries no value
        // (issue 16: flag and value agree).
        #expect(iv.map(\.wh) == [500, 994, 0])
        #expect(iv.map(\.quality) == [.measured, .measured, .missing])
        #expect(IntervalApportioner().apportionWithUnknown(r, fromCycle: t0, toCycle: t0 + 3 * q).map(\.wh) == [500, 994, 6])
    }

    @Test func splitByTimeIsInterpolatedAndExact() {
        // 300 Wh over [10:10, 10:25]: 5 minutes in the first cycle, 10 in the second → 100 / 200.
        let r = [CounterReading(utcMillis: t0 - q, wh: 0), CounterReading(utcMillis: t0 + 600_000, wh: 0),
                 CounterReading(utcMillis: t0 + 1_500_000, wh: 300), CounterReading(utcMillis: t0 + 3 * q, wh: 300)]
        let iv = IntervalApportioner().apportion(r, fromCycle: t0, toCycle: t0 + 2 * q)
        #expect(iv.map(\.wh) == [100, 200])
        #expect(iv.map(\.quality) == [.interpolated, .interpolated])
    }

    @Test func rolloverAndResetAndReplacement() {
        let a = IntervalApportioner()
        #expect(a.delta(CounterReading(utcMillis: 0, wh: 999_999_900), CounterReading(utcMillis: 1, wh: 100)) == (200, false))
        #expect(a.delta(CounterReading(utcMillis: 0, wh: 5_000), CounterReading(utcMillis: 1, wh: 100)) == (100, true))
        #expect(a.delta(CounterReading(utcMillis: 0, wh: 5_000, serial: "A"), CounterReading(utcMillis: 1, wh: 7_000, serial: "B")) == (7_000, true))
        let explicit = IntervalApportioner(rolloverWh: 65_536)
        #expect(explicit.delta(CounterReading(utcMillis: 0, wh: 65_000), CounterReading(utcMillis: 1, wh: 36)) == (572, false))
        let r = [CounterReading(utcMillis: t0, wh: 5_000), CounterReading(utcMillis: t0 + q / 2, wh: 100), CounterReading(utcMillis: t0 + q, wh: 400)]
        let iv = a.apportion(r, fromCycle: t0, toCycle: t0 + q)
        #expect(iv == [IntervalEnergy(cycleStart: t0, wh: 400, quality: .reset)])
    }

    @Test func longGapIsMissingWithNoValue() {
        let r = [CounterReading(utcMillis: t0, wh: 0), CounterReading(utcMillis: t0 + 8 * q, wh: 8_000)]
        let iv = IntervalApportioner().apportion(r, fromCycle: t0, toCycle: t0 + 8 * q)
        #expect(iv.allSatisfy { $0.quality == .missing && $0.wh == 0 })
    }

    /// Issue 16: an interval covered for part of its 15 minutes used to say `missing` and
    /// carry 3.002 kWh. Readings at 10:05, 10:15 and 10:30: the 10:00 interval is covered for
    /// 10 of its 15 minutes, so it is missing with 0 Wh; 10:15 is measured (3.002 kWh).
    @Test func partlyCoveredIntervalIsMissingWithNoValue() {
        let r = [CounterReading(utcMillis: t0 + 300_000, wh: 0), CounterReading(utcMillis: t0 + q, wh: 2_002),
                 CounterReading(utcMillis: t0 + 2 * q, wh: 5_004)]
        let iv = IntervalApportioner().apportion(r, fromCycle: t0, toCycle: t0 + 2 * q)
        #expect(iv == [IntervalEnergy(cycleStart: t0, wh: 0, quality: .missing),
                       IntervalEnergy(cycleStart: t0 + q, wh: 3_002, quality: .measured)])
        // Property over random series: missing ⇔ no value claimed.
        var rng = SplitMix64(seed: 16)
        for _ in 0..<200 {
            var t = t0 + Int64.random(in: 0..<q, using: &rng), wh: Int64 = 0
            var rs: [CounterReading] = []
            for _ in 0..<Int.random(in: 2..<12, using: &rng) {
                rs.append(CounterReading(utcMillis: t, wh: wh))
                t += Int64.random(in: 1..<(6 * q), using: &rng); wh += Int64.random(in: 1..<5_000, using: &rng)
            }
            for e in IntervalApportioner().apportion(rs, fromCycle: t0, toCycle: t0 + 40 * q) where e.quality == .missing {
                #expect(e.wh == 0)
            }
        }
    }

    /// Property: over many random reading series, the interval energies sum exactly to the
    /// counter increments (with resets counted from 0), and each interval lies between the
    /// floor and ceiling of its proportional share bound by the overlapping deltas.
    @Test func sumOfIntervalsEqualsCounterDelta() {
        var rng = SplitMix64(seed: 42)
        let a = IntervalApportioner()
        for _ in 0..<300 {
            var t = t0 + Int64.random(in: 0..<q, using: &rng)
            var wh = Int64.random(in: 0..<500_000, using: &rng)
            var readings: [CounterReading] = []
            var expected: Int64 = 0
            for k in 0..<Int.random(in: 2..<30, using: &rng) {
                if k > 0 {
                    t += Int64.random(in: 1..<(2 * q), using: &rng)
                    if wh >= 100 && Int.random(in: 0..<20, using: &rng) == 0 { wh = Int64.random(in: 0..<50, using: &rng); expected += wh }
                    else { let d = Int64.random(in: 0..<5_000, using: &rng); wh += d; expected += d }
                }
                readings.append(CounterReading(utcMillis: t, wh: wh))
            }
            let from = CycleID(containing: UTCTime(millis: readings.first!.utcMillis)).startMillis
            let to = CycleID(containing: UTCTime(millis: readings.last!.utcMillis)).startMillis + q
            let iv = a.apportionWithUnknown(readings.shuffled(using: &rng), fromCycle: from, toCycle: to)
            #expect(iv.reduce(0) { $0 + $1.wh } == expected)
            #expect(iv.allSatisfy { $0.wh >= 0 })
        }
    }

    @Test func aggregatesPerParticipantAcrossMeters() {
        let recs = [
            MeterRecord(utcMillis: t0, meterID: "m1", participantID: "S1", serial: "x", importWh: 0, exportWh: 10_000),
            MeterRecord(utcMillis: t0 + q, meterID: "m1", participantID: "S1", serial: "x", importWh: 5, exportWh: 14_000),
            MeterRecord(utcMillis: t0 + 10_000, meterID: "m2", participantID: "S1", serial: "y", importWh: 0, exportWh: 0),
            MeterRecord(utcMillis: t0 + q - 10_000, meterID: "m2", participantID: "S1", serial: "y", importWh: 0, exportWh: 1_000),
        ]
        let e = MeteredEnergyAggregator.perParticipant(recs, cycleStart: t0)
        #expect(e == [MeteredEnergy(participantID: "S1", channel: .exportEnergy, wh: 5_000, quality: .interpolated),
                      MeteredEnergy(participantID: "S1", channel: .importEnergy, wh: 5, quality: .interpolated)])
    }
}
