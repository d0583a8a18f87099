import Foundation
import Testing
@testable import LedgerLite

/// Deterministic simulation of the PBFT committee. `GRIDCLEAR_SIM_RUNS=100000` runs a long
/// campaign; `GRIDCLEAR_SIM_SEED=<seed>` replays one seed and prints its transcript.
@Suite struct PBFTSimulationTests {
    static var env: [String: String] { ProcessInfo.processInfo.environment }

    /// Runs `scenario`; on failure replays it with a transcript and records the issue with
    /// everything needed to reproduce it.
    @discardableResult
    static func check(_ scenario: SimScenario) -> Simulation {
        let sim = Simulation(scenario)
        let failures = sim.run()
        if !failures.isEmpty {
            let again = Simulation(scenario, record: true)
            _ = again.run()
            let tail = again.transcript.suffix(150).joined(separator: "\n")
            Issue.record("""
                simulation failed: \(failures.joined(separator: "; "))
                replay: GRIDCLEAR_SIM_SEED=\(scenario.seed)\(scenario.realCrypto ? " (ed25519)" : "") swift test --filter PBFTSimulationTests
                scenario: \(scenario)
                last events:
                \(tail)
                """)
        }
        return sim
    }

    @Test func seededRuns() {
        if let s = Self.env["GRIDCLEAR_SIM_SEED"], let seed = UInt64(s) {
            var sc = SimScenario.random(seed: seed)
            sc.realCrypto = Self.env["GRIDCLEAR_SIM_ED25519"] != nil
            let sim = Simulation(sc, record: true)
            let f = sim.run()
            print("scenario: \(sc)\n" + sim.transcript.joined(separator: "\n") + "\nresult: \(f.isEmpty ? "pass" : f.joined(separator: "; "))")
            #expect(f.isEmpty)
            return
        }
        let runs = Int(Self.env["GRIDCLEAR_SIM_RUNS"] ?? "") ?? 40
        let base = UInt64(Self.env["GRIDCLEAR_SIM_BASE"] ?? "") ?? 1
        var totals = (commits: 0, viewChanges: 0, disagreements: 0, steps: 0, failed: 0, rejected: 0, equivocations: 0, transfers: 0)
        for seed in base..<(base + UInt64(runs)) {
            let sim = Self.check(SimScenario.random(seed: seed))
            totals.commits += sim.ledgers.map(\.count).max() ?? 0
            totals.viewChanges += sim.stats.viewChanges
            totals.disagreements += sim.stats.disagreements
            totals.steps += sim.stats.steps
            totals.rejected += sim.stats.rejected
            totals.equivocations += sim.stats.equivocations
            totals.transfers += sim.stats.transfers
            if !sim.failures.isEmpty { totals.failed += 1; if totals.failed >= 5 { break } }
        }
        print("PBFT simulation: \(runs) runs, \(totals.steps) steps, \(totals.commits) blocks, \(totals.viewChanges) view changes, \(totals.disagreements) disagreements, \(totals.rejected) messages rejected, \(totals.equivocations) equivocations detected, \(totals.transfers) state transfers served, \(totals.failed) failed")
    }

    /// The same seeds with real Ed25519 signatures (slower, fewer).
    @Test func ed25519Runs() {
        let runs = Int(Self.env["GRIDCLEAR_SIM_ED25519_RUNS"] ?? "") ?? 8
        for seed in UInt64(900_000)..<UInt64(900_000 + runs) {
            var sc = SimScenario.random(seed: seed)
            sc.realCrypto = true
            Self.check(sc)
        }
    }

    /// Checkpoints become stable and truncate the log: after a run that committed more than
    /// two checkpoint intervals, every honest replica's low watermark has moved, and nothing at
    /// or below it is kept.
    @Test func checkpointsTruncateTheLog() {
        for seed in UInt64(1)...5 {
            var sc = SimScenario(seed: 40_000 + seed)
            sc.requests = 24
            sc.checkpointInterval = 2
            sc.loss = 0.05
            let sim = Self.check(sc)
            for i in sc.honest {
                guard let r = sim.replicas[i] else { continue }
                #expect(r.lowWatermark + 2 * sc.checkpointInterval >= UInt64(sim.ledgers[i].count))
                #expect(r.durable.prepared.keys.allSatisfy { $0 > r.lowWatermark })
                #expect(r.durable.signingGuard.signed.keys.allSatisfy { $0 > r.lowWatermark })
            }
        }
    }

    /// A run is a pure function of its seed: the same seed gives the same ledgers.
    @Test func runsAreDeterministic() {
        for seed in [UInt64(7), 42, 1234] {
            let a = Simulation(SimScenario.random(seed: seed)), b = Simulation(SimScenario.random(seed: seed))
            _ = a.run(); _ = b.run()
            #expect(a.ledgers.map { $0.map(\.hash) } == b.ledgers.map { $0.map(\.hash) })
            #expect(a.stats.steps == b.stats.steps)
        }
    }

    @Test(arguments: Byzantine.allCases)
    func byzantinePrimary(_ b: Byzantine) {
        for seed in UInt64(1)...12 {
            var sc = SimScenario(seed: 10_000 + seed)
            sc.byzantine = [0: b]
            sc.requests = 5
            sc.loss = 0.05
            let sim = Self.check(sc)
            if b == .wrongVoter { #expect(sim.stats.disagreements > 0 && sim.stats.viewChanges > 0) }
            if b == .silent { #expect(sim.stats.viewChanges > 0) }
        }
    }

    /// The primary crashes mid-cycle and restarts from its persisted state and ledger.
    @Test func primaryCrashRestart() {
        for seed in UInt64(1)...20 {
            var sc = SimScenario(seed: 20_000 + seed)
            sc.requests = 8
            sc.crashes = [(at: 300 + Int64(seed) * 97, restart: 4_000, replica: 0)]
            sc.healAt = 4_000
            let sim = Self.check(sc)
            #expect(sim.stats.viewChanges > 0 || sim.ledgers[0].count > 0)
        }
    }

    /// Blocks cut by bytes: with a frame that leaves room for about two requests per block,
    /// random faulty runs (Byzantine members, loss, partitions, crashes, view changes) stay
    /// safe and live, every message an honest replica sends fits the frame, and no block
    /// carries more than the budget — with fixed committees and with epochs (the room kept
    /// for the epoch entry). `GRIDCLEAR_SIM_BYTES_RUNS` runs more seeds.
    @Test func blocksCutByBytesKeepEveryMessageInTheFrame() {
        let perRequest = BlockBudget.cost(of: simRequest(5))
        var multi = 0
        for seed in UInt64(1)...UInt64(max(1, Int(Self.env["GRIDCLEAR_SIM_BYTES_RUNS"] ?? "") ?? 16)) {
            var sc = seed % 4 == 0 ? PBFTEpochSimulationTests.scenario(seed: 50_000 + seed) : SimScenario.random(seed: 50_000 + seed)
            sc.blockBytes = 2 * perRequest + perRequest / 2 + (sc.epochBlocks > 0 ? 2_000 : 0)
            let sim = Self.check(sc)
            for ledger in sim.ledgers {
                for cb in ledger {
                    #expect(cb.block.entries.reduce(0) { $0 + BlockBudget.cost(of: $1) } <= sc.blockBytes)
                    if Set(cb.block.entries.compactMap(\.cycleID)).count > 1 { multi += 1 }
                }
            }
        }
        #expect(multi > 0)  // still batching
    }

    /// n = 7 (f = 2) with two Byzantine members of different kinds and a partition.
    @Test func sevenReplicasTwoByzantine() {
        for seed in UInt64(1)...6 {
            var sc = SimScenario(seed: 30_000 + seed)
            sc.n = 7
            sc.byzantine = [Int(seed % 7): Byzantine.allCases[Int(seed) % 5], Int((seed + 3) % 7): Byzantine.allCases[Int(seed + 2) % 5]]
            sc.partitions = [(from: 500, until: 2_500, group: [1, 2])]
            sc.loss = 0.1
            sc.healAt = 3_000
            Self.check(sc)
        }
    }
}
