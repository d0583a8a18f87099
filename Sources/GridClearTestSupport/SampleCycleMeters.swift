import GridClearCore

/// Meter data for the sample cycle `Inputs/20261120T1000Z`, in the format `meter poll`
/// writes (`GRIDCLEAR-METER-DATA 1`), for tests of settlement from meters.
public enum SampleCycleMeters {
    /// A meter-data file: readings 10 s before and after the cycle, each party's register
    /// moving by `wh` (sellers export, buyers import), CRC-32 per line; parties in id order.
    public static func file(_ wh: [String: Int64], sellers: Set<String>) -> String {
        let start: Int64 = 1_795_168_800_000, end = start + 900_000
        var lines = ["GRIDCLEAR-METER-DATA 1"]
        for (k, t) in [(Int64(0), start - 10_000), (1, end + 10_000)] {
            for (i, p) in wh.keys.sorted().enumerated() {
                let seller = sellers.contains(p)
                let body = "R \(t + Int64(i)) m-\(p) \(p) modbus-\(i + 1) \(1000 + (seller ? 0 : wh[p]! * k)) \(5000 + (seller ? wh[p]! * k : 0))"
                let crc = String(CRC32.checksum(Array(body.utf8)), radix: 16)
                lines.append(body + " " + String(repeating: "0", count: 8 - crc.count) + crc)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
