import GridClearCore

/// The framing of `certificates.gcl`, the file beside `blocks.gcl` in a replicated ledger
/// that holds one commit certificate (`QuorumCertificate`) per block above genesis, in height
/// order:
///
///     magic "GCQC" | version u8 = 1 | length u32 | header CRC-32C u32 | certificate | payload CRC-32C u32
///
/// All integers big-endian; the payload is the certificate's canonical encoding (its own
/// version byte, committee id and epoch, height, view, block hash and the votes).
/// The certificates live in their own file so that `blocks.gcl` stays the embedded format,
/// byte-identical on every replica (two replicas may hold different but equally valid quorums
/// of commit signatures for one block), and readable by every command that reads a ledger.
/// The file is padded with zeros like `blocks.gcl` (`LedgerPadding`: the certificates, then
/// zeros up to the next multiple of 1 MiB), so that a commit's certificate overwrites blocks
/// the file already has; where no certificate starts, `LedgerPadding.judgeTail` tells zero
/// padding, a torn append and damage apart with the same rules as for blocks.
/// Guarantees: `scan(encode(q)...)` gives back the certificates, with or without padding;
/// `scan` never traps, and tells a torn tail (an interrupted append) from damage, like
/// `RecordScanner`.
public enum CertificateFrame: PaddedFraming {
    public static let magic: [UInt8] = Array("GCQC".utf8)
    public static let version: UInt8 = 1
    public static let headerSize = 13
    public static let trailerSize = 4
    public static let maxPayload = 1 << 20

    public static func encode(_ q: QuorumCertificate) -> [UInt8] {
        let payload = q.encoded()
        var w = ByteWriter()
        w.raw(magic); w.u8(version); w.u32(UInt32(payload.count))
        w.u32(CRC32C.checksum(w.bytes))
        w.raw(payload)
        w.u32(CRC32C.checksum(payload))
        return w.bytes
    }

    /// One certificate found in the file, with where it starts and ends.
    public struct Scanned: Sendable, Equatable {
        public var offset: Int
        public var end: Int
        public var certificate: QuorumCertificate
    }

    /// Splits the file into certificates. `end` says how the scan stopped (`.corrupt` also for
    /// an undecodable certificate inside an intact frame).
    public static func scan(_ bytes: [UInt8]) -> (certificates: [Scanned], end: ScanEnd) {
        let (out, at, end) = scanFrames(bytes)
        if case .clean = end { return (out, .clean) }
        return (out, LedgerPadding.judgeTail(of: bytes, at: at, failure: end, framing: CertificateFrame.self))
    }

    /// The frame rules alone: the certificates up to where they stop, that offset, and why.
    private static func scanFrames(_ bytes: [UInt8]) -> (certificates: [Scanned], at: Int, end: ScanEnd) {
        var out: [Scanned] = []
        var at = 0
        let n = bytes.count
        while at < n {
            let avail = n - at
            if avail < headerSize {
                let m = min(avail, 4)
                guard Array(bytes[at..<at + m]) == Array(magic[0..<m]) else { return (out, at, .corrupt(offset: at, reason: "bad certificate magic")) }
                return (out, at, .tornTail(offset: at))
            }
            guard Array(bytes[at..<at + 4]) == magic else { return (out, at, .corrupt(offset: at, reason: "bad certificate magic")) }
            guard CRC32C.checksum(bytes[at..<at + 9]) == RecordScanner.be32(bytes, at + 9) else {
                return (out, at, .corrupt(offset: at, reason: "certificate header checksum mismatch"))
            }
            guard bytes[at + 4] == version else {
                return (out, at, .corrupt(offset: at + 4, reason: "certificate file version \(bytes[at + 4]); this GridClear reads version \(version)"))
            }
            let len = Int(RecordScanner.be32(bytes, at + 5))
            guard len <= maxPayload else { return (out, at, .corrupt(offset: at + 5, reason: "certificate length \(len) over the cap \(maxPayload)")) }
            let total = headerSize + len + trailerSize
            if avail < total { return (out, at, .tornTail(offset: at)) }
            let payload = Array(bytes[at + headerSize..<at + headerSize + len])
            guard CRC32C.checksum(payload) == RecordScanner.be32(bytes, at + headerSize + len) else {
                return (out, at, .corrupt(offset: at, reason: "certificate payload checksum mismatch"))
            }
            do {
                out.append(Scanned(offset: at, end: at + total, certificate: try QuorumCertificate.decode(payload)))
            } catch {
                return (out, at, .corrupt(offset: at + headerSize, reason: "undecodable certificate: \(error)"))
            }
            at += total
        }
        return (out, at, .clean)
    }

    public static func intactHeaderRecordEnd(_ h: [UInt8], at: Int) -> Int? {
        guard h.starts(with: magic), CRC32C.checksum(h[0..<9]) == RecordScanner.be32(h, 9), h[4] == version else { return nil }
        let len = Int(RecordScanner.be32(h, 5))
        guard len <= maxPayload else { return nil }
        return at + headerSize + len + trailerSize
    }

    public static func readsVersion(_ v: UInt8) -> Bool { v == version }
}
