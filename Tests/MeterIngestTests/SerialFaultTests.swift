import Testing
import Foundation
import GridClearTestSupport
@testable import MeterIngest

/// A fake meter bus on a real pseudo-terminal, with injected faults.
final class SimHarness {
    let folder: TemporaryFolder  // holds the link; removed after the bus and simulator close
    let dir: String
    let sim: MeterSimulator
    let bus: MeterBus
    let clock = SystemMeterClock()

    init(timeoutMillis: Int = 50, quietMillis: Int? = nil) throws {
        folder = try TemporaryFolder("SerialFaultTests")
        dir = folder.path
        sim = try MeterSimulator(linkPath: dir + "/ttyMETER")
        sim.setModbusMeter(slave: 1, .init(importWh: 1_234_500, exportWh: 10_250))
        sim.setDLT645Meter(address: DLT645Address("000000000001")!, .init(importWh: 123_456_780, exportWh: 20))
        sim.start()
        bus = MeterBus(path: dir + "/ttyMETER", settings: SerialSettings(baud: 9600, parity: .even),
                       timing: BusTiming(responseTimeoutMillis: timeoutMillis, quietMillis: quietMillis ?? timeoutMillis,
                                         backoffInitialMillis: 10, backoffMaxMillis: 40),
                       clock: clock)
    }
    deinit { bus.close(); sim.stop(); folder.remove() }
}

@Suite(.serialized) struct SerialFaultTests {
    let modbus = ModbusMeter(slave: 1, profile: .sdm630)
    let dlt = DLT645Meter(address: DLT645Address("000000000001")!)

    @Test func settingsReadBackFromPty() throws {
        let h = try SimHarness()
        let p = try h.bus.ensureOpen()
        // Linux ptys force no parity; baud and stop bits are held and read back.
        #expect(p.isPseudoTerminal)
        #expect(try p.readBack() == SerialSettings(baud: 9600, parity: .none))
        p.close()
        let two = try SerialPort(path: h.dir + "/ttyMETER", settings: SerialSettings(baud: 19200, parity: .none, stopBits: 2))
        #expect(try two.readBack() == SerialSettings(baud: 19200, parity: .none, stopBits: 2))
    }

    @Test func cleanReadsBothProtocols() throws {
        let h = try SimHarness()
        var c = MeterCounters()
        #expect(try modbus.read(on: h.bus, attempts: 3, counters: &c) == EnergyRegisters(importWh: 1_234_500, exportWh: 10_250))
        #expect(try dlt.read(on: h.bus, attempts: 3, counters: &c) == EnergyRegisters(importWh: 123_456_780, exportWh: 20))
        #expect(c.requests == 3 && c.answers == 3 && c.failedReads == 0)
    }

    @Test func eachModbusFaultIsCountedAndNeverYieldsAWrongValue() throws {
        // A late answer must land after the answer window (response timeout + the answer's wire
        // time, ~15 ms here) and inside the quiet-line wait that follows it, whatever the
        // scheduler does to either thread: it is sent half a quiet period after the timeout,
        // ~135 ms clear of both edges (75 ms after a 50 ms timeout left ~10 ms, and under load
        // the answer landed inside the window and was taken as the answer).
        let (timeout, quiet) = (100, 300)
        let h = try SimHarness(timeoutMillis: timeout, quietMillis: quiet)
        let want = EnergyRegisters(importWh: 1_234_500, exportWh: 10_250)
        var c = MeterCounters()
        h.sim.enqueue([.noiseBefore(5)])
        #expect(try modbus.read(on: h.bus, attempts: 3, counters: &c) == want)
        #expect(c.noiseBytes == 5)
        h.sim.enqueue([.badChecksum])
        #expect(try modbus.read(on: h.bus, attempts: 3, counters: &c) == want)
        #expect(c.crcErrors == 1)
        h.sim.enqueue([.silent])
        #expect(try modbus.read(on: h.bus, attempts: 3, counters: &c) == want)
        #expect(c.timeouts == 1)
        h.sim.enqueue([.staleAnswer])
        #expect(try modbus.read(on: h.bus, attempts: 3, counters: &c) == want)
        #expect(c.staleAnswers == 1)
        // A late answer (after the timeout) is drained by the quiet-line wait, not taken as the next answer.
        h.sim.setModbusMeter(slave: 1, .init(importWh: 1_234_000, exportWh: 10_250))
        h.sim.enqueue([.late(millis: timeout + quiet / 2)])
        let r = try modbus.read(on: h.bus, attempts: 3, counters: &c)
        #expect(r.importWh == 1_234_000)
        #expect(c.timeouts == 2)
        #expect(c.discardedBytes + h.bus.counters.discardedBytes > 0)
        h.sim.enqueue([.exception(2)])
        #expect(throws: MeterReadError.self) { try modbus.read(on: h.bus, attempts: 3, counters: &c) }
        #expect(c.exceptions == 1)
        h.sim.enqueue([.silent, .silent, .silent])
        #expect(throws: MeterReadError.self) { try modbus.read(on: h.bus, attempts: 3, counters: &c) }
        #expect(c.failedReads == 2)
    }

    @Test func dlt645FaultsAreCounted() throws {
        let h = try SimHarness()
        var c = MeterCounters()
        h.sim.enqueue([.noiseBefore(7), .badChecksum, .staleAnswer, .silent])
        #expect(try dlt.readEnergy(DLT645DataID.forwardActiveTotal, on: h.bus, attempts: 3, counters: &c) == 123_456_780)
        #expect(c.noiseBytes == 7)
        #expect(try dlt.readEnergy(DLT645DataID.forwardActiveTotal, on: h.bus, attempts: 4, counters: &c) == 123_456_780)
        #expect(c.crcErrors == 1 && c.staleAnswers == 1 && c.timeouts == 1)
        h.sim.enqueue([.exception(2)])
        #expect(throws: MeterReadError.self) { try dlt.readEnergy(DLT645DataID.forwardActiveTotal, on: h.bus, attempts: 3, counters: &c) }
    }

    @Test func unplugAndReplugReconnectsWithBackoff() throws {
        let h = try SimHarness()
        var c = MeterCounters()
        _ = try modbus.read(on: h.bus, attempts: 2, counters: &c)
        h.sim.enqueue([.unplug(replugAfterMillis: 30)])
        var vanished = 0, unavailable = 0
        var result: EnergyRegisters? = nil
        for _ in 0..<100 where result == nil {
            do { result = try modbus.read(on: h.bus, attempts: 2, counters: &c) }
            catch let e as SerialError { if case .vanished = e { vanished += 1 } else { unavailable += 1 }; usleep(5000) }
            catch is MeterBusError { unavailable += 1; usleep(5000) }
            catch is MeterReadError { usleep(5000) }
        }
        #expect(result == EnergyRegisters(importWh: 1_234_500, exportWh: 10_250))
        #expect(vanished == 1)
        #expect(h.bus.counters.deviceLost == 1)
        #expect(h.bus.counters.reconnects == 1)
    }
}
