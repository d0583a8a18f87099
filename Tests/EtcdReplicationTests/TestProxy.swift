import Foundation
import GridClearSystem
#if canImport(Glibc)
import Glibc
#endif

/// A TCP proxy on loopback for partition tests: `cut()` closes the listener and every
/// proxied connection (the node behind it loses etcd); `heal()` listens again on the same
/// port. Blocking sockets, one thread per direction.
final class TestProxy: @unchecked Sendable {
    let port: Int
    let target: Int
    private let state = Locked(State())
    struct State { var listener: Int32 = -1; var conns: [Int32] = []; var generation = 0 }

    init(target: Int) throws {
        self.target = target
        port = try EtcdTestCluster.freePorts(1)[0]
        try heal()
    }

    func heal() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var a = TestProxy.address(port)
        let ok = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
        guard ok, listen(fd, 16) == 0 else { close(fd); throw TestFailure("proxy cannot listen on \(port)") }
        let gen = state.withValue { s -> Int in s.listener = fd; s.generation += 1; return s.generation }
        Thread { [self] in
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                guard state.withValue({ $0.generation == gen }) else { close(c); return }
                let u = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                var t = TestProxy.address(target)
                let connected = withUnsafePointer(to: &t) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(u, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 } }
                if !connected { close(c); close(u); continue }
                state.withValue { $0.conns += [c, u] }
                for (from, to) in [(c, u), (u, c)] {
                    Thread {
                        var buf = [UInt8](repeating: 0, count: 65536)
                        while true {
                            let n = read(from, &buf, buf.count)
                            if n <= 0 { break }
                            var off = 0
                            while off < n { let w = write(to, Array(buf[off..<n]), n - off); if w <= 0 { break }; off += w }
                        }
                        shutdown(to, Int32(SHUT_RDWR)); shutdown(from, Int32(SHUT_RDWR))
                    }.start()
                }
            }
        }.start()
    }

    func cut() {
        state.withValue { s in
            s.generation += 1
            shutdown(s.listener, Int32(SHUT_RDWR)); close(s.listener); s.listener = -1
            for c in s.conns { shutdown(c, Int32(SHUT_RDWR)) }
            s.conns = []
        }
    }

    static func address(_ port: Int) -> sockaddr_in {
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr.s_addr = inet_addr("127.0.0.1")
        a.sin_port = in_port_t(UInt16(port).bigEndian)
        return a
    }
}
