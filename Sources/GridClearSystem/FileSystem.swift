#if canImport(Glibc)
import Glibc
#endif

/// Whole-file reads and directory operations at the edge of GridClear.
///
/// Guarantees: `read` accepts only a regular file (a symlink is followed only to a regular
/// file; a FIFO, device or directory is refused before any byte is read, so it never
/// blocks) and stops with `FileSystem.Error.tooLarge` as soon as `maxBytes` is exceeded, so
/// memory stays bounded whatever the file is.
public enum FileSystem {
    public enum Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        case notRegularFile(path: String, kind: String)
        case tooLarge(path: String, limit: Int)

        public var description: String {
            switch self {
            case .notRegularFile(let p, let k): return "\(p): is a \(k), not a regular file"
            case .tooLarge(let p, let l): return "\(p): larger than the limit of \(l) bytes"
            }
        }
    }

    /// Default size cap of an input file (SPEC §2: 256 MiB).
    public static let defaultMaxBytes = 256 << 20

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Reads the whole regular file at `path`, at most `maxBytes` bytes.
    public static func read(_ path: String, maxBytes: Int = defaultMaxBytes) throws -> [UInt8] {
        // O_NONBLOCK so that opening a FIFO never waits for a writer; the type check follows.
        let fd = try Syscall.retrying("open", path) { open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        defer { close(fd) }
        var st = stat()
        try Syscall.retrying("fstat", path) { fstat(fd, &st) }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else { throw Error.notRegularFile(path: path, kind: kindName(kind)) }
        guard Int(st.st_size) <= maxBytes else { throw Error.tooLarge(path: path, limit: maxBytes) }
        var out = [UInt8]()
        out.reserveCapacity(Int(st.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBytes { b in
                try Syscall.retrying("read", path) { Glibc.read(fd, b.baseAddress, b.count) }
            }
            if n == 0 { return out }
            guard out.count + n <= maxBytes else { throw Error.tooLarge(path: path, limit: maxBytes) }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Reads a whole UTF-8 text file (invalid sequences are replaced, never trapped on).
    public static func readText(_ path: String, maxBytes: Int = defaultMaxBytes) throws -> String {
        String(decoding: try read(path, maxBytes: maxBytes), as: UTF8.self)
    }

    /// Creates `dir` and its parents (mode 0755) when missing, syncing each parent that gained
    /// an entry so the new directories survive a crash.
    public static func makeDirectories(_ dir: String) throws {
        if isDirectory(dir) { return }
        let parent = parent(of: dir)
        if parent != dir { try makeDirectories(parent) }
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw Syscall.lastError("mkdir", dir) }
        try Durability.syncDirectoryOrStop(parent)
    }

    /// Names in `dir` (without "." and ".."), sorted bytewise.
    public static func list(_ dir: String) throws -> [String] {
        guard let d = opendir(dir) else { throw Syscall.lastError("opendir", dir) }
        defer { closedir(d) }
        var names: [String] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Removes a file; a missing file is not an error.
    public static func remove(_ path: String) throws {
        if unlink(path) != 0 && errno != ENOENT { throw Syscall.lastError("unlink", path) }
    }

    /// Renames `from` to `to` atomically (same file system) and syncs the directory.
    public static func rename(_ from: String, to: String) throws {
        try Syscall.retrying("rename", to) { Glibc.rename(from, to) }
        try Durability.syncDirectoryOrStop(parent(of: to))
    }

    /// The directory part of `path` ("." for a bare name, "/" for the root).
    public static func parent(of path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        guard let i = p.lastIndex(of: "/") else { return "." }
        return i == p.startIndex ? "/" : String(p[..<i])
    }

    /// `a/b` without doubling the slash.
    public static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

    static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: return "directory"
        case S_IFIFO: return "FIFO"
        case S_IFCHR: return "character device"
        case S_IFBLK: return "block device"
        case S_IFSOCK: return "socket"
        default: return "special file"
        }
    }
}
