/// A market cycle: the 15-minute interval named by its UTC start in ISO 8601 basic form,
/// e.g. `20261120T1000Z` (SPEC §2).
///
/// Guarantees: a `CycleID` always starts on a 15-minute boundary; `CycleID(_:)` accepts
/// exactly the canonical 14-character form (so `20261120T1007Z` is not a cycle), and
/// `description` gives that form back: `CycleID(c.description) == c`.
public struct CycleID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Length of one cycle.
    public static let lengthMillis: Int64 = 900_000
    public static let lengthSeconds: Int64 = 900

    /// Start of the cycle, seconds since the epoch (a multiple of 900).
    public let startSeconds: Int64

    /// The cycle starting at `startSeconds`; nil unless it is a multiple of 900 s.
    public init?(startSeconds: Int64) {
        guard startSeconds % Self.lengthSeconds == 0 else { return nil }
        self.startSeconds = startSeconds
    }

    /// The cycle containing the instant `t`.
    public init(containing t: UTCTime) {
        startSeconds = CivilCalendar.floorDiv(t.millis, Self.lengthMillis) * Self.lengthSeconds
    }

    /// Parses `YYYYMMDDTHHMMZ` with the minute a multiple of 15; nil otherwise.
    public init?(_ text: String) {
        let sc = DigitScanner(text)
        guard sc.bytes.count == 14, sc.byte(8, is: 84), sc.byte(13, is: 90),
              let y = sc.number(at: 0, count: 4), let mo = sc.number(at: 4, count: 2), let d = sc.number(at: 6, count: 2),
              let h = sc.number(at: 9, count: 2), let mi = sc.number(at: 11, count: 2),
              (1...12).contains(mo), d >= 1, d <= CivilCalendar.daysInMonth(year: y, month: mo),
              h < 24, mi < 60, mi % 15 == 0 else { return nil }
        startSeconds = CivilCalendar.days(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60
    }

    public var start: UTCTime { UTCTime(seconds: startSeconds) }
    public var end: UTCTime { UTCTime(seconds: startSeconds + Self.lengthSeconds) }
    public var startMillis: Int64 { startSeconds * 1000 }

    /// The cycle `n` cycles later (earlier when negative).
    public func advanced(by n: Int64) -> CycleID { CycleID(uncheckedStart: startSeconds + n * Self.lengthSeconds) }
    public var next: CycleID { advanced(by: 1) }
    public var previous: CycleID { advanced(by: -1) }

    private init(uncheckedStart: Int64) { startSeconds = uncheckedStart }

    public static func < (a: CycleID, b: CycleID) -> Bool { a.startSeconds < b.startSeconds }

    /// `YYYYMMDDTHHMMZ`.
    public var description: String {
        let days = CivilCalendar.floorDiv(startSeconds, 86_400)
        let sod = startSeconds - days * 86_400
        let (y, m, d) = CivilCalendar.date(days: days)
        let p = CivilCalendar.pad
        return "\(p(y, 4))\(p(m, 2))\(p(d, 2))T\(p(sod / 3600, 2))\(p(sod % 3600 / 60, 2))Z"
    }
}
