import Foundation
import GridClearTestSupport
import Testing
import Clearing
@testable import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Block cutting in `schedule --batch` (SPEC §6): the genesis MMC and MBT decide the blocks,
/// with the injected clock; outputs appear only once a cycle's block is committed.
@Suite(.serialized) struct BlockCuttingTests {
    let ids = ["20261120T1000Z", "20261120T1015Z", "20261120T1030Z", "20261120T1045Z", "20261120T1100Z"]

    /// MMC 2, `--once`: five due cycles go into blocks of two, two and one (the last flushed at
    /// exit); every cycle's outputs are published; the ledger audits.
    @Test func mmcCutsBlocksAndOnceFlushesAtExit() throws {
        let wsFolder = try workspace(cycles: ids, tag: "BlockCuttingTests"), ws = wsFolder.path
        let sim = SimulatedClock(start: UTCTime(commandLine: "2026-11-21T00:00Z")!, maxSleeps: 100)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: sim.now,
                                    cutting: CuttingConfig(maxEntriesPerBlock: 2, maxBatchMillis: 3_600_000))
        var config = SchedulerConfig(inputs: ws + "/Inputs", outputRoot: ws + "/Outputs", options: ClearOptions(solver: "simplex"), once: true)
        config.batchBlocks = true
        let events = EventLog()
        let s = try Scheduler(config: config, ledger: ledger, clock: sim.clock, service: CycleService(), events: events.add).run()
        #expect(s.cleared == ids)
        let heights = events.all.compactMap { e -> UInt64? in if case .cycleCleared(_, _, let h) = e { return h }; return nil }
        #expect(heights == [1, 1, 2, 2, 3])
        #expect(ids.allSatisfy { OutputPublisher.isPublished(cycle: $0, root: ws + "/Outputs") })
        guard case .success(let r) = try LedgerAuditor.audit(directory: ws + "/Ledger", trusted: nil) else { Issue.record("audit"); return }
        #expect(r.blocks == 4 && r.cycles == ids)
        for id in ids { #expect(try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: id, trusted: nil).identical) }
    }

    /// MBT 60 s, running: one due cycle is submitted but not committed or published; the
    /// scheduler sleeps until the MBT deadline (not the 60 s rescan of a later minute), then
    /// cuts the block at that time and publishes.
    @Test func mbtCutsThePendingBlockWithTheInjectedClock() throws {
        let wsFolder = try workspace(cycles: [ids[0]], tag: "BlockCuttingTests"), ws = wsFolder.path
        let start = UTCTime(commandLine: "2026-11-21T00:00Z")!
        let sim = SimulatedClock(start: start, maxSleeps: 2)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: sim.now,
                                    cutting: CuttingConfig(maxEntriesPerBlock: 16, maxBatchMillis: 45_000))
        var config = SchedulerConfig(inputs: ws + "/Inputs", outputRoot: ws + "/Outputs", options: ClearOptions(solver: "simplex"), once: false)
        config.batchBlocks = true
        let events = EventLog()
        let published = EventLog()
        let clock = SchedulerClock(now: sim.clock.now, sleep: { d in
            // Before the first sleep nothing is durable, so nothing may be published.
            if !OutputPublisher.isPublished(cycle: "20261120T1000Z", root: ws + "/Outputs") { published.add(.stopping) }
            sim.clock.sleep(d)
        }, stopRequested: sim.clock.stopRequested)
        let s = try Scheduler(config: config, ledger: ledger, clock: clock, service: CycleService(), events: events.add).run()
        #expect(s.cleared == [ids[0]] && s.stopped)
        #expect(published.all.count >= 1)  // the first sleep saw no outputs
        let block = try #require(try ledger.store.block(at: 1))
        #expect(block.header.timeMillis == start.millis + 45_000)
        #expect(OutputPublisher.isPublished(cycle: ids[0], root: ws + "/Outputs"))
    }
}
