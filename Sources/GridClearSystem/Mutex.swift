#if canImport(Glibc)
import Glibc
#endif

/// A mutual-exclusion lock whose `pthread_mutex_t` lives on the heap at a stable address
/// (as swift-nio's `NIOLock` does: a Swift stored property may move, a pthread mutex must not).
/// The one lock type of GridClear.
public final class Mutex: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init() {
        mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let r = pthread_mutex_init(mutex, nil)
        precondition(r == 0, "pthread_mutex_init failed: \(r)")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` holding the lock.
    @inlinable
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A value guarded by a `Mutex`.
public final class Locked<Value>: @unchecked Sendable {
    private let mutex = Mutex()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    public func withValue<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        try mutex.withLock { try body(&value) }
    }
}

/// A thread-safe increasing counter.
final class AtomicCounter: @unchecked Sendable {
    private let mutex = Mutex()
    private var value: UInt64 = 0
    func next() -> UInt64 { mutex.withLock { value += 1; return value } }
}
