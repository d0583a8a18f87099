import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A test's own scratch folder: a fresh, private (0700) folder `/tmp/gridclear-test-<tag>-<random>`,
/// so a leftover names the test that made it. Always under `/tmp`, not `$TMPDIR`: unix socket
/// paths inside it (rci work folders, platform sockets) must stay below 100 bytes, which a long
/// TMPDIR (macOS's, or `make test`'s private one) would break.
///
/// Guarantees: the folder exists and is empty when `init` returns, no two instances share a
/// path, and the folder is removed with everything in it by `remove()` or, at the latest, when
/// the instance is released (`deinit`). Hold the instance (a `let` in the test's scope or a
/// stored property of the fixture) for as long as the folder is used, or use
/// `withTemporaryFolder`. A process killed with SIGKILL removes nothing: point its temporary
/// files into this folder (`environment` sets `TMPDIR` for a child process).
public final class TemporaryFolder: Sendable {
    /// Absolute path of the folder (no trailing slash).
    public let path: String

    /// Creates the folder; `tag` (letters, digits, `-` and `_` are kept, anything else becomes
    /// `-`) names the test in the folder's name.
    public init(_ tag: String) throws(TemporaryFolderError) {
        let safe = String(tag.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "-" }.prefix(40))
        path = try Self.makeUnique(in: "/tmp", named: "gridclear-test-\(safe)")
    }

    /// Creates a fresh folder `path/<name>-<random>` inside this one (removed with it) and
    /// returns its path: for a test that needs several separate workspaces.
    public func newFolder(_ name: String) throws(TemporaryFolderError) -> String {
        try Self.makeUnique(in: path, named: name)
    }

    /// `mkdtemp` of `dir/name-XXXXXX` (mode 0700).
    private static func makeUnique(in dir: String, named name: String) throws(TemporaryFolderError) -> String {
        var template = Array("\(dir)/\(name)-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw .cannotCreate(in: dir, errno: errno)
        }
        return String(cString: made)
    }

    /// The folder as a file URL.
    public var url: URL { URL(fileURLWithPath: path, isDirectory: true) }

    /// `path/name` (`name` may contain further components).
    public func path(_ name: String) -> String { path + "/" + name }

    /// `url/name` (`name` may contain further components).
    public func url(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Environment for a child process: this process's, with `TMPDIR` set to this folder, so
    /// what the child puts in its temporary folder lands here even when it is killed.
    public var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["TMPDIR": path]) { $1 }
    }

    /// Removes the folder and everything in it now (again on `deinit`: harmless).
    public func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    deinit { remove() }
}

/// Why a `TemporaryFolder` could not be made.
public enum TemporaryFolderError: Error, CustomStringConvertible {
    /// `mkdtemp` failed in the folder `in` with `errno`.
    case cannotCreate(in: String, errno: Int32)

    public var description: String {
        switch self {
        case .cannotCreate(let dir, let code): "cannot create a temporary folder in \(dir): \(String(cString: strerror(code)))"
        }
    }
}

/// Runs `body` with a fresh `TemporaryFolder` tagged `tag` and removes the folder when `body`
/// returns or throws.
public func withTemporaryFolder<T>(_ tag: String, _ body: (TemporaryFolder) throws -> T) throws -> T {
    let folder = try TemporaryFolder(tag)
    defer { folder.remove() }
    return try body(folder)
}
