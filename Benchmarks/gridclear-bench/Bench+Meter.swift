import ArgumentParser
import Foundation
import MeterIngest

/// `gridclear-bench meter` — polls/s and bus utilisation against the line-rate limit, with the
/// wire timing (character time at the given baud, 8N1) emulated by the simulated meter on a pty.
struct BenchMeterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meter",
        abstract: "Benchmark: meter polls/s and bus utilisation vs the line-rate limit (emulated wire).",
        discussion: """
        Examples:
          gridclear-bench meter --seconds 1
          gridclear-bench meter --baud 19200 --seconds 1 --protocol dlt645
        """)

    @Option(help: "Emulated line rate (8N1).") var baud: Int = 9600
    @Option(help: "Seconds to poll.") var seconds: Double = 3
    @Option(name: .customLong("protocol"), help: "modbus (SDM630, one 4-register read) or dlt645 (two energy reads).") var protocolName: String = "modbus"

    func run() throws {
        try reportingErrors {
            guard SerialSettings.supportedBauds.contains(baud) else { throw CLIFailure("--baud \(baud) unsupported") }
            guard seconds > 0, seconds <= 600 else { throw CLIFailure("--seconds must be in (0, 600]") }
            let settings = SerialSettings(baud: baud)
            let clock = SystemMeterClock()
            let link = NSTemporaryDirectory() + "gridclear-bench-\(getpid())"
            let sim: MeterSimulator
            do { sim = try MeterSimulator(linkPath: link, wire: settings) } catch { throw CLIFailure("cannot create pty: \(error)") }
            sim.setModbusMeter(slave: 1, .init(importWh: 1_000_000, exportWh: 5_000))
            sim.setDLT645Meter(address: DLT645Address("000000000001")!, .init(importWh: 1_000_000, exportWh: 5_000))
            sim.start()
            defer { sim.stop() }
            let bus = MeterBus(path: link, settings: settings, timing: BusTiming(responseTimeoutMillis: 200), clock: clock)
            defer { bus.close() }
            let driver: MeterDriver = protocolName == "dlt645" ? DLT645Meter(address: DLT645Address("000000000001")!) : ModbusMeter(slave: 1, profile: .sdm630)
            guard protocolName == "modbus" || protocolName == "dlt645" else { throw CLIFailure("--protocol must be modbus or dlt645") }
            // Bytes on the wire per poll (requests + answers, with DL/T 645's 4-byte preamble).
            let perPollBytes = protocolName == "dlt645" ? 2 * (20 + 24) : 8 + 13
            let exchanges = protocolName == "dlt645" ? 2 : 1
            var c = MeterCounters()
            _ = try? driver.read(on: bus, attempts: 3, counters: &c) // open + warm up
            c = MeterCounters()
            let start = clock.monotonicNanos()
            let end = start + UInt64(seconds * 1e9)
            var polls = 0, failures = 0
            while clock.monotonicNanos() < end {
                do { _ = try driver.read(on: bus, attempts: 1, counters: &c); polls += 1 } catch { failures += 1 }
            }
            let elapsed = Double(clock.monotonicNanos() - start) / 1e9
            let rate = Double(polls) / elapsed
            let wireSecondsPerPoll = Double(settings.wireNanos(bytes: perPollBytes)) / 1e9
            let limitWithGaps = 1 / (wireSecondsPerPoll + Double(exchanges) * 2 * Double(settings.silenceNanos) / 1e9)
            let limitRaw = 1 / wireSecondsPerPoll
            print("bench meter: \(protocolName) at \(settings) (wire emulated by the simulated meter), \(String(format: "%.2f", elapsed)) s")
            print("  polls/s measured            \(String(format: "%8.2f", rate))   (\(polls) polls, \(failures) failed)")
            print("  line-rate limit (bytes only) \(String(format: "%8.2f", limitRaw)) polls/s   ratio \(String(format: "%.3f", rate / limitRaw))")
            print("  limit incl. t3.5 silences    \(String(format: "%8.2f", limitWithGaps)) polls/s   ratio \(String(format: "%.3f", rate / limitWithGaps))")
            print("  bus utilisation (bytes on wire / time) \(String(format: "%.1f", 100 * rate * wireSecondsPerPoll)) %")
            print("  counters: ok=\(c.answers) req=\(c.requests) timeout=\(c.timeouts) crc=\(c.crcErrors) stale=\(c.staleAnswers) failed=\(c.failedReads)")
        }
    }
}
