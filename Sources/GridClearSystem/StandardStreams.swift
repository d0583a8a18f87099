#if canImport(Glibc)
import Glibc
#endif

/// Unbuffered writes to the standard streams by file descriptor (safe from any thread and
/// from fatal paths). Library modules never print; the CLI and the system layer do, here.
public enum StandardStreams {
    /// Writes `text` to standard error (fd 2), ignoring failures (nothing else can be done).
    public static func writeError(_ text: String) { write(2, text) }

    /// Writes `text` to standard output (fd 1).
    public static func writeOutput(_ text: String) { write(1, text) }

    /// True when standard error is a terminal (progress lines are shown only then).
    public static var errorIsTerminal: Bool { isatty(2) == 1 }

    private static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        var done = 0
        bytes.withUnsafeBytes { b in
            while done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 { if errno == EINTR { continue } else { return } }
                done += n
            }
        }
    }
}
