import ArgumentParser
import GridClearApp
import GridClearCore

/// `gridclear forecast --participant ID [--cycles N] --meter-data FILE [--now TIME]` — predicts
/// a participant's next cycles' surplus or deficit from its metered history (seed 002).
struct ForecastCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast",
        abstract: "Forecast a participant's surplus or deficit for the next cycles from metered history.",
        discussion: """
        History: the participant's net metered energy (export − import) per 15-minute cycle from a meter-data file ('meter poll'). Models: seasonal naive (same time of day on the latest day of the same kind, weekday or weekend) and exponential smoothing per time of day (alpha 0.1, 0.2, 0.3, 0.5); the one with the lowest mean absolute error in a rolling backtest over the last 7 days (at most half the history) is used. Prints every model's backtest MAE, then one line per cycle: positive kWh is a surplus to offer, negative a deficit to buy (e.g. to pre-fill grid purchases).

        Examples:
          gridclear forecast --participant B2 --meter-data Inputs/meter-history/meter-data.log
          gridclear forecast --participant S1 --cycles 16 --meter-data Inputs/meter-history/meter-data.log --now 20261110T0000Z
        """)

    @Option(help: "The participant id.") var participant: String
    @Option(help: "How many cycles to forecast (1…672).") var cycles: Int = 4
    @Option(help: "Meter-data file written by 'meter poll'.") var meterData: String
    @Option(help: "Use only history before this time (a cycle id or RFC 3339 UTC; default: all readings).") var now: String?

    func run() throws {
        try reportingErrors {
            let until = try now.map { try commandNow($0) }
            let r = try ForecastService.forecast(meterData: meterData, participant: participant, cycles: cycles, until: until)
            let f = r.forecast
            let metered = r.history.values.compactMap { $0 }.count
            say("forecast for \(participant): \(metered) metered cycles of history (\(r.history.values.count - metered) missing), model \(f.chosen.model)")
            for s in f.scores {
                say("  backtest MAE \(Units.kWhString(Int64(s.maeWh.rounded()))) kWh over \(s.predictions) cycles — \(s.model)\(s.model == f.chosen.model ? " (chosen)" : "")")
            }
            for p in f.next {
                let id = CycleID(startSeconds: p.cycleMillis / 1000).map(\.description) ?? String(p.cycleMillis)
                say("\(id) \(p.wh >= 0 ? "surplus" : "deficit") \(Units.kWhString(abs(p.wh))) kWh")
            }
        }
    }
}
