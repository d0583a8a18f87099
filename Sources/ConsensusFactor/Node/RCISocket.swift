#if canImport(Glibc)
internal import Glibc
#endif
import GridClearSystem

/// Where a party listens: `unix:/path/to.sock` or `tcp:HOST:PORT` (IPv4 literal, port 0 = any).
public enum RCIAddress: Equatable, Sendable, CustomStringConvertible {
    case unix(String)
    case tcp(host: String, port: UInt16)

    public init(parsing s: String) throws {
        if s.hasPrefix("unix:") {
            let path = String(s.dropFirst(5))
            guard !path.isEmpty, path.utf8.count < 100 else { throw RCIError.io("unix socket path '\(path)' must be 1–99 bytes") }
            self = .unix(path)
        } else if s.hasPrefix("tcp:"), let colon = s.lastIndex(of: ":"), colon > s.index(s.startIndex, offsetBy: 3),
                  let port = UInt16(s[s.index(after: colon)...]) {
            self = .tcp(host: String(s[s.index(s.startIndex, offsetBy: 4)..<colon]), port: port)
        } else {
            throw RCIError.io("address '\(s)' must be unix:/path or tcp:HOST:PORT")
        }
    }

    public var description: String {
        switch self {
        case .unix(let p): return "unix:\(p)"
        case .tcp(let h, let p): return "tcp:\(h):\(p)"
        }
    }
}

/// A system call through `Syscall.retrying` (EINTR retried), its failure as `RCIError.io`
/// naming what the socket was doing.
@discardableResult
func socketCall<T: FixedWidthInteger>(_ what: @autoclosure () -> String, _ call: () -> T) throws -> T {
    do { return try Syscall.retrying("socket", "", call) } catch let e as SystemError {
        throw RCIError.io("\(what()): \(String(cString: strerror(e.errno)))")
    }
}

/// One connected or listening socket; owns its file descriptor (closed on deinit) and, for a
/// unix listening socket, the socket file it bound (removed on deinit, so no run leaves one).
/// All reads wait with `poll` up to `timeoutMilliseconds`, so a silent peer fails the run.
public final class RCISocket {
    public let fd: Int32
    public let peer: String
    public var timeoutMilliseconds: Int32
    /// The unix socket file this listening socket bound (nil: connected, or TCP).
    private var boundPath: String?

    init(fd: Int32, peer: String, timeoutMilliseconds: Int32) {
        self.fd = fd; self.peer = peer; self.timeoutMilliseconds = timeoutMilliseconds
        var one: Int32 = 1  // no-op on unix sockets; sends use MSG_NOSIGNAL (no SIGPIPE)
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }
    deinit {
        close(fd)
        if let p = boundPath { unlink(p) }
    }

    // MARK: listening

    /// Binds and listens; returns the socket and the actual address (port filled in for tcp:…:0).
    public static func listen(_ address: RCIAddress, timeoutMilliseconds: Int32) throws -> (RCISocket, RCIAddress) {
        switch address {
        case .unix(let path):
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw RCIError.io("socket(AF_UNIX): \(String(cString: strerror(errno)))") }
            let s = RCISocket(fd: fd, peer: address.description, timeoutMilliseconds: timeoutMilliseconds)
            unlink(path)
            try withUnixAddress(path) { sa, len in try socketCall("bind \(address)") { bind(fd, sa, len) } }
            s.boundPath = path
            try socketCall("listen \(address)") { Glibc.listen(fd, 128) }
            return (s, address)
        case .tcp(let host, let port):
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw RCIError.io("socket(AF_INET): \(String(cString: strerror(errno)))") }
            let s = RCISocket(fd: fd, peer: address.description, timeoutMilliseconds: timeoutMilliseconds)
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            try withInetAddress(host, port) { sa, len in try socketCall("bind \(address)") { bind(fd, sa, len) } }
            try socketCall("listen \(address)") { Glibc.listen(fd, 128) }
            var sin = sockaddr_in(), len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &sin) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            return (s, .tcp(host: host, port: UInt16(bigEndian: sin.sin_port)))
        }
    }

    /// Accepts one connection, waiting at most the timeout.
    public func accept() throws -> RCISocket {
        try waitReadable("accepting on \(peer)")
        let c = try socketCall("accept on \(peer)") { Glibc.accept(fd, nil, nil) }
        return RCISocket(fd: c, peer: "\(peer) (accepted)", timeoutMilliseconds: timeoutMilliseconds)
    }

    /// Connects, retrying refused/missing endpoints every 20 ms up to `attempts` times.
    public static func connect(_ address: RCIAddress, timeoutMilliseconds: Int32, attempts: Int = 500) throws -> RCISocket {
        var lastError = ""
        for _ in 0..<attempts {
            let family = { if case .unix = address { return AF_UNIX } else { return AF_INET } }()
            let fd = socket(family, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw RCIError.io("socket: \(String(cString: strerror(errno)))") }
            let s = RCISocket(fd: fd, peer: address.description, timeoutMilliseconds: timeoutMilliseconds)
            do {
                switch address {
                case .unix(let path):
                    try withUnixAddress(path) { sa, len in try socketCall("connect \(address)") { Glibc.connect(fd, sa, len) } }
                case .tcp(let host, let port):
                    try withInetAddress(host, port) { sa, len in try socketCall("connect \(address)") { Glibc.connect(fd, sa, len) } }
                }
                return s
            } catch {
                lastError = "\(error)"
                usleep(20_000)
            }
        }
        throw RCIError.io("could not connect to \(address): \(lastError)")
    }

    // MARK: framed I/O

    public func send(_ m: RCIMessage) throws { try send(frame: try RCIFrame.encode(m)) }

    /// Sends an encoded frame as it is (tests: frames of another version).
    func send(frame bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = try bytes.withUnsafeBytes { buf in
                try socketCall("sending to \(peer)") { Glibc.send(fd, buf.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            }
            sent += n
        }
    }

    public func receive() throws -> RCIMessage {
        while true {
            if let length = try bufferedFrameLength(limit: RCIFrame.maxLength) { return try takeFrame(length: length) }
            if try fill() { continue }
            try waitReadable("reading from \(peer)")
        }
    }

    /// The next frame if it has arrived whole, else nil; never blocks (handshakes, where a
    /// silent or slow peer must not hold anybody up). Throws when the peer closed or when
    /// the announced length is outside [6, `limit`] (garbage is refused at its first 4 bytes).
    /// At most one read's worth beyond a whole frame is buffered, so a flood cannot grow it.
    func receiveIfComplete(limit: Int) throws -> RCIMessage? {
        if let length = try bufferedFrameLength(limit: limit, stranger: true) { return try takeFrame(length: length) }
        guard try fill(), let length = try bufferedFrameLength(limit: limit, stranger: true) else { return nil }
        return try takeFrame(length: length)
    }

    // Received bytes not yet consumed: one read takes every frame that has arrived (a burst of
    // shares, or a reply behind a share), so a frame costs no poll or read of its own.
    private var inbox: [UInt8] = []
    private var consumed = 0
    private var chunk: [UInt8] = []
    private static let chunkSize = 32 << 10

    /// Whether a whole frame (or an invalid length prefix, which `receive` reports) is buffered.
    var hasBufferedFrame: Bool {
        do { return try bufferedFrameLength(limit: RCIFrame.maxLength) != nil } catch { return true }
    }

    /// The length (after the 4-byte prefix) of the buffered first frame when it is whole
    /// (`stranger`: a connection still in its handshake, whose bad prefix means "not an RCI peer").
    private func bufferedFrameLength(limit: Int, stranger: Bool = false) throws -> Int? {
        let available = inbox.count - consumed
        guard available >= 4 else { return nil }
        let length = inbox[consumed..<consumed + 4].reduce(0) { $0 << 8 | Int($1) }
        guard length >= 6, length <= limit else {
            throw RCIError.protocolViolation(stranger ? "frame length \(length) outside [6, \(limit)] (not an RCI peer)"
                                                      : "frame length \(length) from \(peer) outside [6, \(limit)]")
        }
        return available >= 4 + length ? length : nil
    }

    private func takeFrame(length: Int) throws -> RCIMessage {
        let start = consumed + 4
        let frame = Array(inbox[start..<start + length])
        consumed = start + length
        if consumed == inbox.count { inbox.removeAll(keepingCapacity: true); consumed = 0 }
        return try RCIFrame.decode(frame)
    }

    /// Appends what the socket holds now (one read, never waits); false when nothing was there.
    private func fill() throws -> Bool {
        if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: Self.chunkSize) }
        let n = chunk.withUnsafeMutableBytes { buf in recv(fd, buf.baseAddress!, buf.count, Int32(MSG_DONTWAIT)) }
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { return false }
            throw RCIError.io("reading from \(peer): \(String(cString: strerror(errno)))")
        }
        if n == 0 { throw RCIError.peerFailed("connection closed by \(peer) (the process exited or crashed)") }
        if consumed > 0 { inbox.removeFirst(consumed); consumed = 0 }
        inbox.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Waits until one of `sockets` has data (or its peer closed) and returns its index;
    /// throws `RCIError.timeout` after `timeoutMilliseconds` of silence from all of them.
    public static func waitAny(_ sockets: [RCISocket], timeoutMilliseconds: Int32) throws -> Int {
        if let i = sockets.firstIndex(where: \.hasBufferedFrame) { return i }
        var fds = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let n = try fds.withUnsafeMutableBufferPointer { buf in
            try socketCall("waiting for messages") { poll(buf.baseAddress, nfds_t(buf.count), timeoutMilliseconds) }
        }
        if n == 0 {
            throw RCIError.timeout("no message from \(sockets.map(\.peer).joined(separator: ", ")) for \(timeoutMilliseconds) ms")
        }
        guard let i = fds.firstIndex(where: { $0.revents != 0 }) else { throw RCIError.io("poll reported no ready socket") }
        return i
    }

    /// The index of a socket with data (or a closed peer) right now, nil if none (never waits).
    public static func readyIndex(_ sockets: [RCISocket]) throws -> Int? {
        if let i = sockets.firstIndex(where: \.hasBufferedFrame) { return i }
        var fds = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let n = try fds.withUnsafeMutableBufferPointer { buf in
            try socketCall("polling for messages") { poll(buf.baseAddress, nfds_t(buf.count), 0) }
        }
        return n == 0 ? nil : fds.firstIndex { $0.revents != 0 }
    }

    private func waitReadable(_ what: String) throws {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let r = try socketCall(what) { poll(&p, 1, timeoutMilliseconds) }
        if r == 0 { throw RCIError.timeout("\(what) after \(timeoutMilliseconds) ms") }
    }
}

@discardableResult
private func withUnixAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) throws -> T {
    var sun = sockaddr_un()
    sun.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    guard bytes.count < MemoryLayout.size(ofValue: sun.sun_path) else { throw RCIError.io("unix socket path too long: \(path)") }
    withUnsafeMutableBytes(of: &sun.sun_path) { raw in
        raw.copyBytes(from: bytes)
        raw[bytes.count] = 0
    }
    return try withUnsafePointer(to: &sun) {
        try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
}

@discardableResult
private func withInetAddress<T>(_ host: String, _ port: UInt16, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) throws -> T {
    var sin = sockaddr_in()
    sin.sin_family = sa_family_t(AF_INET)
    sin.sin_port = port.bigEndian
    guard inet_pton(AF_INET, host, &sin.sin_addr) == 1 else { throw RCIError.io("'\(host)' is not an IPv4 address") }
    return try withUnsafePointer(to: &sin) {
        try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}
