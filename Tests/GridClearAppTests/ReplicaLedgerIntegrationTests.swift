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
    @Test func fourReplicasCommitCertifiedCyclesIntoTheirLedgers() throws {
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
                }
            }
            for r in ready.requests {
                switch r {
                case .endorse(_, _, let proposal):
                    let v = EndorsementService.endorse(proposal.block, ledger: ledgers[i])
                    inbox.append((i, .endorsed(blockHash: proposal.digest, agrees: v.agrees, reason: v.reason)))
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
        while ledgers.contains(where: { $0.recordedCycles != Set(cycles) }) && steps < 5_000 {
            steps += 1
            if inbox.isEmpty {
                now += 100
                for i in 0..<4 { inbox.append((i, .tick(nowMillis: now))) }
            }
            let (i, input) = inbox.removeFirst()
            try handle(i, replicas[i].step(input))
        }
        #expect(ledgers.allSatisfy { $0.recordedCycles == Set(cycles) }, "heights \(ledgers.map(\.height)) after \(steps) steps")
        let first = try FileSystem.read(c.ledgerPath(1) + "/blocks.gcl")
        for i in 1...4 {
            #expect(try FileSystem.read(c.ledgerPath(i) + "/blocks.gcl") == first, "replica \(i)")
            let r = try CertifiedAuditor.audit(directory: c.ledgerPath(i), trusted: nil, pinned: c.config.publicKeys).get()
            #expect(Set(r.audit.cycles) == Set(cycles) && r.certificates == r.audit.blocks - 1)
        }
    }
}
