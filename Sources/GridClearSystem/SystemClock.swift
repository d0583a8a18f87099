#if canImport(Glibc)
import Glibc
#endif
import GridClearCore

/// The operating system's clocks, read only here and injected into library code
/// (library modules never read the clock themselves, SPEC intro).
public struct SystemClock: Sendable {
    public init() {}

    /// Wall-clock time, UTC, milliseconds.
    public func now() -> UTCTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UTCTime(millis: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    /// Monotonic nanoseconds from an arbitrary origin, for durations and deadlines.
    public func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// CPU time consumed by the calling thread, nanoseconds (cost accounting on a shared
    /// machine, where wall time also counts other processes' work).
    public func threadCPUNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Sleeps `nanos`; returns early (false) when a stop signal arrives, see `StopSignals`.
    @discardableResult
    public func sleep(nanos: UInt64) -> Bool {
        var req = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var rem = timespec()
        while nanosleep(&req, &rem) == -1 && errno == EINTR {
            if StopSignals.requested { return false }
            req = rem
        }
        return !StopSignals.requested
    }

    /// Seconds elapsed since `startNanos` (a `monotonicNanos()` reading).
    public func secondsSince(_ startNanos: UInt64) -> Double {
        Double(monotonicNanos() &- startNanos) / 1e9
    }
}
