// OS-facing: serial devices and pseudo-terminals (termios, ioctl, poll) through
// GridClearSystem's syscall wrapper.
#if canImport(Glibc)
import Glibc
#endif
import GridClearSystem

/// Errors of a serial port, each saying what to check.
public enum SerialError: Error, CustomStringConvertible, Sendable, Equatable {
    case open(path: String, SystemError)
    case unsupportedBaud(Int)
    case configure(path: String, SystemError)
    case settingsMismatch(path: String, wanted: SerialSettings, got: SerialSettings)
    /// The device disappeared (EIO, hangup or end of file): close and reopen later.
    case vanished(path: String, reason: String)
    case io(path: String, SystemError)
    case closed(path: String)

    public var description: String {
        switch self {
        case let .open(p, e): return "cannot open serial device \(p): \(e) — check the path and permissions (dialout group)"
        case let .unsupportedBaud(b): return "unsupported baud rate \(b); use one of \(SerialSettings.supportedBauds.map(String.init).joined(separator: ", "))"
        case let .configure(p, e): return "cannot configure \(p): \(e) — is it a serial device?"
        case let .settingsMismatch(p, w, g): return "\(p) did not accept settings \(w) (reads back \(g))"
        case let .vanished(p, r): return "serial device \(p) vanished (\(r)); it will be reopened"
        case let .io(p, e): return "I/O error on \(p): \(e)"
        case let .closed(p): return "serial device \(p) is closed"
        }
    }
}

/// One open serial device in raw mode. Owns its file descriptor exactly once and closes it
/// on `close()` or deinit. Timing is by `poll()` (VMIN = VTIME = 0, non-blocking), so no
/// call blocks longer than the timeout it is given.
public final class SerialPort {
    public let path: String
    public let settings: SerialSettings
    private var fd: Int32

    /// Opens `path` with O_NOCTTY|O_NONBLOCK, sets raw mode, baud, parity, stop bits,
    /// no flow control, VMIN = VTIME = 0, then reads the settings back and checks them.
    public init(path: String, settings: SerialSettings) throws {
        guard let speed = SerialPort.speedConstant(settings.baud) else { throw SerialError.unsupportedBaud(settings.baud) }
        self.path = path
        self.settings = settings
        do {
            fd = try Syscall.retrying("open") { Glibc.open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) }
        } catch let e as SystemError { throw SerialError.open(path: path, e) }
        do {
            var t = termios()
            try Syscall.retrying("tcgetattr") { tcgetattr(fd, &t) }
            cfmakeraw(&t)
            // Parity and stop bits are set after cfmakeraw (which clears PARENB).
            let clearC: tcflag_t = tcflag_t(PARENB) | tcflag_t(PARODD) | tcflag_t(CSTOPB) | tcflag_t(CSIZE) | tcflag_t(CRTSCTS)
            t.c_cflag &= ~clearC
            t.c_cflag |= tcflag_t(CS8) | tcflag_t(CREAD) | tcflag_t(CLOCAL)
            switch settings.parity {
            case .none: break
            case .even: t.c_cflag |= tcflag_t(PARENB)
            case .odd: t.c_cflag |= tcflag_t(PARENB) | tcflag_t(PARODD)
            }
            if settings.stopBits == 2 { t.c_cflag |= tcflag_t(CSTOPB) }
            let clearI: tcflag_t = tcflag_t(IXON) | tcflag_t(IXOFF) | tcflag_t(IXANY) | tcflag_t(INPCK) | tcflag_t(ISTRIP)
            t.c_iflag &= ~clearI
            withUnsafeMutableBytes(of: &t.c_cc) { cc in
                cc[Int(VMIN)] = 0
                cc[Int(VTIME)] = 0
            }
            try Syscall.retrying("cfsetispeed") { cfsetispeed(&t, speed) }
            try Syscall.retrying("cfsetospeed") { cfsetospeed(&t, speed) }
            try Syscall.retrying("tcsetattr") { tcsetattr(fd, TCSANOW, &t) }
            try Syscall.retrying("tcflush") { tcflush(fd, TCIOFLUSH) }
        } catch let e as SystemError {
            Glibc.close(fd)
            throw SerialError.configure(path: path, e)
        }
        let got: SerialSettings
        do { got = try readBack() } catch { Glibc.close(fd); throw error }
        isPseudoTerminal = SerialPort.isPseudoTerminal(fd)
        // Linux ptys force 8 bits without parity; that is the only mismatch accepted, and only there.
        var comparable = settings
        if isPseudoTerminal { comparable.parity = got.parity }
        if got != comparable {
            Glibc.close(fd)
            throw SerialError.settingsMismatch(path: path, wanted: settings, got: got)
        }
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public var isOpen: Bool { fd >= 0 }
    /// True for a pseudo-terminal (tests, socat): parity cannot be set there.
    public private(set) var isPseudoTerminal = false

    /// Unix98 pty slaves have majors 136…143.
    static func isPseudoTerminal(_ fd: Int32) -> Bool {
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFCHR else { return false }
        let major = (st.st_rdev >> 8) & 0xFFF
        return (136...143).contains(major)
    }

    /// Closes the descriptor (idempotent).
    public func close() {
        if fd >= 0 { Glibc.close(fd); fd = -1 }
    }

    /// The settings the driver actually holds.
    public func readBack() throws -> SerialSettings {
        guard fd >= 0 else { throw SerialError.closed(path: path) }
        var t = termios()
        do { try Syscall.retrying("tcgetattr") { tcgetattr(fd, &t) } } catch let e as SystemError { throw SerialError.configure(path: path, e) }
        let speed = cfgetospeed(&t)
        let baud = SerialSettings.supportedBauds.first { SerialPort.speedConstant($0) == speed } ?? -1
        let parity: Parity = (t.c_cflag & tcflag_t(PARENB)) == 0 ? .none : ((t.c_cflag & tcflag_t(PARODD)) != 0 ? .odd : .even)
        let stop = (t.c_cflag & tcflag_t(CSTOPB)) != 0 ? 2 : 1
        return SerialSettings(baud: baud, parity: parity, stopBits: stop)
    }

    /// Discards pending input; returns how many bytes were waiting (stale or noise).
    @discardableResult
    public func discardInput() throws -> Int {
        guard fd >= 0 else { throw SerialError.closed(path: path) }
        var count: Int32 = 0
        _ = ioctl(fd, UInt(FIONREAD), &count)
        do { try Syscall.retrying("tcflush") { tcflush(fd, TCIFLUSH) } } catch let e as SystemError { throw mapIO(e) }
        return Int(count)
    }

    /// Writes all of `bytes` within `timeoutNanos`, then waits until they left the driver.
    public func writeAll(_ bytes: [UInt8], timeoutNanos: UInt64, clock: MeterClock) throws {
        guard fd >= 0 else { throw SerialError.closed(path: path) }
        let deadline = clock.monotonicNanos() &+ timeoutNanos
        var off = 0
        while off < bytes.count {
            let n: Int
            do {
                n = try bytes.withUnsafeBytes { raw in
                    try Syscall.retrying("write") { Glibc.write(fd, raw.baseAddress! + off, raw.count - off) }
                }
            } catch let e as SystemError where e.errno == EAGAIN {
                let now = clock.monotonicNanos()
                guard now < deadline else { throw SerialError.io(path: path, SystemError(call: "write", path: "", errno: ETIMEDOUT)) }
                _ = try pollOnce(events: Int16(POLLOUT), timeoutNanos: deadline - now)
                continue
            } catch let e as SystemError { throw mapIO(e) }
            off += n
        }
        do { try Syscall.retrying("tcdrain") { tcdrain(fd) } } catch let e as SystemError { throw mapIO(e) }
    }

    /// Waits up to `timeoutNanos` for input and appends what is there to `buffer`.
    /// Returns the number of bytes read (0 on timeout). Throws `.vanished` on hangup,
    /// EIO, or a readable descriptor that yields end of file.
    public func read(into buffer: inout [UInt8], timeoutNanos: UInt64) throws -> Int {
        guard fd >= 0 else { throw SerialError.closed(path: path) }
        guard try pollOnce(events: Int16(POLLIN), timeoutNanos: timeoutNanos) else { return 0 }
        var chunk = [UInt8](repeating: 0, count: 512)
        let n: Int
        do {
            n = try chunk.withUnsafeMutableBytes { raw in
                try Syscall.retrying("read") { Glibc.read(fd, raw.baseAddress!, raw.count) }
            }
        } catch let e as SystemError where e.errno == EAGAIN {
            return 0
        } catch let e as SystemError { throw mapIO(e) }
        if n == 0 { throw SerialError.vanished(path: path, reason: "end of file") }
        buffer.append(contentsOf: chunk[0..<n])
        return n
    }

    /// poll() for `events`; true when ready. Hangup/error → `.vanished`.
    private func pollOnce(events: Int16, timeoutNanos: UInt64) throws -> Bool {
        var p = pollfd(fd: fd, events: events, revents: 0)
        let ms = Int32(min(UInt64(Int32.max), (timeoutNanos + 999_999) / 1_000_000))
        let r: Int32
        do { r = try Syscall.retrying("poll") { Glibc.poll(&p, 1, ms) } } catch let e as SystemError { throw mapIO(e) }
        if r == 0 { return false }
        if p.revents & Int16(POLLNVAL) != 0 { throw SerialError.vanished(path: path, reason: "descriptor invalid") }
        if p.revents & Int16(POLLIN) != 0 && events == Int16(POLLIN) { return true }
        if p.revents & Int16(POLLHUP | POLLERR) != 0 { throw SerialError.vanished(path: path, reason: "hangup") }
        return p.revents & events != 0
    }

    private func mapIO(_ e: SystemError) -> SerialError {
        if e.errno == EIO || e.errno == ENXIO || e.errno == ENODEV || e.errno == EBADF {
            return .vanished(path: path, reason: "\(e)")
        }
        return .io(path: path, e)
    }

    static func speedConstant(_ baud: Int) -> speed_t? {
        switch baud {
        case 1200: return speed_t(B1200)
        case 2400: return speed_t(B2400)
        case 4800: return speed_t(B4800)
        case 9600: return speed_t(B9600)
        case 19200: return speed_t(B19200)
        case 38400: return speed_t(B38400)
        case 57600: return speed_t(B57600)
        case 115200: return speed_t(B115200)
        default: return nil
        }
    }
}
