#if canImport(Glibc)
import Glibc
#endif
import GridClearSystem

/// A unix-domain or TCP stream socket carrying one length-prefixed frame per connection
/// (`u32 length ‖ frame`, at most 64 MiB). Owns its descriptor (closed on deinit).
///
/// Why one frame per connection: a role handles one message at a time, so a sender never
/// waits on a peer that is itself waiting to send (small frames fit the kernel buffer;
/// large ones go to a peer that is idle in `accept`).
final class MarketSocket {
    let fd: Int32
    let path: String
    static let maxFrame = 64 << 20

    private init(fd: Int32, path: String) { self.fd = fd; self.path = path }
    deinit { close(fd) }

    private static func withAddress<T>(_ endpoint: MarketEndpoint, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> T) throws -> T {
        switch endpoint {
        case .unix(let path):
            var sun = sockaddr_un()
            sun.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: sun.sun_path) else { throw PrivateMarketError.usage("socket path '\(path)' is too long (use a shorter --run-dir)") }
            withUnsafeMutableBytes(of: &sun.sun_path) { buf in for (i, b) in bytes.enumerated() { buf[i] = b } }
            return try withUnsafePointer(to: &sun) { p in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
        case .tcp(let host, let port):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            guard inet_pton(AF_INET, host, &sin.sin_addr) == 1 else { throw PrivateMarketError.usage("'\(host)' is not a numeric IPv4 address (e.g. 127.0.0.1)") }
            return try withUnsafePointer(to: &sin) { p in
                try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        }
    }

    private static func open(_ endpoint: MarketEndpoint) throws -> Int32 {
        switch endpoint {
        case .unix(let path): return try Syscall.retrying("socket", path) { socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0) }
        case .tcp: return try Syscall.retrying("socket", endpoint.description) { socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0) }
        }
    }

    /// Listens at `path` (replacing a stale socket file), mode 0600.
    static func listen(_ path: String) throws -> MarketSocket { try listen(.unix(path)) }

    /// Listens at a unix path (replacing a stale socket file, mode 0600) or a TCP address.
    static func listen(_ endpoint: MarketEndpoint) throws -> MarketSocket {
        let fd = try open(endpoint)
        let s = MarketSocket(fd: fd, path: endpoint.description)
        if case .unix(let path) = endpoint { unlink(path) } else {
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        try withAddress(endpoint) { sa, len in _ = try Syscall.retrying("bind", endpoint.description) { bind(fd, sa, len) } }
        if case .unix(let path) = endpoint { chmod(path, 0o600) }
        _ = try Syscall.retrying("listen", endpoint.description) { Glibc.listen(fd, 512) }
        return s
    }

    /// `count` distinct loopback TCP ports free right now: all probes stay bound until every
    /// port is known, so the kernel cannot hand the same port out twice within one run.
    static func freeLoopbackPorts(_ count: Int) throws -> [UInt16] {
        var probes: [MarketSocket] = []
        var ports: [UInt16] = []
        for _ in 0..<count {
            let s = try listen(.tcp(host: "127.0.0.1", port: 0))
            probes.append(s)
            ports.append(try boundPort(s))
        }
        return ports
    }

    /// A loopback TCP port free right now (bound to port 0 and released).
    static func freeLoopbackPort() throws -> UInt16 { try freeLoopbackPorts(1)[0] }

    private static func boundPort(_ s: MarketSocket) throws -> UInt16 {
        var sin = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try withUnsafeMutablePointer(to: &sin) { p in
            try p.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in try Syscall.retrying("getsockname", s.path) { getsockname(s.fd, sa, &len) } }
        }
        return UInt16(bigEndian: sin.sin_port)
    }

    /// Waits up to `timeoutMilliseconds` for a connection on any of `sockets` and reads its one frame.
    static func acceptFrame(on sockets: [MarketSocket], timeoutMilliseconds: Int32) throws -> [UInt8]? {
        var ps = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
        let r = try Syscall.retrying("poll", sockets.first?.path ?? "") { poll(&ps, nfds_t(ps.count), timeoutMilliseconds) }
        guard r > 0, let i = ps.firstIndex(where: { $0.revents & Int16(POLLIN) != 0 }) else { return nil }
        let listener = sockets[i]
        let c = try Syscall.retrying("accept", listener.path) { accept(listener.fd, nil, nil) }
        let conn = MarketSocket(fd: c, path: listener.path)
        let header = try conn.readExactly(4)
        let n = header.reduce(0) { $0 << 8 | Int($1) }
        guard n > 0, n <= maxFrame else { throw PrivateMarketError.incomplete("frame of \(n) bytes on \(listener.path)") }
        return try conn.readExactly(n)
    }

    /// Connects to `path` (retrying while the peer is starting, up to ~10 s) and writes one frame.
    static func sendFrame(_ frame: [UInt8], to path: String) throws { try sendFrame(frame, to: .unix(path)) }

    /// Connects to `endpoint` (retrying while the peer is starting, up to ~10 s) and writes one frame.
    static func sendFrame(_ frame: [UInt8], to endpoint: MarketEndpoint) throws {
        var last: Error = PrivateMarketError.incomplete("no attempt")
        for _ in 0..<500 {
            let fd = try open(endpoint)
            let s = MarketSocket(fd: fd, path: endpoint.description)
            do {
                try withAddress(endpoint) { sa, len in _ = try Syscall.retrying("connect", endpoint.description) { connect(fd, sa, len) } }
                let n = frame.count
                try s.writeAll([UInt8(truncatingIfNeeded: n >> 24), UInt8(truncatingIfNeeded: n >> 16), UInt8(truncatingIfNeeded: n >> 8), UInt8(truncatingIfNeeded: n)] + frame)
                return
            } catch { last = error; usleep(20_000) }
        }
        throw PrivateMarketError.incomplete("cannot reach \(endpoint): \(last)")
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = try bytes.withUnsafeBytes { b in try Syscall.retrying("send", path) { send(fd, b.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) } }
            sent += n
        }
    }

    private func readExactly(_ n: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: n)
        var got = 0
        while got < n {
            let r = try out.withUnsafeMutableBytes { b in try Syscall.retrying("recv", path) { recv(fd, b.baseAddress! + got, n - got, 0) } }
            if r == 0 { throw PrivateMarketError.incomplete("peer closed the connection on \(path) mid-frame") }
            got += r
        }
        return out
    }
}
