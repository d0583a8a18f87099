import GridClearCore
import GridClearSystem

/// The ledger directory on disk and the single writer of its `blocks.gcl`.
///
/// Guarantees:
/// - `append` returns only after the block's bytes are fsynced (and, for a new file, the
///   directory entry too); a failed fsync stops the process (`Durability`).
/// - Only blocks that pass `ChainVerifier` are ever written.
/// - The file is the records, then zero padding up to `LedgerPadding.paddedSize` (a function of
///   the records' end alone, so replicas with the same blocks have byte-identical files): an
///   append overwrites padding in place, and its fdatasync changes no file size unless the
///   append reaches the padding's end (then the records and the next padding are one write).
/// - On open, a torn tail (an interrupted append: `LedgerPadding.judgeTail`) is cut back to
///   the last whole block, the cut bytes (`LedgerPadding.tornBytes`) are kept in
///   `blocks.gcl.broken-<offset>` and the padding is restored; a ledger of the current format
///   written without padding (or whose padding a crash while extending left short) is padded;
///   any other damage is `LedgerError.corrupt`, never skipped.
/// - One writer per ledger: an exclusive lock is held for the store's lifetime (another
///   writer gets `LedgerError.inUse`); two first writers racing to create the ledger are safe.
/// - Temporary files a killed writer left in the directory are removed on open.
/// - Opening streams the file once through a bounded buffer (`RecordReader`), verifying every
///   block, and keeps an index of record offsets by height, so `block(at:)` reads one record.
///   The index is rebuilt on every open rather than kept in a sidecar file: open must read and
///   verify every block anyway, so a sidecar would save nothing and would be one more file to
///   keep consistent through crashes.
/// - A ledger of format version 2 opens read-only: `block(at:)` and the state work, `append`
///   throws `LedgerError.readOnlyFormat` (new blocks are written in `LedgerFormat.current`).
public final class LedgerStore {
    public static let fileName = "blocks.gcl"
    public let directory: String
    public var path: String { FileSystem.join(directory, LedgerStore.fileName) }
    public private(set) var verifier: ChainVerifier
    public var state: ChainState { verifier.state }
    /// Set when opening cut a torn tail.
    public private(set) var recovery: Recovery?
    /// The file and its size (`PaddedFileWriter.size`): `LedgerPadding.paddedSize(logicalEnd:
    /// state.endOffset)` for a ledger this store extends (the records, then zero padding), the
    /// records' end exactly after a failed write could not restore the padding, the size found
    /// for a read-only format.
    private let writer: PaddedFileWriter
    private var file: PositionedFile { writer.file }
    /// Record offset of the block at each height (`offsets[h]`); a block ends where the next
    /// one starts, the last at `state.endOffset`.
    private var offsets: [Int] = []

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
        let path = FileSystem.join(d, LedgerStore.fileName)
        guard create || FileSystem.exists(path) else { throw LedgerError.notALedger(d) }
        do {
            writer = try PaddedFileWriter(PositionedFile(path: path, exclusive: true))
        } catch is AppendFile.OpenError {
            throw LedgerError.inUse(path)
        } catch let e as SystemError { throw LedgerError.system(e) }
        verifier = ChainVerifier()
        do {
            try AtomicFile.removeStaleTemporaries(in: d)
        } catch let e as SystemError { throw LedgerError.system(e) }
        try load()
        _checkInvariants()
    }

    private func load() throws {
        let reader: RecordReader
        do { reader = try RecordReader(path: path) } catch let e as SystemError { throw LedgerError.system(e) }
        do {
            while let rec = try reader.next() {
                let block: Block
                do { block = try Block.decode(rec.payload, format: rec.format) } catch let e as DecodeError {
                    throw LedgerError.corrupt(path: path, LedgerFault(offset: rec.offset + RecordFrame.headerSize + e.offset, height: nil, "undecodable block: \(e)"))
                }
                do { try verifier.apply(block, recordOffset: rec.offset, recordEnd: rec.end) } catch let f as LedgerFault {
                    throw LedgerError.corrupt(path: path, f)
                }
                offsets.append(rec.offset)
            }
        } catch let e as SystemError { throw LedgerError.system(e) }
        switch reader.end ?? .clean {
        case .clean: break
        case .corrupt(let off, let reason):
            throw LedgerError.corrupt(path: path, LedgerFault(offset: off, height: nil, reason))
        case .tornTail(let off):
            let broken = path + ".broken-\(off)"
            do {
                let cut = LedgerPadding.tornBytes(try file.read(at: off, count: reader.bytesRead - off), at: off)
                try AtomicFile.write(cut, to: broken)
                try writer.truncate(to: off)
                recovery = Recovery(cutOffset: off, cutBytes: cut.count, brokenFile: broken)
            } catch let e as SystemError { throw LedgerError.system(e) }
        }
        do {
            if state.format == .current { try writer.restore(logicalEnd: state.endOffset) }
        } catch let e as SystemError { throw LedgerError.system(e) }
    }

    /// Appends blocks with one durable write (all or, after a crash, a torn tail that
    /// the next open cuts back): over the padding in place, or, when they reach its end, the
    /// blocks and the next padding in one write. Each block is verified against the chain
    /// first. Throws `LedgerError.readOnlyFormat` on a ledger of an older format.
    public func append(_ blocks: [Block]) throws {
        guard !blocks.isEmpty else { return }
        if let f = state.format, f != .current { throw LedgerError.readOnlyFormat(path: path, format: f) }
        // Verified in place and reverted on any failure: no copy of the chain state per append.
        var applied: [ChainVerifier.Applied] = []
        func revert() { for a in applied.reversed() { verifier.revert(a) } }
        var out: [UInt8] = []
        let start = state.endOffset
        var offset = start
        var written: [Int] = []
        for b in blocks {
            let frame = RecordFrame.encode(kind: .block, payload: b.encoded(), format: b.format)
            do { applied.append(try verifier.apply(b, recordOffset: offset, recordEnd: offset + frame.count)) } catch let f as LedgerFault {
                revert()
                throw LedgerError.rejected(f)
            } catch { revert(); throw error }
            written.append(offset)
            offset += frame.count
            if blocks.count == 1 { out = frame } else { out += frame }
        }
        // Over the padding; a failed write is cut back to `start` by the writer.
        do { try writer.append(out, at: start) } catch let e as SystemError {
            revert()
            throw LedgerError.system(e)
        } catch { revert(); throw error }
        offsets += written
        _checkInvariants()
    }

    /// The size on disk of the record holding the block at `height` (nil above the head).
    public func recordLength(at height: UInt64) -> Int? {
        guard let last = state.lastHeight, height <= last, Int(height) < offsets.count else { return nil }
        let h = Int(height)
        return (h + 1 < offsets.count ? offsets[h + 1] : state.endOffset) - offsets[h]
    }

    /// The block at `height`, read back from the file (nil above the head): one `pread` of
    /// its record (found in the offset index), checked by the record rules (`RecordScanner`)
    /// and decoded.
    public func block(at height: UInt64) throws -> Block? {
        guard let last = state.lastHeight, height <= last, Int(height) < offsets.count else { return nil }
        let h = Int(height)
        let start = offsets[h], end = h + 1 < offsets.count ? offsets[h + 1] : state.endOffset
        let bytes: [UInt8]
        do { bytes = try file.read(at: start, count: end - start) } catch let e as SystemError { throw LedgerError.system(e) }
        let (records, scanEnd) = RecordScanner.scan(bytes)
        guard records.count == 1, scanEnd == .clean else {
            let why: String
            switch scanEnd {
            case .corrupt(let off, let reason): why = "at +\(off): \(reason)"
            case .tornTail: why = "the record is cut short"
            case .clean: why = "\(records.count) records where one block was"
            }
            throw LedgerError.corrupt(path: path, LedgerFault(offset: start, height: height, "block changed on disk since the ledger was opened (\(why))"))
        }
        do { return try Block.decode(records[0].payload, format: records[0].format) } catch let e as DecodeError {
            throw LedgerError.corrupt(path: path, LedgerFault(offset: start, height: height, "undecodable block: \(e)"))
        }
    }

    /// Test builds: the in-memory chain state describes exactly the bytes on disk.
    @inline(__always)
    func _checkInvariants() {
        #if DEBUG
        verifier.state._checkInvariants()
        precondition(offsets.count == state.blockCount, "ledger \(path): \(offsets.count) indexed records for \(state.blockCount) blocks")
        if let size = try? file.size() {
            precondition(size == writer.size, "ledger \(path): \(size) bytes on disk, \(writer.size) expected")
            precondition(state.format != .current || size == state.endOffset || size == LedgerPadding.paddedSize(logicalEnd: state.endOffset),
                         "ledger \(path): \(size) bytes on disk for records ending at \(state.endOffset)")
        }
        #endif
    }
}
