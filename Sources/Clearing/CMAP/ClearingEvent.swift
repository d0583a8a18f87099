/// What a mechanism reports while it works, through `ClearingContext.events` (library code
/// never prints). Events never affect decisions; a caller may ignore them all.
public enum ClearingEvent: Sendable, Equatable {
    /// A CMAP solve is under way: `round` (1-based), LP `lp` of `lpCount` (the four extremes,
    /// then the combined LP), and the seconds since the round's solve began (injected clock).
    /// Sent when each LP starts and every few thousand pivots during it.
    case cmapProgress(round: Int, lp: Int, lpCount: Int, elapsedSeconds: Double)
    /// The `from` solver path failed on a round; the round is solved again with `to`.
    case solverFallback(round: Int, from: String, to: String, reason: String)
    /// Something about the inputs that did not stop the clearing (`CycleInputs.warnings`).
    case inputWarning(String)

    /// One line for a terminal or a log.
    public var message: String {
        switch self {
        case let .cmapProgress(round, lp, lpCount, elapsed):
            let tenths = Int((elapsed * 10).rounded(.down))
            return "CMAP round \(round), LP \(lp)/\(lpCount), \(tenths / 10).\(tenths % 10) s"
        case let .solverFallback(round, from, to, reason):
            return "CMAP round \(round): solver \(from) failed (\(reason)); solving again with \(to)"
        case let .inputWarning(w):
            return "warning: " + w
        }
    }
}
