#if canImport(Glibc)
import Glibc
#endif

extension FileSystem {
    /// The permission bits (`st_mode & 0o7777`) of the file at `path` (symlinks followed).
    public static func permissions(of path: String) throws -> UInt32 {
        var st = stat()
        try Syscall.retrying("stat", path) { stat(path, &st) }
        return UInt32(st.st_mode) & 0o7777
    }
}
