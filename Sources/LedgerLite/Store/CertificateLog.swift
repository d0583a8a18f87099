import GridClearCore
import GridClearSystem

/// The single writer of a replicated ledger's `certificates.gcl` (see `CertificateFrame`).
///
/// Guarantees: `append` returns only after the certificate's bytes are durable; certificates
/// are kept for heights 1, 2, 3 … without gaps; the file is the certificates then zero padding
/// up to `LedgerPadding.paddedSize` (as `blocks.gcl`, `PaddedFileWriter`), so an append
/// overwrites in place with one durable write that changes no file size; on open a torn
/// tail is cut back (kept in `certificates.gcl.broken-<offset>`) and the padding restored, other
/// damage is `LedgerError.corrupt`. Exclusively locked for the value's lifetime.
public final class CertificateLog {
    public static let fileName = "certificates.gcl"
    public let path: String
    /// Certificates by height - 1 (the genesis block has none).
    public private(set) var certificates: [QuorumCertificate] = []
    private let file: PaddedFileWriter
    private var endOffset = 0
    private var offsets: [Int] = []

    /// Opens (creating when missing) the certificate file in the ledger `directory`.
    public init(directory: String) throws {
        path = FileSystem.join(directory, CertificateLog.fileName)
        do { file = try PaddedFileWriter(PositionedFile(path: path, exclusive: true)) } catch is AppendFile.OpenError {
            throw LedgerError.inUse(path)
        } catch let e as SystemError { throw LedgerError.system(e) }
        let bytes: [UInt8]
        do { bytes = try file.file.read(at: 0, count: file.size) } catch let e as SystemError { throw LedgerError.system(e) }
        let (found, end) = CertificateFrame.scan(bytes)
        for (i, s) in found.enumerated() {
            guard s.certificate.height == UInt64(i + 1) else {
                throw LedgerError.corrupt(path: path, LedgerFault(offset: s.offset, height: s.certificate.height,
                                                                  "certificate for height \(s.certificate.height) where height \(i + 1) belongs"))
            }
            certificates.append(s.certificate); offsets.append(s.offset); endOffset = s.end
        }
        switch end {
        case .clean: break
        case .corrupt(let off, let reason): throw LedgerError.corrupt(path: path, LedgerFault(offset: off, height: nil, reason))
        case .tornTail(let off):
            do {
                try AtomicFile.write(LedgerPadding.tornBytes(Array(bytes[off...]), at: off, framing: CertificateFrame.self), to: path + ".broken-\(off)")
                try file.truncate(to: off)
            } catch let e as SystemError { throw LedgerError.system(e) }
        }
        // The bytes after the certificates are zero (the scan checked them or they were cut).
        do { try file.restore(logicalEnd: endOffset) } catch let e as SystemError { throw LedgerError.system(e) }
    }

    /// Height of the newest certificate (0 when there is none).
    public var lastHeight: UInt64 { UInt64(certificates.count) }

    /// The certificate of the block at `height` (nil for genesis or above the last).
    public func certificate(at height: UInt64) -> QuorumCertificate? {
        height >= 1 && height <= lastHeight ? certificates[Int(height - 1)] : nil
    }

    /// Appends the certificates of the next heights with one durable write: over the padding in
    /// place, or, when they reach its end, with the next padding in the same write.
    public func append(_ qs: [QuorumCertificate]) throws {
        guard !qs.isEmpty else { return }
        var out: [UInt8] = []
        var next = lastHeight + 1
        var offs: [Int] = []
        for q in qs {
            guard q.height == next else {
                throw LedgerError.rejected(LedgerFault(offset: endOffset + out.count, height: q.height, "certificate for height \(q.height), expected \(next)"))
            }
            offs.append(endOffset + out.count)
            out += CertificateFrame.encode(q)
            next += 1
        }
        do { try file.append(out, at: endOffset) } catch let e as SystemError { throw LedgerError.system(e) }
        certificates += qs; offsets += offs; endOffset += out.count
    }

    /// Drops the certificates above `height` (durably): a certificate written before a crash
    /// that lost its block is not evidence of anything in this ledger.
    public func truncate(above height: UInt64) throws {
        guard height < lastHeight else { return }
        let cut = offsets[Int(height)]
        do {
            try file.truncate(to: cut)
            try file.restore(logicalEnd: cut)
        } catch let e as SystemError { throw LedgerError.system(e) }
        certificates.removeLast(Int(lastHeight - height)); offsets.removeLast(offsets.count - Int(height)); endOffset = cut
    }
}
