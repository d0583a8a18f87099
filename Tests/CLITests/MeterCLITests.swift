import Testing
import Foundation
import GridClearTestSupport

/// Runs `gridclear meter simulate` as a background process on a pty symlink.
final class SimulatorProcess {
    let process = Process()
    let folder: TemporaryFolder  // holds the link; removed after the simulator stops
    let link: String
    init(args: [String]) throws {
        folder = try TemporaryFolder("MeterCLITests-simulator")
        link = folder.path("tty")
        process.executableURL = try gridclearBinary()
        process.arguments = ["meter", "simulate", "--link", link] + args
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        for _ in 0..<200 where !FileManager.default.fileExists(atPath: link) { usleep(10_000) }
    }
    deinit { process.terminate(); process.waitUntilExit() }
}

@Suite(.serialized) struct MeterCLITests {
    let data = "scripts/meter_example/meter-data.log"
    let trades = "scripts/meter_example/trades.csv"

    @Test func readModbusJSONFromSimulator() throws {
        let sim = try SimulatorProcess(args: ["--modbus", "1=1234.5:10.25", "--seconds", "20"])
        let r = try runGridclear(["meter", "read", "--device", sim.link, "--protocol", "modbus", "--address", "1", "--profile", "sdm630", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect((obj?["energy_kwh"] as? Double) == 1234.5)
        #expect((obj?["import_wh"] as? Int) == 1_234_500)
        #expect((obj?["export_wh"] as? Int) == 10_250)
    }

    @Test func helpExamplesRun() throws {
        let tmp = try TemporaryFolder("MeterCLITests")
        // meter read examples, against a simulator standing in for the USB adapters.
        let sim = try SimulatorProcess(args: ["--modbus", "1=1234.5:10.25", "--dlt645", "000000000001=5000.25", "--seconds", "20"])
        let modbus = try runGridclear(["meter", "read", "--device", sim.link, "--protocol", "modbus", "--address", "1", "--profile", "sdm630"])
        #expect(modbus.status == 0 && modbus.stdout.contains("import 1234.500 kWh, export 10.250 kWh"), "\(modbus.stderr)")
        let dlt = try runGridclear(["meter", "read", "--device", sim.link, "--protocol", "dlt645", "--address", "000000000001", "--baud", "2400", "--parity", "E", "--json"])
        #expect(dlt.status == 0 && dlt.stdout.contains("\"energy_kwh\":5000.250"), "\(dlt.stderr)")
        // meter intervals examples.
        let iv = try runGridclear(["meter", "intervals", data, "--cycle", "20261120T1000Z"])
        #expect(iv.status == 0)
        #expect(iv.stdout.contains("pv-s1,S1,export,20261120T1000Z,14.700,measured"))
        #expect(iv.stdout.contains("shop-b2,B2,import,20261120T1000Z,4.000,measured"))
        let iv2 = try runGridclear(["meter", "intervals", data, "--cycle", "20261120T1000Z", "--count", "2"])
        // Issue 16: a partly covered interval is missing and carries no value (was 3.002 kWh).
        #expect(iv2.stdout.contains("house-b1,B1,import,20261120T1015Z,0.000,missing"))
        // meter simulate examples.
        for args in [["--modbus", "1=1234.5:10.25"], ["--dlt645", "000000000001=5000.25"]] {
            let link = try tmp.newFolder("ex") + "/tty"
            let s = try runGridclear(["meter", "simulate", "--link", link] + args + ["--seconds", "0.2"])
            #expect(s.status == 0 && s.stdout.contains("simulating meters on"))
        }
        // meter poll examples, against simulated devices named in a temporary config.
        let dir = tmp.path("poll")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let cfg = """
        {"buses": [{"id": "a", "device": "\(sim.link)", "poll_interval_s": 0.5, "response_timeout_ms": 50, "attempts": 1,
          "meters": [{"id": "m1", "participant": "S1", "protocol": "modbus", "address": 1, "profile": "sdm630"},
                     {"id": "m9", "participant": "B9", "protocol": "modbus", "address": 9, "profile": "sdm120"}]}]}
        """
        try cfg.write(toFile: dir + "/meters.json", atomically: true, encoding: .utf8)
        let poll = try runGridclear(["meter", "poll", "--config", dir + "/meters.json", "--out", dir + "/data.log", "--rounds", "2"])
        #expect(poll.status == 0, "\(poll.stderr)")
        #expect(poll.stderr.contains("bus a round 2: 1/2 meters read"))
        #expect(poll.stderr.contains("m9: ok=0"))
        let lines = try String(contentsOfFile: dir + "/data.log", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3 && lines[1].contains(" m1 S1 modbus-1 1234500 10250 "))
        // The sample configuration loads (its devices do not exist here: reading fails per meter, not the load).
        let bad = try runGridclear(["meter", "poll", "--config", "Inputs/meters.json", "--out", dir + "/x.log", "--rounds", "1"])
        #expect(bad.status == 0 && bad.stderr.contains("pv-s1: cannot open serial device /dev/ttyUSB0") || bad.stderr.contains("unavailable"))
    }

    @Test func settleExamplesAndIdempotence() throws {
        let tmp = try TemporaryFolder("MeterCLITests"), out = tmp.path("settle")
        let pending = try runGridclear(["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", out, "--now", "20261120T1015Z"])
        #expect(pending.status == 0 && pending.stdout.contains("pending: meter data for 20261120T1000Z incomplete for B3"))
        #expect(!FileManager.default.fileExists(atPath: out + "/20261120T1000Z"))
        let r = try runGridclear(["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", out, "--now", "20261120T1200Z"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: out + "/20261120T1000Z/settlement.csv", encoding: .utf8)
        #expect(csv.contains("b2,o1,B2,S1,5.000,4.594,4.000,20.00,4.000,0.6000,2.4000000,actual,S1;B2"))
        #expect(csv.contains("b3,o1,B3,S1,1.000,0.919,,,0.000,0.5500,0.0000000,incomplete,"))
        let again = try runGridclear(["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", out, "--now", "20261120T1200Z"])
        #expect(again.stdout.contains("already settled"))
        // The help examples (fixed output folders).
        for (o, now) in [("/tmp/gridclear-settle", "20261120T1200Z"), ("/tmp/gridclear-settle-pending", "20261120T1015Z")] {
            try? FileManager.default.removeItem(atPath: o)
            let e = try runGridclear(["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", o, "--now", now])
            #expect(e.status == 0, "\(e.stderr)")
        }
        // The --ledger example: settlement, reputation changes and meter digests become ledger
        // entries in one signed block, and the ledger audits clean.
        let lo = "/tmp/gridclear-settle-ledger"
        defer { for o in ["/tmp/gridclear-settle", "/tmp/gridclear-settle-pending", lo] { try? FileManager.default.removeItem(atPath: o) } }
        try? FileManager.default.removeItem(atPath: lo)
        let l = try runGridclear(["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", lo,
                                  "--now", "20261120T1200Z", "--ledger", lo + "/Ledger"])
        #expect(l.status == 0 && l.stdout.contains("settlement entries"), "\(l.stderr)")
        let audit = try runGridclear(["audit", lo + "/Ledger"])
        #expect(audit.status == 0 && audit.stdout.contains("OK"), "\(audit.stdout) \(audit.stderr)")
    }

    @Test func benchExamplesRun() throws {
        let a = try runBench(["meter", "--seconds", "1"])
        #expect(a.status == 0 && a.stdout.contains("polls/s measured"), "\(a.stderr)")
        let b = try runBench(["meter", "--baud", "19200", "--seconds", "1", "--protocol", "dlt645"])
        #expect(b.status == 0 && b.stdout.contains("ratio"), "\(b.stderr)")
    }

    @Test func errorsAreOneLine() throws {
        let cases: [([String], String)] = [
            (["meter", "read", "--device", "/nonexistent/tty", "--protocol", "modbus", "--address", "1"], "cannot open serial device /nonexistent/tty"),
            (["meter", "read", "--device", "/dev/null", "--protocol", "modbus", "--address", "300"], "--address must be a Modbus slave address"),
            (["meter", "intervals", trades, "--cycle", "20261120T1000Z"], "missing header"),
            (["meter", "intervals", data, "--cycle", "20261120T1001Z"], "is not a cycle id"),
            (["settle", "20261120T1000Z", "--meters", data, "--trades", "/nonexistent.csv", "--out", "/tmp/x", "--now", "20261120T1200Z"], "no trades for cycle"),
            (["settle", "20261120T1000Z", "--meters", data, "--trades", trades, "--out", "/tmp/x", "--now", "2026-11-20T10:05:00Z"], "has not ended yet"),
        ]
        for (args, msg) in cases {
            let r = try runGridclear(args)
            #expect(r.status != 0)
            #expect(r.stderr.contains(msg), "\(args): \(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }
}
