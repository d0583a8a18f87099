import GridClearApp
import GridClearCore
import GridClearSystem

/// The scheduler's clock for `schedule` and `serve`: `--now` (or the system clock) advanced by
/// the monotonic clock; sleeps wake every 200 ms to honour SIGTERM/SIGINT (`StopSignals`).
func commandSchedulerClock(now text: String?) throws -> SchedulerClock {
    let start = try commandNow(text), system = SystemClock(), startMono = system.monotonicNanos()
    let clockNow: @Sendable () -> UTCTime = { start.adding(millis: Int64((system.monotonicNanos() - startMono) / 1_000_000)) }
    return SchedulerClock(now: clockNow, sleep: { deadline in
        while !StopSignals.requested, clockNow() < deadline {
            system.sleep(nanos: UInt64(min(200, max(1, deadline.millis - clockNow().millis))) * 1_000_000)
        }
    }, stopRequested: { StopSignals.requested })
}
