#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failed system call: which call, on what, and errno's text.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var call: String
    public var path: String
    public var errno: Int32
    public var description: String { "\(call) \(path): \(String(cString: strerror(errno)))" }
}

/// The one place this module makes system calls: every call retries on EINTR and turns a
/// failure into a `SystemError`. An fsync failure is not returned: it stops the process,
/// because after a failed fsync the page cache may have dropped the data and no retry can
/// tell whether it is on disk (the "fsyncgate" lesson).
enum Sys {
    @discardableResult
    static func call(_ name: String, _ path: String, _ body: () -> Int) throws -> Int {
        while true {
            let r = body()
            if r >= 0 { return r }
            let e = errno
            if e == EINTR { continue }
            throw SystemError(call: name, path: path, errno: e)
        }
    }

    static func open(_ path: String, _ flags: Int32, _ mode: mode_t = 0o644) throws -> Int32 {
        Int32(try call("open", path) { Int(Glibc.open(path, flags | O_CLOEXEC, mode)) })
    }

    static func close(_ fd: Int32) { _ = Glibc.close(fd) }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var done = 0
        try bytes.withUnsafeBytes { buf in
            while done < buf.count {
                done += try call("write", path) { Glibc.write(fd, buf.baseAddress! + done, buf.count - done) }
            }
        }
    }

    static func readAll(_ path: String) throws -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { b in try call("read", path) { Glibc.read(fd, b.baseAddress!, b.count) } }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// fsync or stop: see the type's comment.
    static func fsyncOrDie(_ fd: Int32, path: String) {
        while true {
            if fsync(fd) == 0 { return }
            let e = errno
            if e == EINTR { continue }
            fatalError("fsync \(path) failed: \(String(cString: strerror(e))); stopping (data may not be durable)")
        }
    }

    static func fsyncDirectory(_ dir: String) throws {
        let fd = try open(dir, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        fsyncOrDie(fd, path: dir)
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Creates `dir` (and parents) if missing, syncing each parent that gained an entry.
    static func makeDirectories(_ dir: String) throws {
        if isDirectory(dir) { return }
        let parent = parentOf(dir)
        if parent != dir { try makeDirectories(parent) }
        let r = mkdir(dir, 0o755)
        if r != 0 && errno != EEXIST { throw SystemError(call: "mkdir", path: dir, errno: errno) }
        try fsyncDirectory(parent)
    }

    static func parentOf(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        guard let i = p.lastIndex(of: "/") else { return "." }
        return i == p.startIndex ? "/" : String(p[..<i])
    }

    /// Writes `bytes` to `path` atomically: temp file, fsync, rename, fsync directory.
    static func writeAtomically(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws {
        let tmp = path + ".tmp"
        let fd = try open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        do {
            try writeAll(fd, bytes, path: tmp)
            fsyncOrDie(fd, path: tmp)
            close(fd)
        } catch { close(fd); _ = unlink(tmp); throw error }
        try call("rename", path) { Int(rename(tmp, path)) }
        try fsyncDirectory(parentOf(path))
    }
}
