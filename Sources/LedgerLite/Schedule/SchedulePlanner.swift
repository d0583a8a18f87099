/// A cycle folder the scheduler knows about.
public struct ScheduledCycle: Sendable, Equatable {
    public var id: String
    /// Delivery start, seconds since the Unix epoch (UTC).
    public var startSeconds: Int64
    /// Gate closure lead time in minutes (from market.json; default 15).
    public var gateClosureMinutes: Int
    public init(id: String, startSeconds: Int64, gateClosureMinutes: Int) {
        self.id = id; self.startSeconds = startSeconds; self.gateClosureMinutes = gateClosureMinutes
    }
    public var gateClosureSeconds: Int64 { startSeconds - Int64(gateClosureMinutes) * 60 }
}

/// The scheduler's decision for one moment.
public struct SchedulePlan: Sendable, Equatable {
    /// Cycles to clear now, in cycle order.
    public var due: [ScheduledCycle]
    /// The next gate closure after `now` among cycles not yet cleared (when to wake), or nil.
    public var nextWakeSeconds: Int64?
}

/// The pure core of `gridclear schedule`: given the cycle folders, the set the ledger
/// already holds and the time, which cycles are due and when to wake next. The ledger is the
/// only source of truth for "already cleared", which makes the scheduler restart-safe.
public enum SchedulePlanner {
    public static func plan(cycles: [ScheduledCycle], recorded: Set<String>, skipped: Set<String> = [], nowSeconds: Int64) -> SchedulePlan {
        let open = cycles.filter { !recorded.contains($0.id) && !skipped.contains($0.id) }
            .sorted { ($0.startSeconds, $0.id) < ($1.startSeconds, $1.id) }
        let due = open.filter { $0.gateClosureSeconds <= nowSeconds }
        let next = open.filter { $0.gateClosureSeconds > nowSeconds }.map(\.gateClosureSeconds).min()
        return SchedulePlan(due: due, nextWakeSeconds: next)
    }

    /// Parses a cycle id `YYYYMMDDTHHMMZ` (UTC, ISO 8601 basic) into epoch seconds.
    public static func startSeconds(ofCycle id: String) -> Int64? {
        let u = Array(id.utf8)
        guard u.count == 14, u[8] == UInt8(ascii: "T"), u[13] == UInt8(ascii: "Z") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r { guard u[i] >= 48 && u[i] <= 57 else { return nil }; v = v * 10 + Int(u[i] - 48) }
            return v
        }
        guard let y = num(0..<4), let mo = num(4..<6), let d = num(6..<8), let h = num(9..<11), let mi = num(11..<13),
              (1...12).contains(mo), d >= 1, d <= daysIn(y, mo), h < 24, mi < 60 else { return nil }
        return (daysFromCivil(y, mo, d) * 86_400) + Int64(h * 3600 + mi * 60)
    }

    static func daysIn(_ y: Int, _ m: Int) -> Int {
        [31, (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    }
    /// Days since 1970-01-01 (H. Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Int64(era * 146_097 + doe - 719_468)
    }
}

/// Formatting of ledger times (ms since the Unix epoch, UTC). Pure.
public enum LedgerTime {
    public static func iso8601(millis: Int64) -> String {
        let s = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let ms = Int(millis - s * 1000)
        let days = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let sod = Int(s - days * 86_400)
        let (y, m, d) = civil(days)
        func p(_ v: Int, _ w: Int) -> String { let t = String(v); return String(repeating: "0", count: max(0, w - t.count)) + t }
        return "\(p(y, 4))-\(p(m, 2))-\(p(d, 2))T\(p(sod / 3600, 2)):\(p(sod / 60 % 60, 2)):\(p(sod % 60, 2)).\(p(ms, 3))Z"
    }
    /// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    static func civil(_ z0: Int64) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS]Z` or a cycle id `YYYYMMDDTHHMMZ` into epoch seconds.
    public static func parseSeconds(_ s: String) -> Int64? {
        if let c = SchedulePlanner.startSeconds(ofCycle: s) { return c }
        let u = Array(s.utf8)
        guard u.count == 17 || u.count == 20, u.last == UInt8(ascii: "Z"), u[4] == 45, u[7] == 45, u[10] == UInt8(ascii: "T"), u[13] == 58 else { return nil }
        var c: [UInt8] = Array(u[0..<4])
        c += u[5..<7]; c += u[8..<10]; c.append(UInt8(ascii: "T")); c += u[11..<13]; c += u[14..<16]; c.append(UInt8(ascii: "Z"))
        let compact = String(decoding: c, as: UTF8.self)
        guard let base = SchedulePlanner.startSeconds(ofCycle: compact) else { return nil }
        if u.count == 20 {
            guard u[16] == 58, (48...57).contains(u[17]), (48...57).contains(u[18]) else { return nil }
            let sec = Int64(u[17] - 48) * 10 + Int64(u[18] - 48)
            guard sec < 60 else { return nil }
            return base + sec
        }
        return base
    }
}
