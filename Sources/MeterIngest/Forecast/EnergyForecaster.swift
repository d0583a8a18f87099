import GridClearCore

/// A forecasting model of a participant's net energy per cycle.
public enum ForecastModel: Sendable, Hashable, CustomStringConvertible {
    /// The value at the same time of day on the latest earlier day of the same kind (Monday–
    /// Friday or Saturday–Sunday) that has one.
    case seasonalNaive
    /// Exponential smoothing per time-of-day slot: level ← α·x + (1−α)·level, separately for
    /// weekdays and weekends (a slot of a day kind without history uses the other kind's).
    case smoothing(alpha: Double)

    public var description: String {
        switch self {
        case .seasonalNaive: return "seasonal-naive (time of day, weekday/weekend)"
        case .smoothing(let a): return "exponential smoothing per time of day (alpha \(a))"
        }
    }

    public static let candidates: [ForecastModel] = [.seasonalNaive, .smoothing(alpha: 0.1), .smoothing(alpha: 0.2),
                                                     .smoothing(alpha: 0.3), .smoothing(alpha: 0.5)]
}

/// The backtest of one model: mean absolute error in Wh over the cycles it predicted.
public struct BacktestScore: Sendable, Hashable {
    public var model: ForecastModel
    public var maeWh: Double
    public var predictions: Int
}

/// A forecast: the chosen model, every candidate's backtest, and the next cycles' net energy.
public struct EnergyForecast: Sendable {
    public var chosen: BacktestScore
    public var scores: [BacktestScore]
    /// (cycle start in UTC milliseconds, predicted net Wh: positive surplus, negative deficit).
    public var next: [(cycleMillis: Int64, wh: Int64)]
}

/// Forecasting next cycles' surplus or deficit from metered history (seed 002, SPEC §8). Pure
/// and deterministic: the same history gives the same forecast.
///
/// Backtest: rolling origins every `horizon` cycles over the last `backtestDays` days of the
/// history (at most half of it); at each origin a model sees only the cycles before it and
/// predicts the next `horizon`; the error is |prediction − metered| over metered cycles. The
/// model with the lowest MAE (ties: the earlier candidate) is refit on the whole history.
public enum EnergyForecaster {
    public static let slotsPerDay = 96

    static func slot(_ millis: Int64) -> Int { Int(CivilCalendar.floorDiv(millis, CycleID.lengthMillis) % Int64(slotsPerDay)) }
    /// Saturday or Sunday (1970-01-01 was a Thursday).
    static func isWeekend(_ millis: Int64) -> Bool {
        let day = CivilCalendar.floorDiv(millis, 86_400_000)
        let weekday = ((day + 3) % 7 + 7) % 7   // Monday = 0
        return weekday >= 5
    }

    /// Predicts cycles `origin ..< origin + horizon` of `s` from `s.values[0..<origin]`.
    static func predict(_ model: ForecastModel, _ s: NetEnergySeries, origin: Int, horizon: Int) -> [Int64?] {
        switch model {
        case .seasonalNaive:
            // Latest value per (day kind, slot) before the origin.
            var last = [[Int64?]](repeating: [Int64?](repeating: nil, count: slotsPerDay), count: 2)
            for i in 0..<origin { if let v = s.values[i] { let t = s.cycleMillis(i); last[isWeekend(t) ? 1 : 0][slot(t)] = v } }
            return (origin..<origin + horizon).map { i in
                let t = s.cycleMillis(i), k = isWeekend(t) ? 1 : 0
                return last[k][slot(t)] ?? last[1 - k][slot(t)]
            }
        case .smoothing(let alpha):
            var level = [[Double?]](repeating: [Double?](repeating: nil, count: slotsPerDay), count: 2)
            for i in 0..<origin {
                guard let v = s.values[i] else { continue }
                let t = s.cycleMillis(i), k = isWeekend(t) ? 1 : 0, j = slot(t)
                level[k][j] = level[k][j].map { alpha * Double(v) + (1 - alpha) * $0 } ?? Double(v)
            }
            return (origin..<origin + horizon).map { i in
                let t = s.cycleMillis(i), k = isWeekend(t) ? 1 : 0, j = slot(t)
                return (level[k][j] ?? level[1 - k][j]).map { Int64($0.rounded()) }
            }
        }
    }

    /// Backtest MAE of `model` (nil when it made no comparable prediction).
    static func backtest(_ model: ForecastModel, _ s: NetEnergySeries, horizon: Int, backtestDays: Int) -> BacktestScore? {
        let n = s.values.count
        let window = min(backtestDays * slotsPerDay, n / 2)
        var origin = n - window, total = 0.0, count = 0
        while origin < n {
            let h = min(horizon, n - origin)
            for (k, p) in predict(model, s, origin: origin, horizon: h).enumerated() {
                if let p, let a = s.values[origin + k] { total += Double(abs(p - a)); count += 1 }
            }
            origin += h
        }
        return count == 0 ? nil : BacktestScore(model: model, maeWh: total / Double(count), predictions: count)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        case tooShort(cycles: Int)
        public var description: String {
            switch self {
            case .tooShort(let c): return "only \(c) metered cycles of history; a forecast needs at least two days (192 cycles)"
            }
        }
    }

    /// Chooses a model by backtest and forecasts the `horizon` cycles after the series.
    public static func forecast(_ s: NetEnergySeries, horizon: Int, backtestDays: Int = 7,
                                candidates: [ForecastModel] = ForecastModel.candidates) throws(Failure) -> EnergyForecast {
        let metered = s.values.compactMap { $0 }.count
        guard s.values.count >= 2 * slotsPerDay, metered >= slotsPerDay else { throw .tooShort(cycles: metered) }
        let scores = candidates.compactMap { backtest($0, s, horizon: horizon, backtestDays: backtestDays) }
        guard var best = scores.first else { throw .tooShort(cycles: metered) }
        for sc in scores.dropFirst() where sc.maeWh < best.maeWh { best = sc }
        let n = s.values.count
        var extended = s
        extended.values += [Int64?](repeating: nil, count: horizon)
        let p = predict(best.model, extended, origin: n, horizon: horizon)
        return EnergyForecast(chosen: best, scores: scores,
                              next: p.enumerated().map { (s.cycleMillis(n + $0.offset), $0.element ?? 0) })
    }
}
