#if canImport(Glibc)
import Glibc
#endif

/// The one wrapper every system call of GridClear goes through: it retries on `EINTR`
/// and turns a `-1` result into a `SystemError` naming the call and the path.
public enum Syscall {
    @inline(__always)
    @discardableResult
    public static func retrying<T: FixedWidthInteger>(_ call: String, _ path: String = "", _ body: () -> T) throws -> T {
        while true {
            let r = body()
            if r == -1 {
                let e = Glibc.errno
                if e == EINTR { continue }
                throw SystemError(call: call, path: path, errno: e)
            }
            return r
        }
    }

    /// The current `errno` as a `SystemError` (for calls that signal failure otherwise).
    public static func lastError(_ call: String, _ path: String = "") -> SystemError {
        SystemError(call: call, path: path, errno: Glibc.errno)
    }
}
