#if canImport(Glibc)
import Glibc
#endif

/// An OS error from a system call, with the call's name and `errno`.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let errno: Int32
    public var description: String {
        "\(call) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// The one wrapper every system call of this module goes through: retries on
/// `EINTR`, turns `-1` into a `SystemError`.
@inline(__always)
@discardableResult
func syscallRetrying<T: FixedWidthInteger>(_ name: String, _ body: () -> T) throws -> T {
    while true {
        let r = body()
        if r == -1 {
            let e = Glibc.errno
            if e == EINTR { continue }
            throw SystemError(call: name, errno: e)
        }
        return r
    }
}
