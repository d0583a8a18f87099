#if canImport(Glibc)
import Glibc
#endif

/// A connected socket pair whose parent end only the parent holds (close-on-exec, never
/// inherited): when the parent dies for any reason the kernel closes it and every child
/// reading the other end (`readEnd`, handed to children as fd 3) sees end-of-file.
public final class SupervisionPipe {
    public let readEnd: Int32
    public let writeEnd: Int32

    public init() throws {
        var fds: [Int32] = [0, 0]
        try Syscall.retrying("socketpair") {
            socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds)
        }
        readEnd = fds[0]; writeEnd = fds[1]
    }
    deinit { close(readEnd); close(writeEnd) }
}

/// The child's side of a `SupervisionPipe`.
public enum Supervision {
    public static let environmentKey = "GRIDCLEAR_SUPERVISION_FD"
    public static let childDescriptor: Int32 = 3

    /// If this process was started under supervision, starts a thread that ends the process
    /// (exit status 1, one line on stderr) as soon as the parent is gone. Idempotent enough
    /// for one call at start-up; does nothing without the environment variable.
    public static func exitWhenParentDies() {
        guard let value = getenv(environmentKey), let fd = Int32(String(cString: value)), fd >= 0 else { return }
        unsetenv(environmentKey)
        let box = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        box.initialize(to: fd)
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            let fd = arg!.assumingMemoryBound(to: Int32.self).pointee
            var byte: UInt8 = 0
            while true {
                let r = read(fd, &byte, 1)
                if r < 0 && errno == EINTR { continue }
                if r <= 0 { break }
            }
            let line = "gridclear: supervising parent exited; stopping\n"
            _ = line.withCString { write(2, $0, strlen($0)) }
            _exit(1)
        }, box)
        if rc == 0 { pthread_detach(thread) }
    }
}
