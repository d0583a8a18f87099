#if canImport(Glibc)
import Glibc
#endif

/// The time source the module is given (never read directly by library code):
/// UTC wall time for stamping readings and a monotonic clock for timeouts.
public protocol MeterClock: Sendable {
    /// Milliseconds since the Unix epoch, UTC.
    func utcMillis() -> Int64
    /// Monotonic nanoseconds (arbitrary origin), for deadlines.
    func monotonicNanos() -> UInt64
    /// Blocks the calling thread for `nanos`.
    func sleep(nanos: UInt64)
}

/// The operating system's clocks. Injected by the command line and tests.
public struct SystemMeterClock: MeterClock {
    public init() {}
    public func utcMillis() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }
    public func monotonicNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
    public func sleep(nanos: UInt64) {
        var req = timespec(tv_sec: Int(nanos / 1_000_000_000), tv_nsec: Int(nanos % 1_000_000_000))
        var rem = timespec()
        while nanosleep(&req, &rem) == -1 && errno == EINTR { req = rem }
    }
}
