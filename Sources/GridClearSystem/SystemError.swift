#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: which call, on what path (or descriptor), and `errno`.
/// The one OS error type of GridClear; its description names the call, the path and
/// errno's text, so a printed error says what failed where.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public var call: String
    public var path: String
    public var errno: Int32

    public init(call: String, path: String, errno: Int32) {
        self.call = call; self.path = path; self.errno = errno
    }

    public var description: String {
        path.isEmpty ? "\(call): \(reason)" : "\(call) \(path): \(reason)"
    }

    /// errno's text alone (`No such file or directory`), for messages that already name the path.
    public var reason: String { String(cString: strerror(errno)) }

    /// True when the call failed because the file or directory does not exist.
    public var isNotFound: Bool { errno == ENOENT }
}
