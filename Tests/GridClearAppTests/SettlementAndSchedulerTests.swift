import Foundation
import GridClearTestSupport
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Settlement and the scheduler through the application layer, with injected time.
@Suite(.serialized) struct SettlementServiceTests {
    let meters = packageRoot + "/scripts/meter_example/meter-data.log"
    let trades = packageRoot + "/scripts/meter_example/trades.csv"

    @Test func pendingTouchesNothingThenSettledRecordsFirstThenIsIdempotent() throws {
        let wsFolder = try workspace(cycles: [], tag: "SettlementAndSchedulerTests"), ws = wsFolder.path
        let cycle = CycleID(sampleCycle)!
        let request = SettlementRequest(cycle: cycle, metersFile: meters, tradesFile: trades, marketFile: nil,
                                        reputationFile: ws + "/reputation.json", outputRoot: ws + "/Settlements")
        let opened = EventLog()
        let opener = { () throws -> CycleLedger in
            opened.add(.stopping)
            return try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: UTCTime(commandLine: "20261120T1200Z")!)
        }
        guard case .pending(let missing, _) = try SettlementService.settle(request, openLedger: opener, now: UTCTime(commandLine: "20261120T1015Z")!) else {
            Issue.record("expected pending"); return
        }
        #expect(!missing.isEmpty && opened.all.isEmpty && !FileSystem.exists(ws + "/Ledger") && !FileSystem.exists(request.directory))
        guard case .settled(let s) = try SettlementService.settle(request, openLedger: opener, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected settled"); return
        }
        #expect(s.ledgerEntries > 0 && s.ledgerHeight == 1 && opened.all.count == 1)
        #expect(s.written.last == ws + "/reputation.json" && s.written.contains(request.directory + "/settlement.csv"))
        let audit = try LedgerAuditor.audit(directory: ws + "/Ledger", trusted: nil)
        guard case .success(let r) = audit else { Issue.record("audit: \(audit)"); return }
        #expect(r.entries == 1 + s.ledgerEntries)
        guard case .alreadySettled = try SettlementService.settle(request, openLedger: opener, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected already settled"); return
        }
        // A run stopped after the ledger append but before settlement.csv: publish, no second append.
        try FileManager.default.removeItem(atPath: request.directory + "/settlement.csv")
        guard case .settled(let again) = try SettlementService.settle(request, openLedger: opener, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected settled again"); return
        }
        #expect(again.ledgerEntries == 0 && again.ledgerHeight == 1 && FileSystem.exists(request.directory + "/settlement.csv"))
        guard case .success(let r2) = try LedgerAuditor.audit(directory: ws + "/Ledger", trusted: nil) else { Issue.record("audit"); return }
        #expect(r2.entries == r.entries)
    }
}

@Suite(.serialized) struct SchedulerTests {
    let ids = ["20261120T1000Z", "20261120T1015Z", "20261120T1030Z", "20261120T1045Z"]

    @Test func planPicksDueCyclesInOrder() {
        let s = CycleID(sampleCycle)!
        let cycles = [1, 0, 3, 2].map { ScheduledCycle(cycle: s.advanced(by: Int64($0)), gateClosureMinutes: 15) }
        let p = SchedulePlanner.plan(cycles: cycles, recorded: [s.description], skipped: [s.advanced(by: 2).description],
                                     now: s.advanced(by: 1).start.adding(millis: -1))
        #expect(p.due.map(\.cycle) == [s.advanced(by: 1)] && p.nextWake == s.advanced(by: 2).start)
        let q = SchedulePlanner.plan(cycles: cycles, recorded: [], now: s.advanced(by: 2).start)
        #expect(q.due.map(\.cycle) == (0..<4).map { s.advanced(by: $0) } && q.nextWake == nil)
        let r = SchedulePlanner.plan(cycles: cycles, recorded: [], now: s.start.adding(seconds: -901))
        #expect(r.due.isEmpty && r.nextWake == s.start.adding(seconds: -900))
    }

    /// `--once`: every due cycle once, in order; a broken cycle skipped; a folder not on a
    /// 15-minute boundary ignored; a second run clears nothing.
    @Test func onceClearsEachDueCycleOnceAndSkipsABrokenOne() throws {
        let wsFolder = try workspace(cycles: ids + ["20261120T1007Z"], tag: "SettlementAndSchedulerTests"), ws = wsFolder.path
        try "offer_id,bogus\n".write(toFile: ws + "/Inputs/\(ids[2])/offers.csv", atomically: true, encoding: .utf8)
        let sim = SimulatedClock(start: UTCTime(commandLine: "2026-11-21T00:00Z")!, maxSleeps: 100)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: sim.now)
        let events = EventLog()
        let config = SchedulerConfig(inputs: ws + "/Inputs", outputRoot: ws + "/Outputs", options: ClearOptions(solver: "simplex"), once: true)
        let first = try Scheduler(config: config, ledger: ledger, clock: sim.clock, service: CycleService(), events: events.add).run()
        #expect(first.cleared == [ids[0], ids[1], ids[3]] && Array(first.skipped.keys) == [ids[2]] && !first.stopped)
        #expect(ledger.recordedCycles == Set([ids[0], ids[1], ids[3]]))
        #expect(FileSystem.exists(ws + "/Outputs/\(ids[3])/summary.json") && !FileSystem.exists(ws + "/Outputs/20261120T1007Z"))
        // A crash between the ledger append and the publication: the next run publishes again.
        try FileManager.default.removeItem(atPath: ws + "/Outputs/\(ids[1])")
        let second = try Scheduler(config: config, ledger: ledger, clock: sim.clock, service: CycleService(), events: events.add).run()
        // The broken cycle was recorded as rejected by the first run: not due again.
        #expect(second.cleared.isEmpty && second.skipped.isEmpty && ledger.rejectedCycles == [ids[2]])
        #expect(events.all.contains(.outputsRepublished(cycle: ids[1])))
        #expect(try FileSystem.read(ws + "/Outputs/\(ids[1])/trades.csv") == ledger.recordedEntry(ofCycle: ids[1])?.tradesCSV)
        #expect(sim.sleepCount == 0)
    }

    /// The loop sleeps until each gate closure and clears the cycle then; a stop ends it.
    @Test func loopWakesAtGateClosuresAndStops() throws {
        let wsFolder = try workspace(cycles: Array(ids.prefix(2)), tag: "SettlementAndSchedulerTests"), ws = wsFolder.path
        let start = UTCTime(commandLine: "2026-11-20T09:00Z")!
        let sim = SimulatedClock(start: start, maxSleeps: 4)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: start)
        let events = EventLog()
        let config = SchedulerConfig(inputs: ws + "/Inputs", outputRoot: nil, options: ClearOptions(solver: "simplex"), once: false, rescanSeconds: 3600)
        let s = try Scheduler(config: config, ledger: ledger, clock: sim.clock, service: CycleService(), events: events.add).run()
        #expect(s.cleared == Array(ids.prefix(2)) && s.stopped)
        // Gate closure is 15 minutes before delivery: 09:45 and 10:00.
        let cleared = events.all.compactMap { if case .cycleCleared(let c, _, _) = $0 { return c }; return nil }
        #expect(cleared == Array(ids.prefix(2)))
        #expect(events.all.last == .stopping)
        #expect(ledger.store.state.cycles.count == 2)
    }

    @Test func aMalformedMarketFileIsAnError() throws {
        let wsFolder = try workspace(tag: "SettlementAndSchedulerTests"), ws = wsFolder.path
        try "{ not json".write(toFile: ws + "/Inputs/market.json", atomically: true, encoding: .utf8)
        #expect(throws: AppError.self) { _ = try CycleFolderScanner.scan(inputs: ws + "/Inputs") }
    }
}
