#if canImport(Glibc)
import Glibc
#endif

/// The real clocks, read only here at the edge and injected into library code.
enum SystemClock {
    /// Monotonic nanoseconds (for durations).
    @Sendable static func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
    /// Wall-clock milliseconds since the Unix epoch.
    static func wallMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
}
