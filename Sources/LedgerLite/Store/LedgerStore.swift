#if canImport(Glibc)
import GridClearCore
import Glibc
#endif

/// The ledger directory on disk and the single writer of its `blocks.gcl`.
///
/// Guarantees:
/// - `append` returns only after the block's bytes are fsynced (and, for a new file, the
///   directory entry too); a failed fsync stops the process.
/// - Only blocks that pass `ChainVerifier` are ever written.
/// - On open, a torn tail (the file ending inside a record whose header is intact) is cut
///   back to the last whole block and the cut bytes are kept in `blocks.gcl.broken-<offset>`;
///   any other damage is `LedgerError.corrupt`, never skipped.
/// - One writer per ledger: an exclusive `flock` is held for the store's lifetime.
/// Owns its file descriptor; it is closed (and the lock released) on deinit.
public final class LedgerStore {
    public static let fileName = "blocks.gcl"
    public let directory: String
    public var path: String { directory + "/" + LedgerStore.fileName }
    public private(set) var verifier: ChainVerifier
    public var state: ChainState { verifier.state }
    /// Set when opening cut a torn tail.
    public private(set) var recovery: Recovery?
    private let fd: Int32

    /// What opening repaired.
    public struct Recovery: Sendable, Equatable {
        public var cutOffset: Int
        public var cutBytes: Int
        public var brokenFile: String
    }

    /// Opens (and with `create`, creates) the ledger in `directory`.
    public init(directory: String, create: Bool) throws {
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        self.directory = d
        let path = d + "/" + LedgerStore.fileName
        do {
            if !Sys.exists(path) {
                guard create else { throw LedgerError.notALedger(d) }
                try Sys.makeDirectories(d)
                let nfd = try Sys.open(path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
                Sys.fsyncOrDie(nfd, path: path)
                Sys.close(nfd)
                try Sys.fsyncDirectory(d)
            }
            fd = try Sys.open(path, O_RDWR | O_APPEND)
        } catch let e as SystemError { throw LedgerError.system(e) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            Sys.close(fd)
            throw LedgerError.inUse(path)
        }
        verifier = ChainVerifier()
        do { try load() } catch { Sys.close(fd); throw error }
    }

    deinit { Sys.close(fd) }

    private func load() throws {
        let bytes: [UInt8]
        do { bytes = try Sys.readAll(path) } catch let e as SystemError { throw LedgerError.system(e) }
        let (records, end) = RecordScanner.scan(bytes)
        for rec in records {
            let block: Block
            do { block = try Block.decode(rec.payload) } catch let e as DecodeError {
                throw LedgerError.corrupt(path: path, LedgerFault(offset: rec.offset + RecordFrame.headerSize + e.offset, height: nil, "undecodable block: \(e)"))
            }
            do { try verifier.apply(block, recordOffset: rec.offset, recordEnd: rec.end) } catch let f as LedgerFault {
                throw LedgerError.corrupt(path: path, f)
            }
        }
        switch end {
        case .clean: break
        case .corrupt(let off, let reason):
            throw LedgerError.corrupt(path: path, LedgerFault(offset: off, height: nil, reason))
        case .tornTail(let off):
            let broken = path + ".broken-\(off)"
            do {
                try Sys.writeAtomically(Array(bytes[off...]), to: broken)
                try Sys.call("ftruncate", path) { Int(ftruncate(fd, off_t(off))) }
                Sys.fsyncOrDie(fd, path: path)
            } catch let e as SystemError { throw LedgerError.system(e) }
            recovery = Recovery(cutOffset: off, cutBytes: bytes.count - off, brokenFile: broken)
        }
    }

    /// Appends blocks with one write and one fsync (all or, after a crash, a torn tail that
    /// the next open cuts back). Each block is verified against the chain first.
    public func append(_ blocks: [Block]) throws {
        guard !blocks.isEmpty else { return }
        var next = verifier
        var out: [UInt8] = []
        var offset = state.endOffset
        for b in blocks {
            let frame = RecordFrame.encode(kind: .block, payload: b.encoded())
            do { try next.apply(b, recordOffset: offset, recordEnd: offset + frame.count) } catch let f as LedgerFault {
                throw LedgerError.rejected(f)
            }
            offset += frame.count
            out += frame
        }
        do { try Sys.writeAll(fd, out, path: path) } catch let e as SystemError { throw LedgerError.system(e) }
        Sys.fsyncOrDie(fd, path: path)
        verifier = next
    }
}
