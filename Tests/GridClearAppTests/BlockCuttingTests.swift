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

    /// The parts of a batching scheduler over the workspace `ws` on a simulated clock that
    /// starts 2026-11-21T00:00Z and allows two sleeps: MMC 16, MBT 45 s, simplex.
    func batchingScheduler(_ ws: String) throws -> (start: UTCTime, sim: SimulatedClock, ledger: NodeLedger, config: SchedulerConfig) {
        let start = UTCTime(commandLine: "2026-11-21T00:00Z")!
        let sim = SimulatedClock(start: start, maxSleeps: 2)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: sim.now,
                                    cutting: CuttingConfig(maxEntriesPerBlock: 16, maxBatchMillis: 45_000))
        var config = SchedulerConfig(inputs: ws + "/Inputs", outputRoot: ws + "/Outputs", options: ClearOptions(solver: "simplex"), once: false)
        config.batchBlocks = true
        return (start, sim, ledger, config)
    }

    /// MBT 60 s, running: one due cycle is submitted but not committed or published; the
    /// scheduler sleeps until the MBT deadline (not the 60 s rescan of a later minute), then
    /// cuts the block at that time and publishes.
    @Test func mbtCutsThePendingBlockWithTheInjectedClock() throws {
        let wsFolder = try workspace(cycles: [ids[0]], tag: "BlockCuttingTests"), ws = wsFolder.path
        let (start, sim, ledger, config) = try batchingScheduler(ws)
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

    /// A per-participant cycle under `--batch`, running: its rejected file is in the pending
    /// block, and `rejected.json` appears with the other outputs only once MBT cuts that block
    /// (never before the `RejectedSubmissionEntry` is durable); the summary counts it.
    @Test func rejectedJSONIsPublishedWithItsCommittedBlock() throws {
        let wsFolder = try workspace(cycles: [], tag: "BlockCuttingTests"), ws = wsFolder.path
        let dir = ws + "/Inputs/" + ids[0], fm = FileManager.default
        for side in ["offers", "bids"] { try fm.createDirectory(atPath: dir + "/" + side, withIntermediateDirectories: true) }
        // The sample cycle's rows, one file per participant, and one malformed buyer file.
        for (side, idColumn) in [("offers", 1), ("bids", 1)] {
            let lines = try String(contentsOfFile: packageRoot + "/Inputs/\(sampleCycle)/\(side).csv", encoding: .utf8).split(separator: "\n")
            for row in lines.dropFirst() {
                let owner = row.split(separator: ",", omittingEmptySubsequences: false)[idColumn]
                try "\(lines[0])\n\(row)\n".write(toFile: "\(dir)/\(side)/\(owner).csv", atomically: true, encoding: .utf8)
            }
        }
        let bidHeader = try String(contentsOfFile: packageRoot + "/Inputs/\(sampleCycle)/bids.csv", encoding: .utf8).split(separator: "\n")[0]
        try "\(bidHeader)\nB9,P9,cheap,10,39.9,116.4,80,,,,,\n".write(toFile: dir + "/bids/P9.csv", atomically: true, encoding: .utf8)
        let rejectedPath = ws + "/Outputs/\(ids[0])/rejected.json"

        let (_, sim, ledger, config) = try batchingScheduler(ws)
        let early = EventLog()
        let clock = SchedulerClock(now: sim.clock.now, sleep: { d in
            // Before the first sleep the block is pending: neither the outputs nor rejected.json exist.
            if sim.sleepCount == 0 && !FileManager.default.fileExists(atPath: rejectedPath)
                && !OutputPublisher.isPublished(cycle: "20261120T1000Z", root: ws + "/Outputs") { early.add(.stopping) }
            sim.clock.sleep(d)
        }, stopRequested: sim.clock.stopRequested)
        let s = try Scheduler(config: config, ledger: ledger, clock: clock, service: CycleService()).run()
        #expect(early.all.count == 1)
        #expect(s.cleared == [ids[0]] && s.partial)
        #expect(s.rejectedSubmissions[ids[0]]?.map(\.file) == ["bids/P9.csv"])
        let text = try String(contentsOfFile: rejectedPath, encoding: .utf8)
        #expect(text.contains("\"file\":\"bids/P9.csv\"") && text.contains("\"accepted\": [\"offers/S1.csv\""), "\(text)")
        let block = try #require(try ledger.store.block(at: 1))
        #expect(block.entries.contains { if case .rejectedSubmission(let r) = $0 { return r.file == "bids/P9.csv" }; return false })
    }
}
