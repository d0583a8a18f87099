import GridClearCore
import MeterIngest

/// A participant's forecast and the history it came from.
public struct ParticipantForecast: Sendable {
    public var participant: String
    public var history: NetEnergySeries
    public var forecast: EnergyForecast
}

/// Forecasting a participant's next cycles' surplus or deficit from a meter-data file
/// (`gridclear forecast`): history = its metered net energy per cycle up to the last cycle the
/// readings cover (or up to `until`), then `EnergyForecaster` (model by backtest MAE).
public enum ForecastService {
    public static func forecast(meterData path: String, participant: String, cycles: Int,
                                until: UTCTime? = nil) throws(AppError) -> ParticipantForecast {
        guard (1...(7 * 96)).contains(cycles) else { throw .usage("--cycles must be 1…672 (one week), got \(cycles)") }
        let data: MeterDataFile.Contents
        do { data = try MeterDataFile.load(path) } catch { throw .file("\(error)") }
        guard let s = NetEnergySeries.from(data.records, participant: participant, until: until?.millis) else {
            throw .file("\(path): no history for participant '\(participant)' (fewer than two readings before the forecast start)")
        }
        do {
            return ParticipantForecast(participant: participant, history: s, forecast: try EnergyForecaster.forecast(s, horizon: cycles))
        } catch { throw .file("\(path): participant '\(participant)': \(error.description)") }
    }
}
