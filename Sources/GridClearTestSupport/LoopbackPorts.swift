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
