import Foundation
import Testing
import GridClearCore
import LedgerLite
@testable import BFTReplication

@Suite struct FrameAndQueryTests {
    @Test func framesSurviveAnySplit() throws {
        let frames = (0..<20).map { i in Frame(kind: i % 3 == 0 ? .query : .peer, payload: (0..<(i * 37)).map { UInt8(truncatingIfNeeded: $0 * 7 + i) }) }
        let stream = frames.flatMap { $0.encoded() }
        var rng = SplitMix64(seed: 5)
        for _ in 0..<50 {
            var r = FrameReader(maxFrameBytes: 1 << 20, allowed: [.peer, .query])
            var got: [Frame] = []
            var at = 0
            while at < stream.count {
                let n = min(stream.count - at, 1 + Int(rng.next() % 64))
                got += try r.push(Array(stream[at..<(at + n)]))
                at += n
            }
            #expect(got == frames)
            #expect(r.pendingBytes == 0)
        }
    }

    @Test func badFramesAreRefusedBeforeAllocation() {
        var ok = Frame(kind: .peer, payload: [1, 2, 3]).encoded()
        ok[ok.count - 1] ^= 1
        var r = FrameReader(maxFrameBytes: 100, allowed: [.peer])
        #expect(throws: FrameError.badChecksum) { _ = try r.push(ok) }
        // A header announcing 4 GiB is refused from its 9 bytes alone.
        var r2 = FrameReader(maxFrameBytes: 100, allowed: [.peer])
        #expect(throws: FrameError.tooLarge(length: Int(UInt32.max), cap: 100)) { _ = try r2.push([1, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]) }
        var r3 = FrameReader(maxFrameBytes: 100, allowed: [.peer])
        #expect(throws: FrameError.unknownKind(9)) { _ = try r3.push([9, 0, 0, 0, 0, 0, 0, 0, 0]) }
        var r4 = FrameReader(maxFrameBytes: 100, allowed: [.peer, .query])
        #expect(throws: FrameError.notAllowed(.answer)) { _ = try r4.push(Frame(kind: .answer, payload: []).encoded()) }
    }

    @Test func queriesAndAnswersRoundTripAndHostileBytesNeverTrap() throws {
        let key = NodeKey.generate()
        let rekey = try KeyReplacement(nodeID: "node3", oldKey: key.publicKey, newKey: NodeKey.generate().publicKey,
                                       nonce: [UInt8](repeating: 9, count: 16)).signed(chain: "t", operatorKey: key)
        for q in [ClientQuery.status, .result(cycle: "20261120T1000Z"), .submit(cycle: "x"), .forward(.keyReplacement(rekey))] {
            #expect(try ClientQuery.decode(q.encoded()) == q)
        }
        let c = try Committee(id: CommitteeID(chain: "t", epoch: 2), keys: [key.publicKey])
        let g = try BlockBuilder.build(entries: [.genesis(GenesisEntry(ledgerID: "t", createdMillis: 0, signerKeys: [key.publicKey], maxEntriesPerBlock: 8, maxBatchMillis: 0))],
                                       on: ChainState(), nowMillis: 0, key: key)
        let qc = QuorumCertificate(committee: c.id, height: 0, view: 0, blockHash: LedgerHash.blockHash(g.header), votes: [])
        let reply = try ClientReply.sign(committee: c.id, replica: 0, requestID: "C", block: CertifiedBlock(block: g, certificate: qc), signer: key)
        let answers: [ClientAnswer] = [
            .status(ReplicaStatus(replica: 3, view: 7, primary: 1, active: false, height: 9, head: [UInt8](repeating: 4, count: 32), pendingRequests: 2)),
            .committed(reply, g), .notCommitted(known: true), .refused("no"),
        ]
        for a in answers { #expect(try ClientAnswer.decode(a.encoded()) == a) }
        var rng = SplitMix64(seed: 9)
        for a in answers {
            let bytes = a.encoded()
            for _ in 0..<300 {
                var m = bytes
                switch rng.next() % 3 {
                case 0: m[Int(rng.next() % UInt64(m.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
                case 1: m = Array(m.prefix(Int(rng.next() % UInt64(m.count))))
                default: m += [UInt8(truncatingIfNeeded: rng.next())]
                }
                _ = try? ClientAnswer.decode(m)
                _ = try? ClientQuery.decode(m)
            }
        }
    }
}
