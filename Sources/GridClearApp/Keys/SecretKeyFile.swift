import GridClearSystem

/// One rule for reading any secret key file (node keys, the registration authority's blind-RSA
/// key): a regular file of bounded size that neither group nor others may read.
public enum SecretKeyFile {
    /// The text of the secret key file at `path`; `what` names it in errors and `make` says how
    /// to create one.
    /// - Throws: `KeyFileError` when the file is missing, unreadable, too large or readable by others.
    public static func read(path: String, what: String, make: String) throws(KeyFileError) -> String {
        let bytes: [UInt8], mode: UInt32
        do {
            bytes = try FileSystem.read(path, maxBytes: 64 << 10)
            mode = try FileSystem.permissions(of: path)
        } catch let e as SystemError where e.isNotFound {
            throw KeyFileError("\(what) \(path) not found (make one with '\(make)')")
        } catch { throw KeyFileError("\(what) \(path): \(error)") }
        guard mode & 0o077 == 0 else {
            throw KeyFileError("\(what) \(path) is readable by others (mode \(String(mode, radix: 8))); run 'chmod 600 \(path)'")
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
