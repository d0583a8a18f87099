#if canImport(Glibc)
import Glibc
#endif

/// Hints to the kernel about memory the process owns. Hints only: they never change what a
/// program computes, and they do nothing where unsupported.
public enum Memory {
    /// Asks for transparent huge pages on a large fresh buffer before it is first touched
    /// (Linux `madvise(MADV_HUGEPAGE)` on the 2 MB-aligned part; buffers under 8 MB are left
    /// alone): 2 MB pages cut the page faults of an 800 MB matrix from ~200 000 to ~400.
    public static func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        let huge = 2 << 20
        guard let base = buffer.baseAddress, buffer.count >= 4 * huge else { return }
        let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(huge - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }
}
