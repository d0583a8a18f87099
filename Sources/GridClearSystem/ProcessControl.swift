#if canImport(Glibc)
import Glibc
#endif

/// The current process: its id, and ending it with an exit code (for front ends and helper
/// executables that do not import Glibc themselves).
public enum ProcessControl {
    public static var id: Int32 { getpid() }

    /// Ends the process with `code` (stdio buffers are flushed).
    public static func exit(_ code: Int32) -> Never { Glibc.exit(code) }
}
