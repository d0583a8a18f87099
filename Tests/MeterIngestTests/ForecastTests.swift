import Foundation
import GridClearCore
import Testing
@testable import MeterIngest

/// The forecast (seed 002, SPEC §8) on a committed synthetic history with a known daily
/// profile (scripts/gen_meter_history.py) and on the pilot-like history in Inputs/.
@Suite struct ForecastTests {
    /// The generator's profile: net Wh of slot s = pv(s) − 300 − (200 in slots 72…87).
    static func profile(_ s: Int) -> Int64 {
        let pv: Int64 = (24..<72).contains(s) ? Int64((2000 * sin(Double.pi * Double(s - 24) / 48)).rounded()) : 0
        return pv - 300 - ((72..<88).contains(s) ? 200 : 0)
    }

    func records(_ path: String) throws -> [MeterRecord] { try MeterDataFile.load(path).records }

    var synthetic: String {
        get throws {
            guard let url = Bundle.module.url(forResource: "forecast-synthetic", withExtension: "log", subdirectory: "Fixtures") else { throw CocoaError(.fileNoSuchFile) }
            return url.path
        }
    }

    /// The series is exactly the generator's cycles: 14 × 96, no missing interval, and each
    /// value within the noise (±100 Wh) of the profile.
    @Test func seriesFollowsTheMeterRegisters() throws {
        let s = try #require(NetEnergySeries.from(try records(try synthetic), participant: "F1"))
        #expect(s.values.count == 14 * 96 && s.values.allSatisfy { $0 != nil })
        for (i, v) in s.values.enumerated() { #expect(abs(v! - Self.profile(i % 96)) <= 100, "cycle \(i)") }
    }

    /// Recovery bound: the chosen model (smoothing; the seasonal naive carries one day's noise,
    /// MAE ≈ 50 Wh) predicts the next day within 60 Wh of the profile in every slot and within
    /// 25 Wh on average; its backtest MAE is below the seasonal naive's.
    @Test func syntheticDailyProfileIsRecovered() throws {
        let s = try #require(NetEnergySeries.from(try records(try synthetic), participant: "F1"))
        let f = try EnergyForecaster.forecast(s, horizon: 96)
        guard case .smoothing = f.chosen.model else { Issue.record("chose \(f.chosen.model)"); return }
        let naive = try #require(f.scores.first { $0.model == .seasonalNaive })
        #expect(f.chosen.maeWh < naive.maeWh)
        #expect(f.next.count == 96 && f.next[0].cycleMillis == s.cycleMillis(14 * 96))
        let errors = f.next.enumerated().map { abs($0.element.wh - Self.profile($0.offset)) }
        #expect(errors.max()! <= 60, "max error \(errors.max()!)")
        #expect(Double(errors.reduce(0, +)) / 96 <= 25, "mean error \(Double(errors.reduce(0, +)) / 96)")
    }

    /// The pilot-like history: every participant forecasts; B1's two silent hours are missing
    /// (not zero) in its series; the shop B2 (closed at weekends) is forecast by a model whose
    /// backtest beats a flat guess of its mean.
    @Test func pilotHistoryForecastsEveryParticipant() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
            + "/Inputs/meter-history/meter-data.log"
        let recs = try records(path)
        let b1 = try #require(NetEnergySeries.from(recs, participant: "B1"))
        #expect(b1.values.filter { $0 == nil }.count >= 6)
        for p in ["S1", "S2", "B1", "B2"] {
            let s = try #require(NetEnergySeries.from(recs, participant: p))
            let f = try EnergyForecaster.forecast(s, horizon: 8)
            #expect(f.next.count == 8 && f.scores.count == ForecastModel.candidates.count, "\(p)")
            let vals = s.values.compactMap { $0 }
            let mean = Double(vals.reduce(0, +)) / Double(vals.count)
            let flat = vals.suffix(7 * 96).map { abs(Double($0) - mean) }.reduce(0, +) / Double(min(vals.count, 7 * 96))
            if p == "B2" || p == "S1" { #expect(f.chosen.maeWh < flat, "\(p): \(f.chosen.maeWh) vs flat \(flat)") }
        }
        #expect(throws: EnergyForecaster.Failure.self) {
            try EnergyForecaster.forecast(NetEnergySeries(firstCycleMillis: 0, values: [1, 2, 3]), horizon: 4)
        }
    }
}
