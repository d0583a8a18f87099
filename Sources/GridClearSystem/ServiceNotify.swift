#if canImport(Glibc)
import Glibc
#endif

/// systemd's readiness protocol (`sd_notify`, `Type=notify`): one datagram such as
/// `READY=1` or `STOPPING=1` to the unix socket named by `$NOTIFY_SOCKET` (a path, or an
/// abstract name when it starts with `@`). Without the variable it does nothing, so a service
/// run by hand or by cron is unaffected. Returns true when the datagram was sent.
public enum ServiceNotify {
    @discardableResult
    public static func send(_ state: String) -> Bool {
        guard let raw = getenv("NOTIFY_SOCKET") else { return false }
        var path = Array(String(cString: raw).utf8)
        guard !path.isEmpty else { return false }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.count < capacity else { return false }
        if path[0] == UInt8(ascii: "@") { path[0] = 0 }
        withUnsafeMutableBytes(of: &addr.sun_path) { p in for (i, b) in path.enumerated() { p[i] = b } }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + path.count)
        let bytes = Array(state.utf8)
        let sent = withUnsafePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bytes.withUnsafeBytes { b in
                    (try? Syscall.retrying("sendto") { sendto(fd, b.baseAddress, b.count, Int32(MSG_NOSIGNAL), sa, length) }) ?? -1
                }
            }
        }
        return sent == bytes.count
    }
}
