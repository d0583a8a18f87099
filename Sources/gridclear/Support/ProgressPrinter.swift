import Clearing
import GridClearSystem

/// Shows `ClearingEvent`s on stderr: solver fallbacks always (one line each); CMAP progress
/// only when stderr is a terminal, `--quiet` is off and the round's solve has run for at
/// least `threshold` seconds — one line rewritten in place (at most 4 times a second), erased
/// when a fallback line comes and when the printer goes away (the command's clear returned).
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
        case let .cmapProgress(round, lp, _, elapsed):
            guard showProgress else { return }
            guard elapsed >= Self.threshold else {
                if lineShown && round != shownLP.round { erase() }   // a new, still short round
                return
            }
            guard (round, lp) != shownLP || elapsed - shownAt >= 0.25 else { return }
            shownLP = (round, lp); shownAt = elapsed
            write("\r\u{1B}[K" + event.message)
            lineShown = true
        case .solverFallback:
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
