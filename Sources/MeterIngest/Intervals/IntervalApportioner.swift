import GridClearCore

/// One cumulative counter reading: UTC time of answer arrival, value in Wh, and the meter's
/// identity (a change of `serial` means the meter was replaced).
public struct CounterReading: Sendable, Hashable {
    public var utcMillis: Int64
    public var wh: Int64
    public var serial: String
    public init(utcMillis: Int64, wh: Int64, serial: String = "") { self.utcMillis = utcMillis; self.wh = wh; self.serial = serial }
}

/// How much to trust one interval's energy. Ordered from best to worst; an interval takes the
/// worst quality of what contributed to it.
public enum IntervalQuality: String, Sendable, Hashable, Codable, Comparable {
    /// Readings at both boundaries (within the tolerance).
    case measured
    /// Covered by readings, but split by time across a boundary.
    case interpolated
    /// A counter reset or meter replacement falls in the interval (energy after it counted from 0).
    case reset
    /// Not covered by readings for its whole length (or only across a gap longer than
    /// allowed): incomplete, and its energy is unknown — a `missing` interval always
    /// carries 0 Wh, so flag and value never disagree.
    case missing

    private var rank: Int { switch self { case .measured: 0; case .interpolated: 1; case .reset: 2; case .missing: 3 } }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// Energy of one cycle of one counter.
public struct IntervalEnergy: Sendable, Hashable {
    public var cycleStart: Int64
    public var wh: Int64
    public var quality: IntervalQuality
    public init(cycleStart: Int64, wh: Int64, quality: IntervalQuality) { self.cycleStart = cycleStart; self.wh = wh; self.quality = quality }
}

/// Apportions the increments of a cumulative counter to fixed cycles by time, in integer Wh
/// with largest-remainder rounding per reading pair, so the interval energies of every span sum
/// exactly to the counter delta — except that an interval flagged `missing` (partly covered,
/// or only across a too-long gap) reports 0 Wh: its energy is not known, and settlement treats
/// it as missing data, never as a value. Pure: same readings, same result.
public struct IntervalApportioner: Sendable {
    public var cycleMillis: Int64 = CycleID.lengthMillis
    /// A reading this close to a cycle boundary counts as taken at the boundary.
    public var boundaryToleranceMillis: Int64 = 60_000
    /// Pairs of readings further apart than this leave their cycles `missing` (0 Wh).
    public var maxInterpolationMillis: Int64 = 3_600_000
    /// Counter modulus (e.g. 99 999 999 × 10 Wh for a DL/T 645 XXXXXX.XX register); nil: no rollover.
    public var rolloverWh: Int64?

    public init(boundaryToleranceMillis: Int64 = 60_000, maxInterpolationMillis: Int64 = 3_600_000, rolloverWh: Int64? = nil) {
        self.boundaryToleranceMillis = boundaryToleranceMillis
        self.maxInterpolationMillis = maxInterpolationMillis
        self.rolloverWh = rolloverWh
    }

    /// The increment between two consecutive readings and whether it involved a reset.
    public func delta(_ a: CounterReading, _ b: CounterReading) -> (wh: Int64, reset: Bool) {
        if a.serial != b.serial { return (b.wh, true) }        // replaced meter: counts from 0
        if b.wh >= a.wh { return (b.wh - a.wh, false) }
        if let r = rolloverWh, a.wh - b.wh > r / 2 { return (r - a.wh + b.wh, false) } // wrapped
        if rolloverWh == nil {
            // Decimal registers wrap at a power of ten: a value within 1 % below 10^k followed by
            // one within 1 % above 0 is a rollover at 10^k (k ≥ 5), not a reset.
            var m: Int64 = 100_000
            while m <= a.wh && m < Int64.max / 10 { m *= 10 }
            if a.wh * 100 >= m * 99 && b.wh * 100 < m { return (m - a.wh + b.wh, false) }
        }
        return (b.wh, true)                                      // counter reset to 0
    }

    /// Most cycles one call returns (about 28 years of 15-minute cycles).
    public static let maxCycles = 1_000_000
    /// A reading pair spanning more cycles than this (about 2.8 years) is split into the cycles
    /// of the window only, plus one share before and one after it, so work and memory stay
    /// bounded whatever the readings' times are.
    public static let maxCyclesPerSpan = 100_000

    /// Interval energies for every cycle that starts in [fromCycle, toCycle), at most
    /// `maxCycles` of them; a `missing` interval carries 0 Wh. Readings outside
    /// `MeterRecord.validUTCMillis` / `validWh` are ignored, so no time or value can make the
    /// arithmetic overflow or the loops unbounded.
    public func apportion(_ input: [CounterReading], fromCycle: Int64, toCycle: Int64) -> [IntervalEnergy] {
        apportionWithUnknown(input, fromCycle: fromCycle, toCycle: toCycle).map {
            $0.quality == .missing ? IntervalEnergy(cycleStart: $0.cycleStart, wh: 0, quality: .missing) : $0
        }
    }

    /// The split before missing intervals are cleared: every reading pair's delta lands in the
    /// cycles it overlaps (sums exactly to the counter increments). For tests and diagnostics;
    /// a `missing` interval's value here is a time-share guess, never a metered value.
    func apportionWithUnknown(_ input: [CounterReading], fromCycle: Int64, toCycle: Int64) -> [IntervalEnergy] {
        let window = MeterRecord.validUTCMillis
        guard window.contains(fromCycle), cycleMillis > 0 else { return [] }
        let usable = input.filter { window.contains($0.utcMillis) && MeterRecord.validWh.contains($0.wh) }
        let readings = usable.enumerated().sorted { ($0.element.utcMillis, $0.offset) < ($1.element.utcMillis, $1.offset) }.map(\.element)
        let end = min(max(toCycle, fromCycle), window.upperBound)
        let n = Int(min((end - fromCycle) / cycleMillis, Int64(Self.maxCycles)))
        var wh = [Int64](repeating: 0, count: n)
        var quality = [IntervalQuality](repeating: .measured, count: n)
        func index(_ t: Int64) -> Int { Int((CivilCalendar.floorDiv(t - fromCycle, cycleMillis))) }

        for k in 0..<max(0, readings.count - 1) {
            let a = readings[k], b = readings[k + 1]
            let (d, reset) = delta(a, b)
            let span = b.utcMillis - a.utcMillis
            if span == 0 {
                let i = index(a.utcMillis)
                if i >= 0 && i < n { wh[i] += d; if reset { quality[i] = max(quality[i], .reset) } }
                continue
            }
            // Overlaps of [a, b) with each cycle, then largest-remainder shares.
            var parts: [(i: Int, overlap: Int64)] = []
            var s = a.utcMillis
            let spanCycles = index(b.utcMillis - 1) - index(a.utcMillis) + 1
            if spanCycles > Self.maxCyclesPerSpan {
                // Before the window, each cycle of the window, after the window.
                let lo = fromCycle, hi = fromCycle + Int64(n) * cycleMillis
                if s < lo { parts.append((-1, min(lo, b.utcMillis) - s)); s = min(lo, b.utcMillis) }
                while s < b.utcMillis && s < hi {
                    let i = index(s)
                    let e = min(fromCycle + Int64(i + 1) * cycleMillis, b.utcMillis)
                    parts.append((i, e - s)); s = e
                }
                if s < b.utcMillis { parts.append((n, b.utcMillis - s)); s = b.utcMillis }
            }
            while s < b.utcMillis {
                let i = index(s)
                let cycleEnd = fromCycle + Int64(i + 1) * cycleMillis
                let e = min(cycleEnd, b.utcMillis)
                parts.append((i, e - s))
                s = e
            }
            var shares = parts.map { p -> (q: Int64, r: Int64) in
                let (hi, lo) = d.multipliedFullWidth(by: p.overlap)
                let (q, r) = span.dividingFullWidth((hi, lo))
                return (q, r)
            }
            var left = d - shares.reduce(0) { $0 + $1.q }
            let order = shares.indices.sorted { (shares[$0].r, -$0) > (shares[$1].r, -$1) }
            var j = 0
            while left > 0 { shares[order[j % order.count]].q += 1; left -= 1; j += 1 }
            let tooLong = span > maxInterpolationMillis
            for (p, sh) in zip(parts, shares) where p.i >= 0 && p.i < n {
                wh[p.i] += sh.q
                if reset { quality[p.i] = max(quality[p.i], .reset) }
                if tooLong { quality[p.i] = .missing }
            }
        }
        // Coverage and boundary readings.
        let times = readings.map(\.utcMillis)
        for i in 0..<n {
            let start = fromCycle + Int64(i) * cycleMillis, end = start + cycleMillis
            guard let first = times.first, let last = times.last, first <= start + boundaryToleranceMillis,
                  last >= end - boundaryToleranceMillis else { quality[i] = .missing; continue }
            if first > start || last < end {
                // Within tolerance of a boundary but not past it: the edge sliver is unmetered.
                quality[i] = max(quality[i], .interpolated)
            }
            if quality[i] == .measured {
                let atStart = times.contains { abs($0 - start) <= boundaryToleranceMillis }
                let atEnd = times.contains { abs($0 - end) <= boundaryToleranceMillis }
                if !(atStart && atEnd) { quality[i] = .interpolated }
            }
        }
        return (0..<n).map { IntervalEnergy(cycleStart: fromCycle + Int64($0) * cycleMillis, wh: wh[$0], quality: quality[$0]) }
    }
}
