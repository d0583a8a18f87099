/// The one late-meter-data rule of settlement (SPEC §3.5), used by both settlement engines
/// (`DeviationSettlement`, the `settle` command's, and `LateDataSettlement`, the
/// priority-matrix engine's):
///
/// - a cycle whose meter data is complete settles normally, whenever that is;
/// - a cycle with missing data waits while fewer than `lateCycles` whole cycles have passed
///   since it ended; data arriving in that window settles it normally;
/// - once `lateCycles` whole cycles have passed it settles incompletely with what arrived
///   (the grid takes the remainder) and every missing participant is penalised once
///   (reputation −10, §3.7) with the reason `late meter data`.
///
/// Guarantees: the verdict depends only on (missing data, cycles elapsed, `lateCycles`), so
/// every replica and both engines decide a cycle the same way at the same time.
public struct LateDataRule: Sendable, Hashable {
    /// Whole cycles of tolerance after a cycle ends (market.json `settlement.late_cycles`).
    public var lateCycles: Int
    /// Reason recorded with a late-data penalty.
    public static let penaltyReason = "late meter data"

    public enum Verdict: Sendable, Hashable {
        /// Settle now: normally when nothing is missing, else incompletely with penalties.
        case settle
        /// Data is missing and the window is open for `cyclesLeft` more cycles.
        case wait(cyclesLeft: Int)
    }

    /// A negative `lateCycles` acts as 0 (no window).
    public init(lateCycles: Int) { self.lateCycles = lateCycles }

    /// What to do with a cycle `cyclesElapsed` whole cycles after it ended.
    public func verdict(missingData: Bool, cyclesElapsed: Int) -> Verdict {
        !missingData || cyclesElapsed >= lateCycles ? .settle : .wait(cyclesLeft: lateCycles - cyclesElapsed)
    }

    /// Whole cycles passed since cycle `k` ended when cycle `now` has started (cycle indices):
    /// none while `now == k + 1`.
    public static func cyclesElapsed(cycle k: Int, currentCycle now: Int) -> Int { now - k - 1 }

    /// The reputation penalty of a participant whose data never arrived in the window.
    public static func penalty(_ participant: String) -> ReputationEvent {
        .penalty(participant: participant, reason: penaltyReason)
    }
}
