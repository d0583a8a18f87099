#if canImport(Glibc)
import Glibc
#endif

/// A failed file-system call, naming the path and the errno text.
public struct FileError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32
    public var description: String { "\(operation) \(path): \(String(cString: strerror(code)))" }
}

/// File I/O at the edge of the clearing module: whole-file reads, and atomic writes
/// (temp file in the same directory, fsync, rename, fsync of the directory) so a reader
/// sees either the old file or the complete new one — never a half-written result.
public enum AtomicFile {
    /// Retries a syscall on EINTR; returns its result or throws with errno.
    @discardableResult
    static func sys(_ op: String, _ path: String, _ body: () -> Int) throws -> Int {
        while true {
            let r = body()
            if r >= 0 { return r }
            if errno == EINTR { continue }
            throw FileError(path: path, operation: op, code: errno)
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a whole file.
    public static func read(_ path: String) throws -> [UInt8] {
        let fd = Int32(try sys("open", path) { Int(open(path, O_RDONLY | O_CLOEXEC)) })
        defer { close(fd) }
        var out = [UInt8]()
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try buf.withUnsafeMutableBytes { p in try sys("read", path) { Glibc.read(fd, p.baseAddress, p.count) } }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Creates `path` and its parents (mode 0755) when missing.
    public static func makeDirectories(_ path: String) throws {
        var cur = path.hasPrefix("/") ? "" : "."
        for comp in path.split(separator: "/") {
            cur += "/" + comp
            if mkdir(cur, 0o755) != 0 && errno != EEXIST { throw FileError(path: cur, operation: "mkdir", code: errno) }
        }
    }

    /// Writes `bytes` to `path` atomically and durably.
    public static func write(_ bytes: [UInt8], to path: String) throws {
        let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let d = dir.isEmpty ? "." : dir
        let tmp = path + ".tmp-\(getpid())"
        let fd = Int32(try sys("open", tmp) { Int(open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)) })
        do {
            var off = 0
            while off < bytes.count {
                let n = try bytes.withUnsafeBytes { p in try sys("write", tmp) { Glibc.write(fd, p.baseAddress! + off, p.count - off) } }
                off += n
            }
            try sys("fsync", tmp) { Int(fsync(fd)) }
            close(fd)
        } catch {
            close(fd); unlink(tmp); throw error
        }
        do { try sys("rename", path) { Int(rename(tmp, path)) } } catch { unlink(tmp); throw error }
        let dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }
}
