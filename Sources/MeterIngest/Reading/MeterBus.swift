/// Counters of everything that went wrong (or right) on a meter or a bus.
/// The reader counts each fault it sees; none of them ever yields a value.
public struct MeterCounters: Sendable, Hashable, Codable {
    public var requests = 0
    public var answers = 0
    public var timeouts = 0
    public var crcErrors = 0
    public var exceptions = 0
    public var staleAnswers = 0
    public var noiseBytes = 0
    /// Bytes found waiting before a request or during a quiet-line wait (late answers, noise).
    public var discardedBytes = 0
    public var implausibleValues = 0
    public var reconnects = 0
    public var deviceLost = 0
    public var failedReads = 0
    public init() {}

    public static func + (a: MeterCounters, b: MeterCounters) -> MeterCounters {
        var c = a
        c.requests += b.requests; c.answers += b.answers; c.timeouts += b.timeouts; c.crcErrors += b.crcErrors
        c.exceptions += b.exceptions; c.staleAnswers += b.staleAnswers; c.noiseBytes += b.noiseBytes
        c.discardedBytes += b.discardedBytes; c.implausibleValues += b.implausibleValues
        c.reconnects += b.reconnects; c.deviceLost += b.deviceLost; c.failedReads += b.failedReads
        return c
    }
}

/// Timing of one bus: how long to wait for an answer, how long the line must be quiet
/// after an error, and the reconnect backoff.
public struct BusTiming: Sendable, Hashable {
    /// Time allowed for the meter to start and finish answering after the request left.
    public var responseTimeoutNanos: UInt64 = 200_000_000
    /// Silence required on the line after an error before the next request.
    public var quietNanos: UInt64 = 200_000_000
    public var backoffInitialNanos: UInt64 = 100_000_000
    public var backoffMaxNanos: UInt64 = 10_000_000_000
    public init() {}
    public init(responseTimeoutMillis: Int, quietMillis: Int? = nil, backoffInitialMillis: Int = 100, backoffMaxMillis: Int = 10_000) {
        responseTimeoutNanos = UInt64(responseTimeoutMillis) * 1_000_000
        quietNanos = UInt64(quietMillis ?? responseTimeoutMillis) * 1_000_000
        backoffInitialNanos = UInt64(backoffInitialMillis) * 1_000_000
        backoffMaxNanos = UInt64(backoffMaxMillis) * 1_000_000
    }
}

/// Errors of a bus transaction.
public enum MeterBusError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The device is gone and the next reopen attempt is not due yet.
    case unavailable(path: String, retryInMillis: Int, lastError: String)
    /// The line never went quiet (something keeps transmitting).
    case lineNotQuiet(path: String)
    public var description: String {
        switch self {
        case let .unavailable(p, r, e): return "\(p) unavailable (\(e)); next reopen in \(r) ms"
        case let .lineNotQuiet(p): return "\(p): line never went quiet — another master or a babbling device on the bus?"
        }
    }
}

/// Outcome of one request/answer exchange.
public enum Exchange<Answer> {
    /// `noise` bytes preceded the answer.
    case answer(Answer, noise: Int)
    /// Nothing valid arrived in time; `received` is what did arrive.
    case noAnswer(received: [UInt8])
    /// An answer arrived, but so did more than one answer's worth of bytes in a window that a
    /// late answer to an earlier request may share: which frame answers this request cannot be
    /// told, so none is used (count it as stale and retry after a quiet line).
    case ambiguous(received: [UInt8])
}

/// One serial bus (RS-485 line) with its port, reopened with exponential backoff when the
/// device vanishes. Enforces the inter-frame silence and the stale-answer defence (SPEC §8):
/// input is flushed before every request; after an error or a timeout the line must be quiet
/// before the next; and after a timeout, when the missed answer may still arrive, the next
/// exchange takes an answer only if it is the one answer of its whole window (a late answer
/// followed by the real one is `.ambiguous`, never a reading).
public final class MeterBus {
    public let path: String
    public let settings: SerialSettings
    public let timing: BusTiming
    private let clock: MeterClock
    private var port: SerialPort?
    private var nextOpenAt: UInt64 = 0
    private var backoff: UInt64
    private var lastError = ""
    private var needQuiet = false
    private var lastActivity: UInt64 = 0
    private var everOpened = false
    /// An exchange ended without an answer, so that answer may still arrive late.
    private var lateAnswerPossible = false
    /// Bus-level counters (reconnects, device lost, discarded bytes).
    public private(set) var counters = MeterCounters()

    public init(path: String, settings: SerialSettings, timing: BusTiming = BusTiming(), clock: MeterClock) {
        self.path = path; self.settings = settings; self.timing = timing; self.clock = clock
        self.backoff = timing.backoffInitialNanos
    }

    public var isOpen: Bool { port != nil }

    /// Opens the port now if closed and the backoff allows; throws the open error otherwise.
    public func ensureOpen() throws -> SerialPort {
        if let p = port { return p }
        let now = clock.monotonicNanos()
        if now < nextOpenAt {
            throw MeterBusError.unavailable(path: path, retryInMillis: Int((nextOpenAt - now) / 1_000_000), lastError: lastError)
        }
        do {
            let p = try SerialPort(path: path, settings: settings)
            port = p
            if everOpened { counters.reconnects += 1 }
            everOpened = true
            backoff = timing.backoffInitialNanos
            lastActivity = clock.monotonicNanos()
            needQuiet = false
            return p
        } catch {
            lastError = "\(error)"
            nextOpenAt = now + backoff
            backoff = min(backoff * 2, timing.backoffMaxNanos)
            throw error
        }
    }

    /// Closes the port (e.g. before the process exits).
    public func close() { port?.close(); port = nil }

    private func lost(_ reason: String) {
        port?.close(); port = nil
        counters.deviceLost += 1
        lastError = reason
        nextOpenAt = clock.monotonicNanos() + backoff
        backoff = min(backoff * 2, timing.backoffMaxNanos)
    }

    /// Sends `request` and collects bytes until `scan` finds an answer in them or the
    /// answer time (`expectedAnswerBytes` on the wire + response timeout) has passed.
    /// `scan` returns the answer and the number of noise bytes before it.
    public func exchange<A>(_ request: [UInt8], expectedAnswerBytes: Int,
                            scan: ([UInt8]) -> (A, Int)?) throws -> Exchange<A> {
        let p = try ensureOpen()
        do {
            counters.discardedBytes += try p.discardInput()
            if needQuiet { try waitForQuiet(p) }
            // Inter-frame silence t3.5 since the last byte seen on the line.
            let gapEnd = lastActivity + settings.silenceNanos
            let now = clock.monotonicNanos()
            if now < gapEnd { clock.sleep(nanos: gapEnd - now) }
            try p.writeAll(request, timeoutNanos: settings.wireNanos(bytes: request.count) * 2 + 100_000_000, clock: clock)
            let deadline = clock.monotonicNanos() + settings.wireNanos(bytes: expectedAnswerBytes) + timing.responseTimeoutNanos
            var buffer: [UInt8] = []
            let suspect = lateAnswerPossible
            var found: (answer: A, noise: Int)? = nil
            while true {
                let now = clock.monotonicNanos()
                if now >= deadline { break }
                let n = try p.read(into: &buffer, timeoutNanos: deadline - now)
                if n > 0 {
                    lastActivity = clock.monotonicNanos()
                    if found == nil, let (a, noise) = scan(buffer) {
                        if !suspect { return .answer(a, noise: noise) }
                        found = (a, noise)   // keep listening: is it the only answer of the window?
                    }
                }
            }
            needQuiet = true
            if let f = found {
                if buffer.count <= f.noise + expectedAnswerBytes {
                    lateAnswerPossible = false
                    needQuiet = false
                    return .answer(f.answer, noise: f.noise)
                }
                return .ambiguous(received: buffer)
            }
            lateAnswerPossible = true
            return .noAnswer(received: buffer)
        } catch let e as SerialError {
            if case let .vanished(_, reason) = e { lost(reason) }
            throw e
        }
    }

    /// Marks that the next request must wait for a quiet line (after a bad answer).
    public func requireQuietLine() { needQuiet = true }

    /// Reads and discards until the line has been silent for `quietNanos` (at most 4×).
    private func waitForQuiet(_ p: SerialPort) throws {
        let giveUp = clock.monotonicNanos() + 4 * timing.quietNanos
        var silentSince = clock.monotonicNanos()
        var junk: [UInt8] = []
        while true {
            let now = clock.monotonicNanos()
            if now >= silentSince + timing.quietNanos { break }
            if now >= giveUp { counters.discardedBytes += junk.count; throw MeterBusError.lineNotQuiet(path: path) }
            let n = try p.read(into: &junk, timeoutNanos: silentSince + timing.quietNanos - now)
            if n > 0 { silentSince = clock.monotonicNanos(); lastActivity = silentSince }
        }
        counters.discardedBytes += junk.count
        needQuiet = false
    }
}
