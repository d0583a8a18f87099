#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `n` consecutive loopback ports that are free now (each bound once with SO_REUSEADDR on
/// 127.0.0.1, then released), for replicas at `ClusterSetup`'s base port + 1 … + n; empty
/// when 200 random bases in 20000…60000 found none. Another process may take a port between
/// this check and its use: callers that bind it treat failure as "try again".
public func freePorts(_ n: Int) -> [Int] {
    for _ in 0..<200 {
        let base = Int.random(in: 20000...60000)
        if (1...n).allSatisfy({ portIsFree(base + $0) }) { return (1...n).map { base + $0 } }
    }
    return []
}

/// Whether `port` on 127.0.0.1 can be bound now (SO_REUSEADDR; the socket is closed again).
public func portIsFree(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var one: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var a = sockaddr_in()
    a.sin_family = sa_family_t(AF_INET); a.sin_port = in_port_t(UInt16(port).bigEndian); a.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } == 0
}

/// `n` distinct loopback ports the kernel picks as free now (all bound at once to port 0 on
/// 127.0.0.1, their numbers read back, then released), not consecutive: for servers that take
/// each port separately (an etcd cluster's client and peer URLs, a proxy). Empty when a socket
/// cannot be bound. Another process may take a port between this check and its use.
public func ephemeralPorts(_ n: Int) -> [Int] {
    var fds: [Int32] = [], out: [Int] = []
    defer { for f in fds { close(f) } }
    for _ in 0..<n {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return [] }
        fds.append(fd)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { return [] }
        out.append(Int(UInt16(bigEndian: addr.sin_port)))
    }
    return out
}
