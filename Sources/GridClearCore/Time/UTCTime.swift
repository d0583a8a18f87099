/// A UTC instant in whole milliseconds since the Unix epoch — the one time type of GridClear.
///
/// Guarantees: parsing and formatting are exact and locale-free; `UTCTime(rfc3339:)` accepts
/// RFC 3339 with any fraction (truncated to milliseconds) and any offset; `rfc3339` formats
/// `YYYY-MM-DDTHH:MM:SS.mmmZ`, which parses back to the same value.
public struct UTCTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public var millis: Int64

    public init(millis: Int64) { self.millis = millis }
    public init(seconds: Int64) { self.millis = seconds * 1000 }

    /// Whole seconds since the epoch (floor).
    public var seconds: Int64 { CivilCalendar.floorDiv(millis, 1000) }

    public static func < (a: UTCTime, b: UTCTime) -> Bool { a.millis < b.millis }

    public func adding(millis d: Int64) -> UTCTime { UTCTime(millis: millis + d) }
    public func adding(seconds d: Int64) -> UTCTime { UTCTime(millis: millis + d * 1000) }

    /// `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    public var rfc3339: String {
        let secs = seconds
        let ms = millis - secs * 1000
        let days = CivilCalendar.floorDiv(secs, 86_400)
        let sod = secs - days * 86_400
        let (y, m, d) = CivilCalendar.date(days: days)
        let p = CivilCalendar.pad
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(sod / 3600, 2)):\(p(sod / 60 % 60, 2)):\(p(sod % 60, 2)).\(p(ms, 3))Z"
    }

    public var description: String { rfc3339 }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` ('T' may be 't' or a space).
    public init?(rfc3339 s: String) {
        let sc = DigitScanner(s)
        let u = sc.bytes
        guard u.count >= 20, let y = sc.number(at: 0, count: 4), sc.byte(4, is: 45), let mo = sc.number(at: 5, count: 2),
              sc.byte(7, is: 45), let d = sc.number(at: 8, count: 2),
              u[10] == 84 || u[10] == 116 || u[10] == 32, let h = sc.number(at: 11, count: 2), sc.byte(13, is: 58),
              let mi = sc.number(at: 14, count: 2), sc.byte(16, is: 58), let sec = sc.number(at: 17, count: 2),
              (1...12).contains(mo), d >= 1, d <= CivilCalendar.daysInMonth(year: y, month: mo),
              h < 24, mi < 60, sec < 60 else { return nil }
        var k = 19
        var ms: Int64 = 0
        if k < u.count, u[k] == 46 {
            k += 1
            var digits = 0
            while k < u.count, u[k] >= 48, u[k] <= 57 {
                if digits < 3 { ms = ms * 10 + Int64(u[k] - 48) }
                digits += 1; k += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { ms *= 10 } }
        }
        guard k < u.count else { return nil }
        var offsetMinutes: Int64 = 0
        if u[k] == 90 || u[k] == 122 {
            k += 1
        } else if u[k] == 43 || u[k] == 45 {
            guard let oh = sc.number(at: k + 1, count: 2), sc.byte(k + 3, is: 58),
                  let om = sc.number(at: k + 4, count: 2), oh < 24, om < 60 else { return nil }
            offsetMinutes = (oh * 60 + om) * (u[k] == 43 ? 1 : -1)
            k += 6
        } else { return nil }
        guard k == u.count else { return nil }
        let secs = CivilCalendar.days(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + sec - offsetMinutes * 60
        self.millis = secs * 1000 + ms
    }

    /// Parses a time given on a command line (`--now`): a cycle id (`20261120T1000Z`), a UTC
    /// time `YYYY-MM-DDTHH:MM[:SS]Z`, or any RFC 3339 time.
    public init?(commandLine s: String) {
        if let c = CycleID(s) { self = c.start; return }
        let sc = DigitScanner(s)
        if sc.bytes.count == 17, sc.byte(16, is: 90), sc.byte(4, is: 45), sc.byte(7, is: 45), sc.byte(10, is: 84), sc.byte(13, is: 58),
           let y = sc.number(at: 0, count: 4), let mo = sc.number(at: 5, count: 2), let d = sc.number(at: 8, count: 2),
           let h = sc.number(at: 11, count: 2), let mi = sc.number(at: 14, count: 2),
           (1...12).contains(mo), d >= 1, d <= CivilCalendar.daysInMonth(year: y, month: mo), h < 24, mi < 60 {
            self.init(seconds: CivilCalendar.days(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60)
            return
        }
        guard let t = UTCTime(rfc3339: s) else { return nil }
        self = t
    }
}
