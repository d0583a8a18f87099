/// Exact RFC 3339 and cycle-id time parsing (no Foundation date formatters, no locale).
public enum Timestamps {
    /// Days from 1970-01-01 to the civil date (proleptic Gregorian).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` to milliseconds since the epoch.
    public static func rfc3339Millis(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        func num(_ a: Int, _ n: Int) -> Int? {
            guard a + n <= u.count else { return nil }
            var v = 0
            for k in a..<a + n { guard (48...57).contains(u[k]) else { return nil }; v = v * 10 + Int(u[k] - 48) }
            return v
        }
        guard u.count >= 20, let y = num(0, 4), u[4] == 45, let mo = num(5, 2), u[7] == 45, let d = num(8, 2),
              u[10] == 84 || u[10] == 116 || u[10] == 32, let h = num(11, 2), u[13] == 58, let mi = num(14, 2), u[16] == 58,
              let sec = num(17, 2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h < 24, mi < 60, sec < 60 else { return nil }
        var k = 19
        var millis = 0
        if k < u.count, u[k] == 46 {
            k += 1
            var digits = 0
            while k < u.count, (48...57).contains(u[k]) {
                if digits < 3 { millis = millis * 10 + Int(u[k] - 48) }
                digits += 1; k += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 3) where digits < 3 { millis *= 10 }
        }
        guard k < u.count else { return nil }
        var offset = 0
        if u[k] == 90 || u[k] == 122 { k += 1 } else if u[k] == 43 || u[k] == 45 {
            guard let oh = num(k + 1, 2), k + 3 < u.count, u[k + 3] == 58, let om = num(k + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * (u[k] == 43 ? 1 : -1)
            k += 6
        } else { return nil }
        guard k == u.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let secs = Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + sec) - Int64(offset * 60)
        return secs * 1000 + Int64(millis)
    }

    /// Parses a cycle id `YYYYMMDDTHHMMZ` (UTC start, minute a multiple of 15) to
    /// seconds since the epoch; nil when malformed.
    public static func cycleStartSeconds(_ id: String) -> Int64? {
        let u = Array(id.utf8)
        guard u.count == 14, u[8] == 84, u[13] == 90 else { return nil }
        func num(_ a: Int, _ n: Int) -> Int? {
            var v = 0
            for k in a..<a + n { guard (48...57).contains(u[k]) else { return nil }; v = v * 10 + Int(u[k] - 48) }
            return v
        }
        guard let y = num(0, 4), let mo = num(4, 2), let d = num(6, 2), let h = num(9, 2), let mi = num(11, 2),
              (1...12).contains(mo), d >= 1, d <= daysInMonth(y, mo), h < 24, mi < 60, mi % 15 == 0 else { return nil }
        return Int64(daysFromCivil(y, mo, d)) * 86400 + Int64(h * 3600 + mi * 60)
    }

    /// Formats seconds since the epoch as a cycle id `YYYYMMDDTHHMMZ`.
    public static func cycleID(startSeconds t: Int64) -> String {
        let days = Int(t >= 0 ? t / 86400 : (t - 86399) / 86400)
        let rem = Int(t - Int64(days) * 86400)
        // civil from days
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func p(_ v: Int, _ n: Int) -> String { var s = String(v); while s.count < n { s = "0" + s }; return s }
        return "\(p(y, 4))\(p(m, 2))\(p(d, 2))T\(p(rem / 3600, 2))\(p(rem % 3600 / 60, 2))Z"
    }
}
