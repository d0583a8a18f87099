import Foundation
import Testing
@testable import LedgerLite

/// Committee epochs in the running core (SPEC §7): runs that cross many epoch boundaries while
/// the committee changes (4 of 5 or 5 of 7 nodes chosen by reputation and lottery, trading
/// parties excluded), under message loss, duplication, delay, partitions, crash-restarts and a
/// Byzantine member of any kind (silent, equivocator, forger, replayer, wrong voter). The simulation's invariants check after every step that every committed
/// block's certificate is of the committee in force at its height and that the block obeys the
/// membership rules, besides agreement, chaining, exactly-once and the double-sign guard.
/// `GRIDCLEAR_SIM_EPOCH_RUNS` runs more seeds.
@Suite struct PBFTEpochSimulationTests {
    /// A random faulty scenario with epochs every 2 or 3 blocks.
    static func scenario(seed: UInt64) -> SimScenario {
        var s = SimScenario.random(seed: seed)
        let wide = s.n == 7
        s.n = wide ? 7 : 5
        s.committeeSize = wide ? 5 : 4
        s.epochBlocks = 2 + seed % 2
        s.tradingNodes = true
        s.requests = 8 + Int(seed % 7)
        // At most one Byzantine node (f = 1 in every committee), of any kind.
        s.byzantine = seed % 3 == 0 ? [Int(seed % UInt64(s.n)): Byzantine.allCases[Int(seed / 3) % Byzantine.allCases.count]] : [:]
        s.crashes = s.crashes.filter { s.byzantine[$0.replica] == nil }
        s.deadline = 150_000
        return s
    }

    /// The epoch entries of a ledger, in order.
    static func epochs(_ ledger: [CertifiedBlock]) -> [CommitteeEpochEntry] {
        ledger.flatMap { $0.block.entries.compactMap { e -> CommitteeEpochEntry? in if case .committeeEpoch(let c) = e { return c }; return nil } }
    }

    @Test func committeesChangeAtEpochBoundariesUnderFaults() {
        let runs = Int(PBFTSimulationTests.env["GRIDCLEAR_SIM_EPOCH_RUNS"] ?? "") ?? 30
        var changed = 0, epochTotal = 0, excludedTotal = 0, observersCaughtUp = 0
        for seed in UInt64(70_000)..<UInt64(70_000 + runs) {
            let sc = Self.scenario(seed: seed)
            let sim = PBFTSimulationTests.check(sc)
            guard sim.failures.isEmpty, let i = sc.honest.first else { continue }
            let es = Self.epochs(sim.ledgers[i])
            // A boundary block holds an epoch entry exactly when 4 nodes are eligible: every node
            // but the block's trading parties (no node falls below T_min in these runs).
            let roster = sim.genesisMembership?.roster ?? []
            for cb in sim.ledgers[i] where cb.height % sc.epochBlocks == 0 {
                let others = cb.block.entries.filter { $0.tag != .committeeEpoch }
                let eligible = sc.n - CommitteeExclusion.tradingParties(in: others, roster: roster).count
                let holds = cb.block.entries.contains { $0.tag == .committeeEpoch }
                #expect(holds == (eligible >= 4), "seed \(seed): block \(cb.height), \(eligible) eligible, epoch entry \(holds)")
            }
            epochTotal += es.count
            excludedTotal += es.filter { !$0.excluded.isEmpty }.count
            let sets = Set(es.map { Set($0.members.map(\.nodeID)) })
            if sets.count > 1 { changed += 1 }
            // Epoch entries sit exactly at the boundaries, numbered 1, 2, 3 …
            for (k, e) in es.enumerated() { #expect(e.epoch == UInt64(k + 1)) }
            for (h, cb) in sim.ledgers[i].enumerated() where cb.block.entries.contains(where: { $0.tag == .committeeEpoch }) {
                #expect(UInt64(h + 1) % sc.epochBlocks == 0)
            }
            // Nodes left out of the last committee still hold the whole chain.
            if let last = es.last {
                let members = Set(last.members.map(\.nodeID))
                for j in sc.honest where !members.contains("n\(j)") {
                    #expect(sim.ledgers[j].map(\.hash) == sim.ledgers[i].map(\.hash)); observersCaughtUp += 1
                }
            }
        }
        print("PBFT epochs: \(runs) runs, \(epochTotal) epoch changes, \(excludedTotal) with trading parties excluded, membership changed in \(changed) runs, \(observersCaughtUp) observers caught up")
        #expect(changed > runs / 2 && excludedTotal > 0)
    }

    /// A replica that crashes just before an epoch boundary and comes back after the committee
    /// has moved on catches up across the boundary (roster-domain state transfer) and joins.
    @Test func crashAcrossEpochBoundaries() {
        for seed in UInt64(1)...10 {
            var sc = SimScenario(seed: 71_000 + seed)
            sc.n = 5; sc.committeeSize = 4; sc.epochBlocks = 2; sc.tradingNodes = true
            sc.requests = 14
            sc.crashes = [(at: 200 + Int64(seed) * 150, restart: 5_000, replica: Int(seed % 5))]
            sc.healAt = 5_000
            let sim = PBFTSimulationTests.check(sc)
            #expect(Self.epochs(sim.ledgers[0]).count >= 3)
        }
    }

    /// A run is a pure function of its seed, with epochs too.
    /// A few epoch runs with real Ed25519 signatures.
    @Test func epochRunsWithEd25519() {
        for seed in UInt64(70_900)..<UInt64(70_904) {
            var sc = Self.scenario(seed: seed)
            sc.realCrypto = true
            PBFTSimulationTests.check(sc)
        }
    }

    @Test func epochRunsAreDeterministic() {
        let a = Simulation(Self.scenario(seed: 70_003)), b = Simulation(Self.scenario(seed: 70_003))
        _ = a.run(); _ = b.run()
        #expect(a.ledgers.map { $0.map(\.hash) } == b.ledgers.map { $0.map(\.hash) } && a.epochsStarted == b.epochsStarted)
    }
}
