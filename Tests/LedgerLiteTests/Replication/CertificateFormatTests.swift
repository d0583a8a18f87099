import Foundation
import Testing
import GridClearCore
@testable import LedgerLite

/// Issue 17: the certificate file format, the BFT entries (tags 7–9) and the genesis committee:
/// round trips, canonical encodings, hostile bytes (never a trap, always a located error).
@Suite struct CertificateFormatTests {
    let keys = (0..<4).map { _ in NodeKey.generate() }

    func committee() throws -> Committee { try Committee(id: CommitteeID(chain: "c", epoch: 2), keys: keys.map(\.publicKey)) }

    func certificate(height: UInt64, signers: [Int] = [0, 1, 2]) throws -> QuorumCertificate {
        let c = try committee()
        let vote = Vote(view: 3, seq: height, digest: Array(repeating: UInt8(height & 0xff), count: 32))
        let commits = try signers.map { try SignedMessage.sign(.commit(vote), committee: c.id, sender: ReplicaID($0), signer: keys[$0]) }
        return try #require(QuorumCertificate.assemble(from: commits, committee: c))
    }

    @Test func certificateFileRoundTripsAndTellsTornFromDamaged() throws {
        let certs = try (1...5).map { try certificate(height: $0) }
        let bytes = certs.flatMap(CertificateFrame.encode)
        let scan = CertificateFrame.scan(bytes)
        #expect(scan.end == .clean && scan.certificates.map(\.certificate) == certs)
        for c in certs { try c.verify(against: committee()); #expect(try QuorumCertificate.decode(c.encoded()) == c) }
        // Every proper prefix is a torn tail at the start of the cut certificate.
        let ends = scan.certificates.map(\.end)
        for cut in stride(from: 1, to: bytes.count, by: 7) where !ends.contains(cut) {
            let s = CertificateFrame.scan(Array(bytes[0..<cut]))
            let start = ([0] + ends).last { $0 <= cut }!
            #expect(s.end == .tornTail(offset: start), "cut \(cut)")
        }
        // Any flipped byte is damage (or, in a length field, damage/torn), never a trap or a silent change.
        var rng = SplitMix64(seed: 17)
        for _ in 0..<2_000 {
            var b = bytes
            let i = Int(rng.next() % UInt64(b.count))
            b[i] ^= UInt8(1 + rng.next() % 255)
            let s = CertificateFrame.scan(b)
            #expect(s.end != .clean || s.certificates.map(\.certificate) != certs || b == bytes)
            #expect(s.certificates.allSatisfy { certs.contains($0.certificate) })
        }
        // Random garbage: never a trap.
        for n in 0..<500 { _ = CertificateFrame.scan((0..<(n % 90)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }) }
    }

    @Test func hostileCertificateBytesAreRefusedWithAPlace() throws {
        let good = try certificate(height: 9).encoded()
        var rng = SplitMix64(seed: 9)
        var refused = 0
        for _ in 0..<3_000 {
            var b = good
            switch rng.next() % 3 {
            case 0: b[Int(rng.next() % UInt64(b.count))] ^= UInt8(1 + rng.next() % 255)
            case 1: b = Array(b.prefix(Int(rng.next() % UInt64(b.count))))
            default: b += [UInt8(truncatingIfNeeded: rng.next())]
            }
            do {
                let q = try QuorumCertificate.decode(b)
                // Decodes: then a changed certificate must not verify.
                if q != (try QuorumCertificate.decode(good)) {
                    #expect(throws: (any Error).self) { try q.verify(against: committee()) }
                }
            } catch { refused += 1 }
        }
        #expect(refused > 1_000)
        // Votes out of order and a huge vote count are refused by the decoder.
        var w = ByteWriter()
        w.u8(1); w.text("c"); w.u64(2); w.u64(1); w.u64(0); w.raw(Array(repeating: 0, count: 32)); w.u32(0xFFFF_FFFF)
        #expect(throws: DecodeError.self) { try QuorumCertificate.decode(w.bytes) }
    }

    @Test func committeeEntriesRoundTripAndEmbeddedGenesisIsUnchanged() throws {
        let members = keys.enumerated().map { CommitteeMember(nodeID: "node\($0.offset + 1)", publicKey: $0.element.publicKey) }
        var p = ReputationParams(); p.epochBlocks = 7
        let plain = GenesisEntry(ledgerID: "x", createdMillis: 5, signerKeys: members.map(\.publicKey), maxEntriesPerBlock: 16, maxBatchMillis: 2000)
        var withCommittee = plain
        withCommittee.committee = GenesisCommittee(members: members, params: p)
        // An embedded genesis encodes exactly as before (no committee bytes at all).
        #expect(LedgerEntry.genesis(withCommittee).encoded().starts(with: LedgerEntry.genesis(plain).encoded()))
        #expect(LedgerEntry.genesis(withCommittee).encoded().count > LedgerEntry.genesis(plain).encoded().count)
        let entries: [LedgerEntry] = [
            .genesis(plain), .genesis(withCommittee),
            .membership(MembershipEntry(roster: members.reversed(), reason: "add node4")),
            .committeeEpoch(CommitteeEpochEntry(epoch: 3, selection: .reputation, primaryOffset: 2, members: members,
                                                scores: members.map { NodeScore(nodeID: $0.nodeID, score: -5) }, excluded: ["z", "a"], reason: "r")),
            .disagreement(DisagreementEntry(height: 4, blockHash: Array(repeating: 7, count: 32), nodeID: "node2", cycleID: "20261120T1000Z", reason: "differs")),
            .disagreement(try DisagreementEntry(height: 4, blockHash: Array(repeating: 7, count: 32), nodeID: "node2", cycleID: "", reason: "differs")
                .signed(chain: "c", key: keys[1])),
        ]
        for e in entries {
            #expect(try LedgerEntry.decode(e.encoded()) == e)
            // Every truncation and trailing byte is refused — except that a replicated genesis cut
            // exactly before its committee is the embedded genesis (a different value; inside a
            // block every entry is length-prefixed and covered by the block hash).
            let b = e.encoded()
            let embeddedLength = LedgerEntry.genesis(plain).encoded().count
            for cut in 1..<b.count where !(e == .genesis(withCommittee) && cut == embeddedLength) {
                #expect(throws: (any Error).self) { try LedgerEntry.decode(Array(b[0..<cut])) }
            }
            if e.tag != .genesis { #expect(throws: (any Error).self) { try LedgerEntry.decode(b + [0]) } }
        }
        #expect(LedgerEntry.Tag.membership.rawValue == 7 && LedgerEntry.Tag.committeeEpoch.rawValue == 8 && LedgerEntry.Tag.disagreement.rawValue == 9)
        // A roster with a duplicate node id is refused.
        var w = ByteWriter()
        w.u8(7); w.u32(2); for _ in 0..<2 { w.text("n"); w.raw(keys[0].publicKey) }; w.text("")
        #expect(throws: DecodeError.self) { try LedgerEntry.decode(w.bytes) }
    }

    /// A genesis with hostile reputation parameters (zero-length epochs, values that would
    /// overflow) is a located audit fault at block 0, never a trap.
    @Test func hostileGenesisParametersAreAFaultNotATrap() throws {
        let members = keys.enumerated().map { CommitteeMember(nodeID: "node\($0.offset + 1)", publicKey: $0.element.publicKey) }
        var zero = ReputationParams(); zero.epochBlocks = 0
        var huge = ReputationParams(); huge.lotteryRange = .max; huge.tMax = .max
        var tiny = ReputationParams(); tiny.committeeSize = 0
        for p in [zero, huge, tiny] {
            let g = GenesisEntry(ledgerID: "x", createdMillis: 0, signerKeys: members.map(\.publicKey), maxEntriesPerBlock: 8, maxBatchMillis: 0,
                                 committee: GenesisCommittee(members: members, params: p))
            let block = try BlockBuilder.build(entries: [.genesis(g)], on: ChainState(), nowMillis: 0, key: keys[0])
            let bytes = RecordFrame.encode(kind: .block, payload: block.encoded())
            guard case .failure(let f) = CertifiedAuditor.audit(bytes, certificates: nil, trusted: nil) else {
                Issue.record("audit passed with \(p)"); continue
            }
            #expect(f.height == 0 && f.message.contains("genesis committee"), "\(f)")
        }
    }
}
