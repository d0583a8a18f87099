import Foundation
import GridClearTestSupport
import Testing
import Clearing
import GridClearApp
import GridClearCore
import LedgerLite

/// `LedgerReputation.fold` (the etcd mode's reputation for clearing): continuing a fold reads
/// only the blocks appended since, and equals the fold of every entry from the start.
@Suite struct LedgerReputationFoldTests {
    @Test func incrementalFoldEqualsTheWholeFold() throws {
        let tmp = try TemporaryFolder("LedgerReputationFoldTests"), ws = tmp.path
        let now = UTCTime(seconds: 1_795_000_000)
        let ledger = try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: now)
        func change(_ p: String, _ after: Int64) -> LedgerEntry {
            .reputationChange(ReputationChangeEntry(cycleID: "20261120T1000Z", participantID: p, before: 60_000, after: after, reason: "test"))
        }
        _ = try ledger.commit([change("P1", 70_000)], now: now)
        let first = ledger.store.state
        _ = try ledger.commit([change("P2", 50_000), change("P1", 65_000)], now: now.adding(millis: 1_000))
        let path = ledger.store.path
        let a = try LedgerReputation.fold(ledgerFile: path, through: first, from: (0, 0, ReputationSnapshot()))
        #expect(a.nextHeight == first.nextHeight && a.endOffset == first.endOffset && a.snapshot.scores == ["P1": 70_000])
        let b = try LedgerReputation.fold(ledgerFile: path, through: ledger.store.state, from: a)
        let whole = LedgerReputation.snapshot(of: try ledger.allEntries())
        #expect(b.snapshot == whole && whole.scores == ["P1": 65_000, "P2": 50_000])
        #expect(try LedgerReputation.fold(ledgerFile: path, through: ledger.store.state, from: (0, 0, ReputationSnapshot())).snapshot == whole)
    }
}
