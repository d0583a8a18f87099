import Foundation
import GridClearTestSupport
import Testing
import Clearing
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Clear-and-record through the application layer, without the binary: order of ledger and
/// outputs, idempotence, refusal of changed inputs, and replay.
@Suite(.serialized) struct CycleServiceTests {
    let service = CycleService()
    let options = ClearOptions(solver: "simplex")
    let now = UTCTime(commandLine: "2026-11-20T09:50Z")!

    @Test func clearAndRecordAppendsThenPublishesThenIsIdempotent() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let events = EventLog()
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now, events: events.add)
        #expect(events.all.contains { if case .nodeKeyCreated = $0 { return true }; return false })
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        let r = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: ws + "/Outputs", now: now)
        #expect(r.record == .appended(height: 1))
        #expect(r.published == ["trades.csv", "bills.csv", "summary.json"].map { ws + "/Outputs/\(sampleCycle)/" + $0 })
        #expect(try FileSystem.read(r.published[0]) == r.cleared.tradesCSV)
        // The ledger entry is what was published, and it audits against the node key.
        let entry = try #require(try ledger.recordedEntry(ofCycle: sampleCycle))
        #expect(entry.tradesCSV == r.cleared.tradesCSV && entry.summaryJSON == r.cleared.canonicalSummaryJSON)
        let audit = try LedgerAuditor.audit(directory: ws + "/Ledger", trusted: TrustedKeys([ledger.key.publicKey]))
        guard case .success(let report) = audit else { Issue.record("audit failed: \(audit)"); return }
        #expect(report.cycles == [sampleCycle])
        // Same inputs again: nothing appended.
        let again = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: ws + "/Outputs", now: now)
        #expect(again.record == .alreadyRecorded(height: 1))
        #expect(try FileSystem.read(again.published[2]) == entry.summaryJSON)  // published from the ledger entry
        #expect(ledger.store.state.blockCount == 2)
    }

    @Test func changedInputsOfARecordedCycleAreRefusedAndNothingIsWritten() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        var files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        _ = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: nil, now: now)
        let size = try FileSystem.read(ledger.store.path).count
        files.bidsCSV += Array("BX,PX,0.7000,1,39.9000,116.4000,75,price:0.5;loss:0.3;green:0.2,2026-11-20T09:44:00Z,wind,0.8,10\n".utf8)
        #expect {
            _ = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: ws + "/Outputs", now: now)
        } throws: { e in
            guard case AppError.recordedWithDifferentInputs(let c, 1, let d) = e else { return false }
            return c == sampleCycle && d == "bids.csv differs"
        }
        #expect(!FileSystem.exists(ws + "/Outputs"))
        #expect(try FileSystem.read(ledger.store.path).count == size)
    }

    @Test func invalidInputsNeverOpenTheLedgerNorWriteOutputs() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        try "offer_id,bogus\n".write(toFile: ws + "/Inputs/\(sampleCycle)/offers.csv", atomically: true, encoding: .utf8)
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        let opened = EventLog()
        #expect {
            _ = try service.clearAndRecord(files, options: options, openLedger: { () throws -> CycleLedger in
                opened.add(.stopping)
                return try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
            }, outputRoot: ws + "/Outputs", now: now)
        } throws: { e in
            guard case AppError.invalidInputs = e else { return false }
            return true
        }
        #expect(opened.all.isEmpty && !FileSystem.exists(ws + "/Ledger") && !FileSystem.exists(ws + "/Outputs"))
    }

    /// SPEC §3.7: with a ledger, reputation is the ledger's, so CSV files without a
    /// `reputation` column clear (each participant at the ledger's points); without a ledger
    /// the column is required.
    @Test func withALedgerTheReputationColumnIsOptional() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let dir = ws + "/Inputs/" + sampleCycle
        for name in ["offers.csv", "bids.csv"] { try dropColumn("reputation", of: dir + "/" + name) }
        let files = try service.load(cycleDirectory: dir)
        #expect { _ = try service.clear(files, options: options) } throws: { e in
            guard case AppError.invalidInputs(_, let m) = e else { return false }
            return m.contains("missing required column 'reputation'")
        }
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        let r = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: nil, now: now)
        #expect(r.record == .appended(height: 1))
        let neutral = ReputationSnapshot()
        #expect(r.cleared.inputs.offers.allSatisfy { $0.reputation == neutral.points(of: $0.sellerID) })
        #expect(r.cleared.inputs.bids.allSatisfy { $0.reputation == neutral.points(of: $0.buyerID) })
        #expect(r.cleared.inputs.warnings.isEmpty)
        let replay = try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: sampleCycle, trusted: nil)
        #expect(replay.identical)
    }

    /// A CSV reputation differing from the ledger's is replaced by it, with one warning.
    @Test func withALedgerADifferingCSVReputationIsReplacedWithOneWarning() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        let plain = try service.clear(files, options: options)
        let r = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: nil, now: now)
        let neutral = ReputationSnapshot()
        #expect(r.cleared.inputs.offers.allSatisfy { $0.reputation == neutral.points(of: $0.sellerID) })
        #expect(r.cleared.inputs.warnings.count == 1 && r.cleared.inputs.warnings[0].contains("differs from the ledger's"))
        #expect(plain.inputs.offers.map(\.reputation) != r.cleared.inputs.offers.map(\.reputation))
    }

    /// SPEC §6: outputs only after the ledger entry is durable — a ledger that refuses the
    /// append leaves no outputs.
    @Test func aLockedLedgerLeavesNoOutputs() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let holder = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        #expect {
            _ = try service.clearAndRecord(files, options: options, openLedger: { () throws -> CycleLedger in
                try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
            }, outputRoot: ws + "/Outputs", now: now)
        } throws: { e in
            guard case AppError.ledger(.inUse) = e else { return false }
            return true
        }
        #expect(!FileSystem.exists(ws + "/Outputs"))
        #expect(holder.store.state.cycles.isEmpty)
    }

    /// A publication failure after the append names the height: the cycle is in the ledger.
    @Test func publishFailureAfterTheAppendSaysTheCycleIsRecorded() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        try "not a folder".write(toFile: ws + "/Outputs", atomically: true, encoding: .utf8)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        #expect {
            _ = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: ws + "/Outputs", now: now)
        } throws: { e in
            guard case AppError.publishFailed(_, 1?, _) = e else { return false }
            return true
        }
        #expect(ledger.recordedHeight(ofCycle: sampleCycle) == 1)
    }

    @Test func replayIsByteIdenticalAndCatchesATamperedEntry() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        _ = try service.clearAndRecord(files, options: options, ledger: ledger, outputRoot: nil, now: now)
        let r = try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: sampleCycle, trusted: TrustedKeys([ledger.key.publicKey]))
        #expect(r.identical && r.height == 1 && r.comparisons.map(\.name) == ["trades.csv", "summary.json", "reputation.json"])
        var forged = r.entry
        forged.trades = try TradeTable(csv: Array(String(decoding: forged.tradesCSV, as: UTF8.self).replacingOccurrences(of: "0.6500", with: "0.6400").utf8))
        let bad = try ReplayService.replay(forged)
        #expect(!bad.identical && bad.comparisons[0].firstDifference?.hasPrefix("line 2") == true)
        #expect(throws: AppError.self) { _ = try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: "20991231T2345Z", trusted: nil) }
    }

    @Test func recordedFilesRoundTrip() throws {
        let wsFolder = try workspace(tag: "CycleServiceTests"), ws = wsFolder.path
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        let cleared = try service.clear(files, options: options)
        let e = try CycleRecord.entry(cleared, files: files, options: options)
        let (back, opts) = CycleRecord.files(of: e)
        #expect(back.offersCSV == files.offersCSV && back.bidsCSV == files.bidsCSV && back.marketJSON == files.marketJSON)
        #expect(opts.seed == options.seed && opts.mechanism == cleared.result.mechanism)
        #expect(CycleRecord.firstDifference(recorded: e, files: files) == nil)
    }
}

/// Removes one column from a CSV file (no quoted fields).
func dropColumn(_ name: String, of path: String) throws {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    guard let k = lines.first?.firstIndex(of: Substring(name)) else { return }
    let out = lines.map { l in l.enumerated().filter { $0.offset != k }.map(\.element).joined(separator: ",") }.joined(separator: "\n") + "\n"
    try out.write(toFile: path, atomically: true, encoding: .utf8)
}
