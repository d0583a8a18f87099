import GridClearCore
import ArgumentParser
import Foundation
import GridClearSystem
import MeterIngest

/// State the bus threads share: the data file, the first failure, how many threads ended.
private struct PollShared {
    let file: MeterDataFile
    var failure: String?
    var done = 0
}

struct MeterPollCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poll",
        abstract: "Poll every configured meter until stopped, appending readings to a meter-data file.",
        discussion: """
        One thread per bus polls its meters every poll_interval_s; each reading is stamped with the UTC time its answer arrived and appended (fsynced) to DATA. Progress and per-meter fault counters go to stderr after every round. Stop with Ctrl-C / SIGTERM (or --rounds).

        Examples:
          gridclear meter poll --config Inputs/meters.json --out meter-data.log
          gridclear meter poll --config Inputs/meters.json --out meter-data.log --rounds 1
        """)

    @Option(help: "Meter configuration (JSON; see docs/meter.md and Inputs/meters.json).") var config: String
    @Option(help: "Meter-data file to append to (created with its header if absent).") var out: String
    @Option(help: "Stop after this many rounds per bus (default: run until stopped).") var rounds: Int?

    func run() throws {
        try reportingErrors {
            let cfg: MeterConfig
            do { cfg = try MeterConfig.load(path: config) } catch { throw CLIFailure("\(error)") }
            let file: MeterDataFile
            do { file = try MeterDataFile(appendingTo: out) } catch { throw CLIFailure("\(out): \(error)") }
            StopSignals.install()
            let clock = SystemMeterClock()
            let shared = Locked(PollShared(file: file))
            let (rounds, out, buses) = (self.rounds, self.out, cfg.buses)
            for spec in buses {
                let t = Thread {
                    let poller = BusPoller(spec: spec, clock: clock)
                    var round = 0
                    var next = clock.monotonicNanos()
                    while !StopSignals.requested && (rounds == nil || round < rounds!) {
                        round += 1
                        let outcomes = poller.pollRound()
                        let recs = outcomes.compactMap { if case let .reading(r) = $0 { return r } else { return nil } }
                        var lines = ["bus \(spec.id) round \(round): \(recs.count)/\(spec.meters.count) meters read"]
                        for o in outcomes { if case let .failed(id, e) = o { lines.append("  \(id): \(e)") } }
                        for m in spec.meters { lines.append("  \(m.id): \(countersLine(poller.counters[m.id]!))") }
                        shared.withValue { s in
                            do { try s.file.append(recs) } catch {
                                s.failure = "\(out): cannot append readings: \(error)"; StopSignals.request()
                            }
                            printError(lines.joined(separator: "\n"))
                        }
                        next += UInt64(spec.pollIntervalMillis) * 1_000_000
                        if rounds != nil && round >= rounds! { break }
                        while !StopSignals.requested && clock.monotonicNanos() < next { clock.sleep(nanos: min(50_000_000, next - clock.monotonicNanos())) }
                    }
                    poller.bus.close()
                    shared.withValue { $0.done += 1 }
                }
                t.start()
            }
            while shared.withValue({ $0.done }) < buses.count { SystemClock().sleep(nanos: 20_000_000) }
            if let failure = shared.withValue({ $0.failure }) { throw CLIFailure(failure) }
            say("stopped; readings in \(out)")
        }
    }
}

struct MeterIntervalsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intervals",
        abstract: "Interval energy per 15-minute cycle from a meter-data file.",
        discussion: """
        Prints CSV: meter_id,participant_id,channel,cycle,energy_kwh,quality (quality: measured, interpolated, reset, missing). Readings are apportioned by time in integer Wh.

        Examples:
          gridclear meter intervals scripts/meter_example/meter-data.log --cycle 20261120T1000Z
          gridclear meter intervals scripts/meter_example/meter-data.log --cycle 20261120T1000Z --count 2
        """)

    @Argument(help: "Meter-data file (written by 'meter poll').") var data: String
    @Option(help: "First cycle, e.g. 20261120T1000Z.") var cycle: String
    @Option(help: "Number of cycles.") var count: Int = 1

    func run() throws {
        try reportingErrors {
            let start = try commandCycle(cycle, option: "--cycle").startMillis
            guard (1...10_000).contains(count) else { throw CLIFailure("--count must be 1…10000") }
            let contents: MeterDataFile.Contents
            do { contents = try MeterDataFile.load(data) } catch { throw CLIFailure("\(error)") }
            var out = "meter_id,participant_id,channel,cycle,energy_kwh,quality\n"
            for s in MeteredEnergyAggregator.intervals(contents.records, fromCycle: start, toCycle: start + Int64(count) * CycleID.lengthMillis) {
                for iv in s.intervals {
                    out += "\(s.meterID),\(s.participantID),\(s.channel.rawValue),\(CycleID(containing: UTCTime(millis: iv.cycleStart))),\(Units.kWhString(iv.wh)),\(iv.quality.rawValue)\n"
                }
            }
            StandardStreams.writeOutput(out)
            if contents.tornTailBytes > 0 { printError("warning: \(data): ignored a torn last line (\(contents.tornTailBytes) bytes)") }
        }
    }
}

struct MeterSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Serve simulated meters on a pseudo-terminal (for tests, demos and benchmarks).",
        discussion: """
        Creates a pty, points LINK at its slave end and answers Modbus RTU (SDM-style float32 kWh at input registers 0x48/0x4A) and DL/T 645-2007 energy reads until stopped.

        Examples:
          gridclear meter simulate --link /tmp/ttyGRIDCLEAR --modbus 1=1234.5:10.25 --seconds 1
          gridclear meter simulate --link /tmp/ttyGRIDCLEAR --dlt645 000000000001=5000.25 --seconds 1
        """)

    @Option(help: "Symlink to create for the pty slave.") var link: String
    @Option(help: "Modbus meter SLAVE=IMPORT_KWH[:EXPORT_KWH] (repeatable).") var modbus: [String] = []
    @Option(help: "DL/T 645 meter ADDRESS=IMPORT_KWH[:EXPORT_KWH] (repeatable).") var dlt645: [String] = []
    @Option(help: "Emulate wire timing at this baud (8N1).") var wireBaud: Int?
    @Option(help: "Stop after this many seconds (default: until SIGTERM/SIGINT).") var seconds: Double?

    func run() throws {
        try reportingErrors {
            func parse(_ s: String) throws -> (String, MeterSimulator.Meter) {
                let kv = s.split(separator: "=", maxSplits: 1).map(String.init)
                guard kv.count == 2 else { throw CLIFailure("meter '\(s)' must be ADDRESS=IMPORT_KWH[:EXPORT_KWH]") }
                let vals = kv[1].split(separator: ":").map { Double($0) }
                guard (1...2).contains(vals.count), vals.allSatisfy({ $0 != nil && $0! >= 0 }) else { throw CLIFailure("meter '\(s)': energies must be non-negative kWh") }
                return (kv[0], .init(importWh: Int64((vals[0]! * 1000).rounded()), exportWh: Int64(((vals.count > 1 ? vals[1]! : 0) * 1000).rounded())))
            }
            if let b = wireBaud, !SerialSettings.supportedBauds.contains(b) { throw CLIFailure("--wire-baud \(b) unsupported") }
            let sim: MeterSimulator
            do { sim = try MeterSimulator(linkPath: link, wire: wireBaud.map { SerialSettings(baud: $0) }) } catch { throw CLIFailure("cannot create pty at \(link): \(error)") }
            for m in modbus {
                let (a, v) = try parse(m)
                guard let s = UInt8(a), (1...247).contains(s) else { throw CLIFailure("--modbus '\(m)': slave must be 1…247") }
                sim.setModbusMeter(slave: s, v)
            }
            for m in dlt645 {
                let (a, v) = try parse(m)
                guard let addr = DLT645Address(a) else { throw CLIFailure("--dlt645 '\(m)': address must be 12 digits") }
                sim.setDLT645Meter(address: addr, v)
            }
            StopSignals.install()
            sim.start()
            say("simulating meters on \(link)")
            let clock = SystemMeterClock()
            let end = seconds.map { clock.monotonicNanos() + UInt64($0 * 1e9) }
            while !StopSignals.requested && (end == nil || clock.monotonicNanos() < end!) { SystemClock().sleep(nanos: 20_000_000) }
            sim.stop()
        }
    }
}
