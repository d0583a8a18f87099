/// 15-minute market cycles named by their UTC start in ISO 8601 basic form (`20261120T1000Z`),
/// converted with pure civil-calendar arithmetic (no locale, no time zone database).
public enum CycleTime {
    public static let cycleMillis: Int64 = 900_000

    /// Start of the cycle containing `millis`.
    public static func cycleStart(containing millis: Int64) -> Int64 {
        let q = millis / cycleMillis
        return (millis % cycleMillis < 0 ? q - 1 : q) * cycleMillis
    }

    /// Parses `YYYYMMDDTHHMMZ`; nil unless it is a valid cycle start (minute multiple of 15).
    public static func parse(_ id: String) -> Int64? {
        let c = Array(id.utf8)
        guard c.count == 14, c[8] == UInt8(ascii: "T"), c[13] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r { guard (48...57).contains(c[i]) else { return nil }; v = v * 10 + Int64(c[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11), let mi = num(11..<13),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h < 24, mi < 60, mi % 15 == 0 else { return nil }
        return (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60) * 1000
    }

    /// The cycle id of the cycle starting at (or containing) `millis`.
    public static func id(_ millis: Int64) -> String {
        let start = cycleStart(containing: millis)
        let secs = start / 1000
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func p(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return p(y, 4) + p(m, 2) + p(d, 2) + "T" + p(rem / 3600, 2) + p(rem % 3600 / 60, 2) + "Z"
    }

    /// RFC 3339 UTC with milliseconds, for human-readable output.
    public static func rfc3339(_ millis: Int64) -> String {
        let secs = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = millis - secs * 1000
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civilFromDays(days)
        func p(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(rem / 3600, 2)):\(p(rem % 3600 / 60, 2)):\(p(rem % 60, 2)).\(p(ms, 3))Z"
    }

    static func daysInMonth(_ y: Int64, _ m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
