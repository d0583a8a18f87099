import Testing
import Foundation
import GridClearTestSupport
import GridClearCore
@testable import MeterIngest

@Suite struct ConfigAndDataTests {
    let good = """
    {"version": 1, "buses": [{"id": "bus1", "device": "/dev/ttyUSB0", "baud": 9600, "parity": "E",
      "poll_interval_s": 60, "response_timeout_ms": 200, "attempts": 3,
      "meters": [
        {"id": "m1", "participant": "S1", "protocol": "modbus", "address": 1, "profile": "sdm630"},
        {"id": "m2", "participant": "B1", "protocol": "dlt645", "address": "000000000001"},
        {"id": "m3", "participant": "B2", "protocol": "modbus", "address": 3, "profile": "custom",
         "custom": {"function": 3, "import_register": 256, "encoding": "uint32", "word_order": "little", "wh_per_unit": 10}}]}]}
    """

    @Test func loadsSampleAndRepoConfig() throws {
        let c = try MeterConfig.parse(Data(good.utf8), source: "t.json")
        #expect(c.buses.count == 1 && c.buses[0].meters.count == 3)
        #expect(c.buses[0].settings == SerialSettings(baud: 9600, parity: .even))
        guard case let .modbus(3, p) = c.buses[0].meters[2].kind else { Issue.record("custom"); return }
        #expect(p.requests(slave: 3) == [ModbusReadRequest(slave: 3, function: .readHoldingRegisters, start: 256, count: 2)])
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        _ = try MeterConfig.load(path: repo.appendingPathComponent("Inputs/meters.json").path)
    }

    @Test func budgetMatchesClosedForm() throws {
        let c = try MeterConfig.parse(Data(good.utf8), source: "t.json")
        // 9600 8E1: 11 bits/char → 1 145 833 ns per char; t3.5 = 4 010 416 ns.
        // sdm630: 8 + 13 bytes; dlt645: 2 × (20 + 24); custom: 8 + 9 → 127 chars, 8 silences... per exchange 2.
        let ch: UInt64 = 11 * 1_000_000_000 / 9600, t35 = ch * 7 / 2
        let nominal = ch * (21 + 88 + 17) + 2 * t35 * 4
        #expect(c.buses[0].budget.nominalNanos == nominal)
    }

    @Test func rejectsWithPreciseMessages() {
        func err(_ s: String) -> String {
            do { _ = try MeterConfig.parse(Data(s.utf8), source: "c.json"); return "" } catch { return "\(error)" }
        }
        #expect(err(good.replacingOccurrences(of: "\"baud\": 9600", with: "\"baud\": 9601")).contains("buses[0].baud 9601 unsupported"))
        #expect(err(good.replacingOccurrences(of: "\"attempts\"", with: "\"atempts\"")).contains("unknown key 'atempts'"))
        #expect(err(good.replacingOccurrences(of: "\"m2\"", with: "\"m1\"")).contains("'m1' is used twice"))
        #expect(err(good.replacingOccurrences(of: "\"000000000001\"", with: "\"12x\"")).contains("meters[1].address"))
        let tooFast = good.replacingOccurrences(of: "\"poll_interval_s\": 60", with: "\"poll_interval_s\": 1")
        #expect(err(tooFast).contains("bus 'bus1': a poll round needs up to"))
    }

    @Test func dataFileRoundTripTornTailAndCorruption() throws {
        let tmp = try TemporaryFolder("ConfigAndDataTests"), path = tmp.path("md.log")
        let recs = [MeterRecord(utcMillis: 1_795_168_800_000, meterID: "m1", participantID: "S1", serial: "modbus-1", importWh: 12, exportWh: 34),
                    MeterRecord(utcMillis: 1_795_168_860_000, meterID: "m2", participantID: "B1", serial: "x", importWh: 56, exportWh: nil)]
        try MeterDataFile(appendingTo: path).append(recs)
        #expect(try MeterDataFile.load(path).records == recs)
        // A torn append is ignored on load and cut back on the next open.
        let fh = FileHandle(forWritingAtPath: path)!; fh.seekToEndOfFile(); fh.write(Data("R 17951688".utf8)); fh.closeFile()
        #expect(try MeterDataFile.load(path).tornTailBytes == 10)
        try MeterDataFile(appendingTo: path).append([recs[0]])
        #expect(try MeterDataFile.load(path).records == recs + [recs[0]])
        // A flipped digit in the middle is reported with its line.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: " 56 -", with: " 57 -")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: MeterDataError(path: path, line: 3, reason: .checksum)) { try MeterDataFile.load(path) }
    }

    /// A line with a valid CRC but a non-canonical number (`+5`, `05`, `-0`) is refused: one
    /// reading has one rendering (a libFuzzer finding of meter-data-fuzz).
    @Test func nonCanonicalNumbersUnderValidChecksumAreRefused() {
        func signed(_ body: String) -> Substring {
            let c = String(CRC32.checksum(Array(body.utf8)), radix: 16)
            return Substring(body + " " + String(repeating: "0", count: 8 - c.count) + c)
        }
        let canonical = signed("R 1795168800000 m1 S1 x 5 7")
        guard case .success(let r) = MeterRecord.parse(canonical) else { Issue.record("canonical line refused"); return }
        #expect(r.line == String(canonical))
        for body in ["R 1795168800000 m1 S1 x +5 7", "R 1795168800000 m1 S1 x 05 7", "R 1795168800000 m1 S1 x 5 -0",
                     "R 01795168800000 m1 S1 x 5 7", "R +1795168800000 m1 S1 x 5 7", "R 1795168800000 m1 S1 x 5 +7",
                     "R 1795168800000 m1 S1 x -0 -"] {
            guard case .failure(.malformed(let why)) = MeterRecord.parse(signed(body)) else {
                Issue.record("accepted non-canonical line: \(body)"); continue
            }
            #expect(why.contains("canonical") || why.contains("integer"))
        }
    }
}
