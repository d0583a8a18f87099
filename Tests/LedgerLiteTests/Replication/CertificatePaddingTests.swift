import Foundation
import Testing
import GridClearCore
import GridClearSystem
import GridClearTestSupport
@testable import LedgerLite

/// `certificates.gcl` padded like `blocks.gcl` (`LedgerPadding`): the file is the certificates
/// then zeros up to the next MiB; a zero tail of any length reads clean; a non-zero byte in the
/// padding is damage at its offset; an append torn at a sector boundary is cut back on open,
/// kept, and the padding restored; cutting certificates back keeps the rule.
@Suite struct CertificatePaddingTests {
    let keys = (0..<4).map { _ in NodeKey.generate() }

    func certificate(height: UInt64) throws -> QuorumCertificate {
        let c = try Committee(id: CommitteeID(chain: "pad", epoch: 0), keys: keys.map(\.publicKey))
        let vote = Vote(view: 0, seq: height, digest: Array(repeating: UInt8(height & 0xff), count: 32))
        let commits = try [0, 1, 2].map { try SignedMessage.sign(.commit(vote), committee: c.id, sender: ReplicaID($0), signer: keys[$0]) }
        return try #require(QuorumCertificate.assemble(from: commits, committee: c))
    }

    @Test func appendsKeepThePaddingAndReopenReadsThem() throws {
        let tmp = try TemporaryFolder("CertificatePaddingTests"), d = tmp.path
        let certs = try (1...12).map { try certificate(height: $0) }
        do {
            let log = try CertificateLog(directory: d)
            #expect(try FileSystem.read(log.path).isEmpty)  // no certificate: no padding
            try log.append(Array(certs[0..<1]))
            try log.append(Array(certs[1..<5]))
            for q in certs[5...] { try log.append([q]) }
        }
        let bytes = try FileSystem.read(d + "/" + CertificateLog.fileName)
        let end = certs.map { CertificateFrame.encode($0).count }.reduce(0, +)
        #expect(bytes.count == LedgerPadding.paddedSize(logicalEnd: end))
        #expect(bytes[end...].allSatisfy { $0 == 0 })
        let scan = CertificateFrame.scan(bytes)
        #expect(scan.end == .clean && scan.certificates.map(\.certificate) == certs)
        // Any length of zero tail reads the same; the writer puts the rule back on open.
        #expect(CertificateFrame.scan(Array(bytes[0..<end])).end == .clean)
        #expect(CertificateFrame.scan(Array(bytes[0..<end]) + [0, 0, 0]).end == .clean)
        try AtomicFile.write(Array(bytes[0..<end + 5]), to: d + "/" + CertificateLog.fileName)
        let log = try CertificateLog(directory: d)
        #expect(log.certificates == certs)
        #expect(try FileSystem.read(log.path) == bytes)
        // Cut back above height 4, then append again: same rule, same bytes as appending 1…4, 5.
        try log.truncate(above: 4)
        try log.append([certs[4]])
        let end5 = certs[0..<5].map { CertificateFrame.encode($0).count }.reduce(0, +)
        let again = try FileSystem.read(log.path)
        #expect(again.count == LedgerPadding.paddedSize(logicalEnd: end5) && Array(again[0..<end5]) == Array(bytes[0..<end5]))
        #expect(again[end5...].allSatisfy { $0 == 0 })
    }

    @Test func nonZeroPaddingIsDamageAndATornAppendIsCutBack() throws {
        let tmp = try TemporaryFolder("CertificatePaddingTests"), d = tmp.path
        // As many certificates as it takes for the last one to straddle a sector boundary.
        var certs: [QuorumCertificate] = []
        var size = 0
        repeat {
            let q = try certificate(height: UInt64(certs.count + 1))
            let n = CertificateFrame.encode(q).count
            certs.append(q)
            if certs.count > 1, (size / LedgerPadding.sector + 1) * LedgerPadding.sector < size + n { size += n; break }
            size += n
        } while certs.count < 64
        let path = d + "/" + CertificateLog.fileName
        do { try CertificateLog(directory: d).append(certs) }
        let good = try FileSystem.read(path)
        let end = certs.map { CertificateFrame.encode($0).count }.reduce(0, +)
        // A non-zero byte in the padding: damage at that byte, nothing cut.
        var bad = good
        bad[end + 100] = 1
        try AtomicFile.write(bad, to: path)
        #expect(CertificateFrame.scan(bad).end == .corrupt(offset: end + 100, reason: "non-zero byte in the zero padding after the last record (which ends at offset \(end))"))
        #expect { _ = try CertificateLog(directory: d) } throws: { "\($0)".contains("offset \(end + 100)") }
        #expect(try FileSystem.read(path) == bad)
        // The last certificate's bytes from a sector boundary inside it never reached the disk.
        let lastStart = end - CertificateFrame.encode(certs.last!).count
        let boundary = (lastStart / LedgerPadding.sector + 1) * LedgerPadding.sector
        try #require(boundary < end)
        var torn = good
        for i in boundary..<end { torn[i] = 0 }
        try AtomicFile.write(torn, to: path)
        #expect(CertificateFrame.scan(torn).end == .tornTail(offset: lastStart))
        let log = try CertificateLog(directory: d)
        #expect(log.certificates == Array(certs.dropLast()))
        #expect(try FileSystem.read(path + ".broken-\(lastStart)") == Array(torn[lastStart..<end]))  // the record as long as its header says
        #expect(try FileSystem.read(path).count == LedgerPadding.paddedSize(logicalEnd: lastStart))
        try log.append([certs.last!])
        #expect(try FileSystem.read(path) == good)
    }
}
