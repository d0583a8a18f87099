import Testing
import Foundation
import GridClearTestSupport
@testable import MeterIngest
import GridClearCore
#if canImport(Glibc)
import Glibc
#endif

/// Hostile meters and meter data (issue 13 item 8): a late answer is never taken as the
/// answer to a later request, and no value or time in a meter-data file can trap or make
/// interval apportioning allocate without bound.
@Suite(.serialized) struct HostileMeterTests {
    /// The late-answer scenario on a pty peer: the meter answers the first request after the
    /// timeout *and* after the quiet-line wait, i.e. while the retry is waiting, and its register
    /// changed in between (111 kWh then 224 kWh). The stale 111 must never be returned.
    @Test func lateAnswerIsNeverTakenForTheRetry() throws {
        let modbus = ModbusMeter(slave: 1, profile: .sdm630)
        for _ in 0..<3 {
            let h = try SimHarness(timeoutMillis: 50)
            h.sim.setModbusMeter(slave: 1, .init(importWh: 111_000, exportWh: 0))
            h.sim.enqueue([.lateThenChange(millis: 150, importWh: 224_000)])
            var c = MeterCounters()
            let r = try modbus.read(on: h.bus, attempts: 5, counters: &c)
            #expect(r.importWh == 224_000, "a late answer was taken: \(r.importWh) Wh, counters \(c)")
            #expect(c.timeouts >= 1)
            #expect(c.staleAnswers + c.discardedBytes + h.bus.counters.discardedBytes > 0)
        }
    }

    @Test func meterDataValuesAndTimesAreBounded() {
        func line(_ t: String, _ imp: String, _ exp: String = "-") -> Substring {
            let body = "R \(t) m1 S1 SN1 \(imp) \(exp)"
            let c = String(CRC32.checksum(Array(body.utf8)), radix: 16)
            return Substring(body + " " + String(repeating: "0", count: 8 - c.count) + c)
        }
        #expect((try? MeterRecord.parse(line("1700000000000", "1000")).get()) != nil)
        for bad in [line("1700000000000", String(Int64.max)), line("1700000000000", "100000000001"),
                    line("1700000000000", "5", String(Int64.max)), line(String(Int64.max), "5"),
                    line(String(Int64.min), "5"), line("-1", "5"), line("253402300800000", "5")] {
            guard case .failure(.malformed) = MeterRecord.parse(bad) else { Issue.record("accepted: \(bad)"); continue }
        }
    }

    /// Extreme readings given straight to the apportioner: no trap, bounded output.
    @Test func apportionerIsBoundedForExtremeReadings() {
        let ap = IntervalApportioner()
        let start: Int64 = 1_795_168_800_000 // 2026-11-20T10:00Z
        let cycle: Int64 = 900_000
        let readings = [CounterReading(utcMillis: Int64.min, wh: 0), CounterReading(utcMillis: start, wh: 1_000),
                        CounterReading(utcMillis: start + cycle, wh: 2_000),
                        CounterReading(utcMillis: MeterRecord.validUTCMillis.upperBound, wh: 100_000_000_000),
                        CounterReading(utcMillis: Int64.max, wh: Int64.max)]
        let iv = ap.apportion(readings, fromCycle: start, toCycle: start + 4 * cycle)
        #expect(iv.count == 4)
        #expect(iv[0].wh == 1_000)
        #expect(ap.apportion(readings, fromCycle: start, toCycle: Int64.max).count == IntervalApportioner.maxCycles)
        #expect(ap.apportion(readings, fromCycle: Int64.min, toCycle: Int64.max).isEmpty)
    }

    @Test func meterDataFIFOIsRefused() throws {
        let tmp = try TemporaryFolder("HostileMeterTests"), path = tmp.path("fifo")
        #expect(mkfifo(path, 0o600) == 0)
        #expect(throws: MeterDataError.self) { try MeterDataFile.load(path) }
    }
}
