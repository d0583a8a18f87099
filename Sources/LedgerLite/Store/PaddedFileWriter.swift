import GridClearSystem

/// The writer's side of `LedgerPadding` for a file of framed records it owns exclusively
/// (`blocks.gcl` for `LedgerStore`, `certificates.gcl` for `CertificateLog`): the one home of
/// how such a file is cut, padded and appended to.
///
/// Guarantees: `size` is the file's size as this writer made it; after `restore(logicalEnd:)`
/// and after every successful `append` the file is the records then exactly
/// `LedgerPadding.paddedSize` of their end; an append is one durable write over the padding
/// (`PositionedFile.writeOverZeros`), with the next padding in the same write when the records
/// reach the padding's end; a failed append is cut back to the old end (best effort: the next
/// open finds a torn tail otherwise) and rethrown.
final class PaddedFileWriter {
    let file: PositionedFile
    private(set) var size: Int

    init(_ file: PositionedFile) throws {
        self.file = file
        size = try file.size()
    }

    /// Cuts the file to `length` bytes durably (no padding: `restore` or the next `append`).
    func truncate(to length: Int) throws {
        try file.truncate(to: length)
        size = length
    }

    /// Makes the file exactly the records ending at `logicalEnd` then the padding; every byte
    /// after `logicalEnd` must already be zero (the caller checked or cut them).
    func restore(logicalEnd: Int) throws {
        let want = LedgerPadding.paddedSize(logicalEnd: logicalEnd)
        if size > want {
            try file.truncate(to: want)
        } else if size < want {
            try file.write([UInt8](repeating: 0, count: want - size), at: size)
        }
        size = want
    }

    /// Writes `records` at `end`, the end of the records the file holds.
    func append(_ records: [UInt8], at end: Int) throws {
        let newEnd = end + records.count
        let newSize = newEnd < size ? size : LedgerPadding.paddedSize(logicalEnd: newEnd)
        var out = records
        if newSize > size { out += [UInt8](repeating: 0, count: newSize - newEnd) }
        do { try file.writeOverZeros(out, at: end) } catch {
            if (try? file.truncate(to: end)) != nil { size = end }
            throw error
        }
        size = newSize
    }
}
