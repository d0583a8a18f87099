import Clearing
import GridClearSystem

/// Shows `ClearingEvent`s on stderr: solver fallbacks always (one line each); CMAP progress
/// only when stderr is a terminal, `--quiet` is off and the round's solve has run for at
/// least `threshold` seconds — one line rewritten in place (at most 4 times a second; the
/// highest LP started in the round, as the extremes run two at a time), erased when a fallback
/// line comes, when a new round starts and when the printer goes away (the clear returned).
final class ProgressPrinter: @unchecked Sendable {
    static let threshold = 2.0
    private let lock = Mutex()
    private let showProgress: Bool
    private var lineShown = false
    private var shownLP = (round: 0, lp: 0)
    private var shownAt = 0.0

    private init(showProgress: Bool) { self.showProgress = showProgress }

    /// The event sink for a command; `quiet` suppresses progress (never fallbacks).
    static func events(quiet: Bool) -> @Sendable (ClearingEvent) -> Void {
        let printer = ProgressPrinter(showProgress: !quiet && StandardStreams.errorIsTerminal)
        return { printer.handle($0) }
    }

    private func handle(_ event: ClearingEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case let .cmapProgress(round, lp, count, elapsed):
            guard showProgress else { return }
            if round != shownLP.round { shownLP = (round, 0); if lineShown { erase() } }
            // The network path runs two extreme LPs at once: show the highest LP started.
            let highest = max(lp, shownLP.lp)
            let changed = highest != shownLP.lp
            shownLP.lp = highest
            guard elapsed >= Self.threshold, changed || elapsed - shownAt >= 0.25 else { return }
            shownAt = elapsed
            let line = ClearingEvent.cmapProgress(round: round, lp: highest, lpCount: count, elapsedSeconds: elapsed).message
            write("\r\u{1B}[K" + line)
            lineShown = true
        case .solverFallback, .inputWarning:
            erase()
            write(event.message + "\n")
        }
    }

    private func erase() {
        if lineShown { write("\r\u{1B}[K"); lineShown = false }
    }

    private func write(_ s: String) { StandardStreams.writeError(s) }

    deinit { erase() }
}
