import Foundation
import Testing
@testable import LedgerLite

/// An operator's key replacement in the running committee (docs/replication.md, "Replacing a
/// replica's key"): a replica is killed (its key lost), the operator's signed request reaches
/// every replica under message loss, duplication, delay and partitions (and the view change
/// away from a dead primary), the committee applies it from the next block, the replica comes
/// back with its new key and its old ledger, catches up by state transfer and votes again. A
/// Byzantine primary that forges or replays a replacement is not followed. The simulation's
/// invariants (agreement, certificates of the committee in force, the membership rules, the
/// double-sign guard) are checked after every step. `GRIDCLEAR_SIM_REKEY_RUNS` runs more seeds.
@Suite struct PBFTKeyReplacementSimulationTests {
    static func scenario(seed: UInt64, node: Int, epochBlocks: UInt64) -> SimScenario {
        var rng = SimRNG(seed)
        var sc = SimScenario(seed: seed)
        sc.n = 4; sc.committeeSize = 4; sc.epochBlocks = epochBlocks
        sc.requests = 10
        sc.loss = Double(rng.below(20)) / 100
        sc.duplicate = Double(rng.below(10)) / 100
        sc.maxDelay = [5, 20, 80][Int(rng.below(3))]
        sc.healAt = 5_000
        sc.checkpointInterval = [2, 4][Int(rng.below(2))]
        let at = 300 + Int64(rng.below(1_500))
        sc.rekey = (at: at, node: node, restart: at + 1_000 + Int64(rng.below(1_500)))
        if rng.chance(0.5) {
            let from = Int64(rng.below(3_000))
            sc.partitions = [(from, from + 800, [Int((UInt64(node) + 1 + rng.below(3)) % 4)])]
        }
        sc.deadline = 120_000
        return sc
    }

    /// The blocks of a ledger holding the operator's epoch entry.
    static func replacements(_ ledger: [CertifiedBlock]) -> [CommitteeEpochEntry] {
        ledger.flatMap { $0.block.entries.compactMap { e -> CommitteeEpochEntry? in
            if case .committeeEpoch(let c) = e, c.selection == .operatorDecision { return c }; return nil } }
    }

    @Test func keyReplacementUnderLossAndViewChange() {
        let runs = Int(PBFTSimulationTests.env["GRIDCLEAR_SIM_REKEY_RUNS"] ?? "") ?? 12
        var votes = 0, viewChanges = 0
        for seed in UInt64(72_000)..<UInt64(72_000 + runs) {
            // Node 0 is the primary of view 0: losing it forces a view change first.
            let node = seed % 3 == 0 ? 0 : Int(seed % 4)
            let sc = Self.scenario(seed: seed, node: node, epochBlocks: seed % 2 == 0 ? 1_000 : 3)
            let sim = PBFTSimulationTests.check(sc)
            guard sim.failures.isEmpty, let k = sim.keyReplacement else { continue }
            for i in sc.honest {
                let rs = Self.replacements(sim.ledgers[i])
                #expect(rs.count == 1 && rs[0].authorization == k, "seed \(seed): r\(i) holds \(rs.count) replacements")
                #expect(sim.ledgers[i].map(\.hash) == sim.ledgers[0].map(\.hash))
                // The new key is in force, the old one nowhere.
                let m = sim.replicas[i]?.membership
                #expect(m?.roster.first { $0.nodeID == "n\(node)" }?.publicKey == k.newKey)
                #expect(m?.committee.keys.contains(k.oldKey) == false)
            }
            // Blocks after the replacement are certified without the old key.
            if let i = sc.honest.first, let h = sim.ledgers[i].firstIndex(where: { !Self.replacements([$0]).isEmpty }) {
                for cb in sim.ledgers[i][(h + 1)...] { #expect(cb.certificate.committee.epoch > 0) }
            }
            #expect(sim.replicas[node]?.isMember == true, "seed \(seed): the replaced node is back in the committee")
            #if DEBUG
            // The operator's signature is verified once per request by each replica (and once
            // more by the replaced node's new incarnation, which gets the request again).
            for i in sc.honest {
                let counts = sim.replacementVerifications[i] ?? [:]
                #expect(!counts.isEmpty && counts.values.allSatisfy { $0 == 1 }, "seed \(seed): r\(i) verified the request \(counts) times (incarnation: count)")
            }
            #endif
            votes += sim.votesWithNewKey
            viewChanges += sim.stats.viewChanges
        }
        print("PBFT key replacement: \(runs) runs, \(votes) votes by replaced nodes with their new keys, \(viewChanges) view changes")
        #expect(votes > 0 && viewChanges > 0)
    }

    /// 5 nodes, committees of 4 re-selected by reputation every 2 blocks (trading parties
    /// excluded): the replacement lands between reputation epochs, the replaced node may be an
    /// observer at the time, and later committees are chosen with its new key.
    @Test func keyReplacementBetweenReputationEpochs() {
        var laterEpochs = 0
        for seed in UInt64(75_000)..<UInt64(75_006) {
            var sc = Self.scenario(seed: seed, node: Int(seed % 5), epochBlocks: 2)
            sc.n = 5; sc.tradingNodes = true; sc.requests = 12
            sc.partitions = sc.partitions.map { ($0.from, $0.until, Set($0.group.map { $0 % 5 })) }
            let sim = PBFTSimulationTests.check(sc)
            guard sim.failures.isEmpty, let k = sim.keyReplacement, let i = sc.honest.first else { continue }
            #expect(Self.replacements(sim.ledgers[i]).map(\.authorization) == [k])
            let later = PBFTEpochSimulationTests.epochs(sim.ledgers[i]).filter { $0.selection == .reputation && $0.epoch > Self.replacements(sim.ledgers[i])[0].epoch }
            #expect(later.allSatisfy { e in !e.members.contains { $0.publicKey == k.oldKey } })
            laterEpochs += later.count
        }
        #expect(laterEpochs > 0)
    }

    /// With an epoch every block (`epoch_blocks` = 1) every block is a boundary: the
    /// replacement fills one block alone in place of the reputation entry (before, the primary
    /// proposed epoch-only blocks for ever and the request never landed); the blocks around it
    /// start reputation epochs as usual.
    @Test func keyReplacementWithAnEpochEveryBlock() {
        var landed = 0
        for seed in UInt64(76_000)..<UInt64(76_006) {
            var sc = Self.scenario(seed: seed, node: Int(seed % 4), epochBlocks: 1)
            sc.requests = 6
            let sim = PBFTSimulationTests.check(sc)
            guard sim.failures.isEmpty, let k = sim.keyReplacement, let i = sc.honest.first else { continue }
            let ledger = sim.ledgers[i]
            guard let h = ledger.firstIndex(where: { !Self.replacements([$0]).isEmpty }) else { Issue.record("seed \(seed): no replacement"); continue }
            #expect(ledger[h].block.entries.count == 2 && Self.replacements([ledger[h]]).map(\.authorization) == [k], "seed \(seed)")
            for cb in ledger where cb.height != ledger[h].height {
                #expect(PBFTEpochSimulationTests.epochs([cb]).map(\.selection) == [.reputation], "seed \(seed): block \(cb.height)")
            }
            landed += 1
        }
        #expect(landed == 6)
    }

    @Test func byzantinePrimaryCannotForgeOrReplayAKeyReplacement() {
        var forged = 0
        let runs = max(6, (Int(PBFTSimulationTests.env["GRIDCLEAR_SIM_REKEY_RUNS"] ?? "") ?? 12) / 2)
        for seed in UInt64(73_000)..<UInt64(73_000 + runs) {
            var sc = Self.scenario(seed: seed, node: 2, epochBlocks: 1_000)
            sc.byzantine = [0: .rekeyForger]
            let sim = PBFTSimulationTests.check(sc)
            guard sim.failures.isEmpty else { continue }
            forged += sim.forgedProposals
            for i in sc.honest {
                #expect(Self.replacements(sim.ledgers[i]).map(\.authorization) == [sim.keyReplacement], "seed \(seed): r\(i)")
            }
        }
        #expect(forged > 0)
    }

    @Test func keyReplacementWithEd25519() {
        var sc = Self.scenario(seed: 74_001, node: 1, epochBlocks: 3)
        sc.realCrypto = true
        let sim = PBFTSimulationTests.check(sc)
        #expect(sim.failures.isEmpty && sim.replicas[1]?.isMember == true)
    }
}
