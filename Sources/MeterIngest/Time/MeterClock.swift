import GridClearSystem

/// The time source the module is given (never read directly by library code):
/// UTC wall time for stamping readings and a monotonic clock for timeouts.
public protocol MeterClock: Sendable {
    /// Milliseconds since the Unix epoch, UTC.
    func utcMillis() -> Int64
    /// Monotonic nanoseconds (arbitrary origin), for deadlines.
    func monotonicNanos() -> UInt64
    /// Blocks the calling thread for `nanos` (returns early once a stop signal arrived).
    func sleep(nanos: UInt64)
}

/// The operating system's clocks (GridClearSystem's `SystemClock`), injected by the command
/// line and tests.
public struct SystemMeterClock: MeterClock {
    private let system = SystemClock()
    public init() {}
    public func utcMillis() -> Int64 { system.now().millis }
    public func monotonicNanos() -> UInt64 { system.monotonicNanos() }
    public func sleep(nanos: UInt64) { system.sleep(nanos: nanos) }
}
