import Foundation
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// The PBFT core (`Replica`, real Ed25519) driving four `ReplicatedLedger`s in one process
/// (messages delivered in order, no loss): what `Ready.committed` carries must pass the
/// ledger's certificate and membership checks, endorsement re-executes every cycle, and the
/// four `blocks.gcl` end byte-identical and audit with certificates.
@Suite struct ReplicaLedgerIntegrationTests {
    @Test func fourReplicasCommitCertifiedCyclesIntoTheirLedgers() throws { try run(disagreeing: nil) }

    /// Replica 4 gets a different result for every cycle (as if its clearing were broken): it
    /// does not vote, the other three certify, and it records its signed disagreements (tag 9),
    /// which the replayed reputation charges to node4 (−T_down each).
    @Test func aDisagreeingReplicaIsOutvotedAndRecordsItsDisagreement() throws { try run(disagreeing: 3) }

    func run(disagreeing: Int?) throws {
        let c = try BFTTestCluster()
        let ledgers = try (1...4).map { try c.ledger($0) }
        var replicas = (0..<4).map { i in
            Replica(config: ReplicaConfig(committee: ledgers[i].committee, id: ReplicaID(i), signer: c.keys[i]),
                    tip: ledgers[i].tip, durable: nil, committedRequestIDs: ledgers[i].recordedCycles)
        }
        var inbox: [(to: Int, input: Input)] = []
        func handle(_ i: Int, _ ready: Ready) throws {
            try ledgers[i].appendCommitted(ready.committed)
            for m in ready.messages {
                switch m.to {
                case .all: for j in 0..<4 where j != i { inbox.append((j, .received(m.message.encoded()))) }
                case .replica(let j): inbox.append((Int(j), .received(m.message.encoded())))
                case .roster: break  // only with a membership (see ReplicaDriverTests)
                }
            }
            for r in ready.requests {
                switch r {
                case .endorse(_, let seq, let proposal):
                    var v = EndorsementService.endorse(proposal.block, ledger: ledgers[i])
                    let hasCycle = proposal.block.entries.contains { $0.tag == .clearedCycle }
                    if i == disagreeing && hasCycle { v = Endorsement(agrees: false, reason: "trades.csv differs (simulated)", cycleID: nil) }
                    inbox.append((i, .endorsed(blockHash: proposal.digest, agrees: v.agrees, reason: v.reason)))
                    if !v.agrees {
                        let d = try EndorsementService.disagreementRequest(height: seq, blockHash: proposal.digest, nodeID: "node\(i + 1)",
                                                                           endorsement: v, chain: c.config.chain, signer: c.keys[i])
                        for j in 0..<4 { inbox.append((j, .request(d))) }
                    }
                case .serveBlocks(let to, let from):
                    inbox.append((i, .serveBlocks(to: to, blocks: try ledgers[i].certifiedBlocks(from: from))))
                }
            }
        }
        let cycles = ["20261120T1000Z", "20261120T1015Z", "20261120T1030Z"]
        for id in cycles {
            var files = try CycleService().load(cycleDirectory: packageRoot + "/Inputs/" + sampleCycle)
            files.cycleID = id
            let request = try EndorsementService.request(files: files, options: ClearOptions(solver: "simplex"))
            for i in 0..<4 { inbox.append((i, .request(request))) }
        }
        var now: Int64 = 0, steps = 0
        func done(_ l: ReplicatedLedger) -> Bool {
            guard l.recordedCycles == Set(cycles) else { return false }
            guard disagreeing != nil else { return true }
            return (try? l.certifiedBlocks(from: 1, maxBlocks: 1_000).contains { $0.block.entries.contains { $0.tag == .disagreement } }) == true
        }
        while !ledgers.allSatisfy(done) && steps < 5_000 {
            steps += 1
            if inbox.isEmpty {
                now += 100
                for i in 0..<4 { inbox.append((i, .tick(nowMillis: now))) }
            }
            let (i, input) = inbox.removeFirst()
            try handle(i, replicas[i].step(input))
        }
        #expect(ledgers.allSatisfy(done), "heights \(ledgers.map(\.height)) after \(steps) steps")
        if let d = disagreeing {
            // Reputation replayed from the ledger: node4 is charged, and never signed a certificate of a cycle block.
            let m = ledgers[0].membership
            #expect(m.book.pending["node\(d + 1)", default: 0] < 0, "\(m.book.pending)")
            #expect(m.book.pending["node1", default: 0] > 0)
        }
        let first = try FileSystem.read(c.ledgerPath(1) + "/blocks.gcl")
        for i in 1...4 {
            #expect(try FileSystem.read(c.ledgerPath(i) + "/blocks.gcl") == first, "replica \(i)")
            let r = try CertifiedAuditor.audit(directory: c.ledgerPath(i), trusted: nil, pinned: c.config.publicKeys).get()
            #expect(Set(r.audit.cycles) == Set(cycles) && r.certificates == r.audit.blocks - 1)
        }
    }
}
