// OS-facing: serial devices and pseudo-terminals (termios, ioctl, poll) through
// GridClearSystem's syscall wrapper.
#if canImport(Glibc)
import Glibc
#endif
import GridClearSystem

/// A pseudo-terminal pair: the master end (the simulated device side) owned by this value,
/// and the slave path a `SerialPort` opens. The slave is put in raw mode and one slave
/// descriptor is kept open so the master never sees a hangup between client opens.
public final class PseudoTerminal {
    public private(set) var masterFD: Int32
    private var keepSlaveFD: Int32
    /// `/dev/pts/N`.
    public let slavePath: String

    public init() throws {
        // posix_openpt/unlockpt/ptsname as Linux implements them: /dev/ptmx, TIOCSPTLCK, TIOCGPTN.
        let m = try Syscall.retrying("open", "/dev/ptmx") { Glibc.open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC) }
        var unlock: Int32 = 0
        var number: UInt32 = 0
        guard ioctl(m, 0x4004_5431 /* TIOCSPTLCK */, &unlock) == 0, ioctl(m, 0x8004_5430 /* TIOCGPTN */, &number) == 0 else {
            let e = errno; Glibc.close(m); throw SystemError(call: "ioctl(TIOCSPTLCK/TIOCGPTN)", path: "/dev/ptmx", errno: e)
        }
        let path = "/dev/pts/\(number)"
        slavePath = path
        let s: Int32
        do { s = try Syscall.retrying("open", path) { Glibc.open(path, O_RDWR | O_NOCTTY | O_CLOEXEC) } } catch { Glibc.close(m); throw error }
        var t = termios()
        tcgetattr(s, &t)
        cfmakeraw(&t)
        tcsetattr(s, TCSANOW, &t)
        let fl = fcntl(m, F_GETFL)
        _ = fcntl(m, F_SETFL, fl | O_NONBLOCK)
        masterFD = m
        keepSlaveFD = s
    }

    /// Closes both ends: a client holding the slave sees a hangup ("unplug").
    public func close() {
        if masterFD >= 0 { Glibc.close(masterFD); masterFD = -1 }
        if keepSlaveFD >= 0 { Glibc.close(keepSlaveFD); keepSlaveFD = -1 }
    }

    deinit { close() }
}

/// Points `link` at `target` atomically (symlink to a temporary name, then rename).
public func replaceSymlink(_ link: String, to target: String) throws {
    let tmp = link + ".tmp-\(getpid())"
    unlink(tmp)
    try Syscall.retrying("symlink", tmp) { symlink(target, tmp) }
    try Syscall.retrying("rename", link) { rename(tmp, link) }
}
