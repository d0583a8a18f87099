/// Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (Howard Hinnant's
/// `days_from_civil` / `civil_from_days`). Pure integer arithmetic: no locale, no time zone
/// database, no Foundation. Exact for every year in ±10^9.
public enum CivilCalendar {
    /// Days from 1970-01-01 to the civil date `y-m-d` (month 1–12, day 1–31).
    public static func days(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The civil date `(year, month, day)` of `days` since 1970-01-01.
    public static func date(days z0: Int64) -> (year: Int64, month: Int64, day: Int64) {
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

    /// Days in month `m` (1–12) of year `y`.
    public static func daysInMonth(year y: Int64, month m: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Floor division (rounds toward −∞), for splitting epoch times into days and seconds.
    @inlinable
    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Zero-padded decimal of a non-negative value.
    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

/// Small ASCII digit scanner shared by the time parsers.
struct DigitScanner {
    let bytes: [UInt8]
    init(_ s: String) { bytes = Array(s.utf8) }

    /// The `n`-digit decimal at `at`, or nil when any byte is not a digit or out of range.
    func number(at: Int, count n: Int) -> Int64? {
        guard at >= 0, n > 0, at + n <= bytes.count else { return nil }
        var v: Int64 = 0
        for k in at..<at + n {
            let b = bytes[k]
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int64(b - 48)
        }
        return v
    }

    func byte(_ at: Int, is c: UInt8) -> Bool { at >= 0 && at < bytes.count && bytes[at] == c }
}
