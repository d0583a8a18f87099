import ArgumentParser
import GridClearApp
import GridClearCore

/// `--now`: the time a command takes as now (`settle`, `private run`) or where its scheduler's
/// clock starts (`schedule`, `serve`); one home for its formats and its default.
struct NowOption: ParsableArguments {
    @Option(help: "Take this UTC time as now: a cycle id (e.g. 20261120T1000Z), YYYY-MM-DDTHH:MM[:SS]Z or RFC 3339 (default: the system clock; a scheduler's clock runs on from it).")
    var now: String?

    /// The given time, or the system clock's.
    func time() throws -> UTCTime { try commandNow(now) }

    /// The scheduler's clock, starting at the given time (`commandSchedulerClock`).
    func schedulerClock() throws -> SchedulerClock { try commandSchedulerClock(now: now) }
}
