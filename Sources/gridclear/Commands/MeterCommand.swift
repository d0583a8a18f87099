import ArgumentParser
import GridClearCore
import MeterIngest

/// `gridclear meter` — read, poll and simulate serial meters; interval energy per cycle.
struct MeterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meter",
        abstract: "Read, poll and simulate serial meters (Modbus RTU, DL/T 645-2007); interval energy per cycle.",
        discussion: "The meter-data file written by 'meter poll' and read by 'meter intervals' and 'settle' is described in docs/meter.md (one checksummed line per reading, fsynced).",
        subcommands: [MeterReadCommand.self, MeterPollCommand.self, MeterIntervalsCommand.self, MeterSimulateCommand.self])
}

/// Parses `--parity`.
func parseParity(_ s: String) throws -> Parity {
    guard let p = Parity(rawValue: s.uppercased()) else { throw CLIFailure("--parity must be N, E or O (got '\(s)')") }
    return p
}

/// Builds a driver from `--protocol/--address/--profile`.
func makeDriver(protocolName: String, address: String, profile: String) throws -> MeterDriver {
    switch protocolName {
    case "modbus":
        guard let a = UInt8(address), (1...247).contains(a) else { throw CLIFailure("--address must be a Modbus slave address 1…247 (got '\(address)')") }
        guard let p = ModbusProfile.named(profile) else { throw CLIFailure("--profile must be sdm120 or sdm630 (custom registers: use a config file with 'meter poll')") }
        return ModbusMeter(slave: a, profile: p)
    case "dlt645":
        guard let a = DLT645Address(address) else { throw CLIFailure("--address must be a 12-digit DL/T 645 address (got '\(address)')") }
        return DLT645Meter(address: a)
    default:
        throw CLIFailure("--protocol must be modbus or dlt645 (got '\(protocolName)')")
    }
}

func countersJSON(_ c: MeterCounters) -> String {
    "{\"answers\":\(c.answers),\"crc_errors\":\(c.crcErrors),\"device_lost\":\(c.deviceLost),\"discarded_bytes\":\(c.discardedBytes),\"exceptions\":\(c.exceptions),\"failed_reads\":\(c.failedReads),\"implausible\":\(c.implausibleValues),\"noise_bytes\":\(c.noiseBytes),\"reconnects\":\(c.reconnects),\"requests\":\(c.requests),\"stale_answers\":\(c.staleAnswers),\"timeouts\":\(c.timeouts)}"
}

func countersLine(_ c: MeterCounters) -> String {
    "ok=\(c.answers) req=\(c.requests) timeout=\(c.timeouts) crc=\(c.crcErrors) exc=\(c.exceptions) stale=\(c.staleAnswers) noise=\(c.noiseBytes)B discarded=\(c.discardedBytes)B failed=\(c.failedReads) lost=\(c.deviceLost) reconnect=\(c.reconnects)"
}

struct MeterReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read a meter's cumulative import/export energy once.",
        discussion: """
        Examples:
          gridclear meter read --device /dev/ttyUSB0 --protocol modbus --address 1 --profile sdm630
          gridclear meter read --device /dev/ttyUSB1 --protocol dlt645 --address 000000000001 --baud 2400 --parity E --json
        """)

    @Option(help: "Serial device path.") var device: String
    @Option(name: .customLong("protocol"), help: "modbus or dlt645.") var protocolName: String
    @Option(help: "Modbus slave address (1–247) or 12-digit DL/T 645 address.") var address: String
    @Option(help: "Modbus register profile: sdm120 or sdm630.") var profile: String = "sdm630"
    @Option(help: "Baud rate.") var baud: Int = 9600
    @Option(help: "Parity: N, E or O.") var parity: String = "N"
    @Option(help: "Stop bits: 1 or 2.") var stopBits: Int = 1
    @Option(help: "Response timeout in milliseconds.") var timeoutMs: Int = 200
    @Option(help: "Attempts per request.") var attempts: Int = 3
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        try reportingErrors {
            guard SerialSettings.supportedBauds.contains(baud) else { throw CLIFailure("--baud \(baud) unsupported (use \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", ")))") }
            guard stopBits == 1 || stopBits == 2 else { throw CLIFailure("--stop-bits must be 1 or 2") }
            guard (10...5000).contains(timeoutMs), (1...10).contains(attempts) else { throw CLIFailure("--timeout-ms must be 10…5000 and --attempts 1…10") }
            let driver = try makeDriver(protocolName: protocolName, address: address, profile: profile)
            let clock = SystemMeterClock()
            let settings = SerialSettings(baud: baud, parity: try parseParity(parity), stopBits: stopBits)
            let bus = MeterBus(path: device, settings: settings, timing: BusTiming(responseTimeoutMillis: timeoutMs), clock: clock)
            defer { bus.close() }
            var c = MeterCounters()
            let e: EnergyRegisters
            do { e = try driver.read(on: bus, attempts: attempts, counters: &c) }
            catch { throw CLIFailure("\(device): \(error)") }
            let t = clock.utcMillis()
            if json {
                let exp = e.exportWh.map { ",\"export_kwh\":\(Units.kWhString($0)),\"export_wh\":\($0)" } ?? ""
                say("{\"address\":\"\(address)\",\"counters\":\(countersJSON(c)),\"device\":\(CanonicalText.jsonString(device)),\"energy_kwh\":\(Units.kWhString(e.importWh))\(exp),\"import_wh\":\(e.importWh),\"protocol\":\"\(protocolName)\",\"time\":\"\(UTCTime(millis: t).rfc3339)\"}")
            } else {
                say("\(driver.label) on \(device) at \(UTCTime(millis: t).rfc3339): import \(Units.kWhString(e.importWh)) kWh" + (e.exportWh.map { ", export \(Units.kWhString($0)) kWh" } ?? ""))
            }
        }
    }
}
