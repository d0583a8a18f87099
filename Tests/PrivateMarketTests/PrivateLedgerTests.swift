import Clearing
import Foundation
import GridClearApp
import GridClearCore
import GridClearSystem
import GridClearTestSupport
import LedgerLite
import MeterIngest
import Privacy
import PrivateMarket
import Testing

/// `private run --ledger` (issue 14): the cycle, its plans (tag 10) and confirmed match
/// records (tag 11) are one durable commit before any output; private settlements (tag 12)
/// are appended later; the ledger audits; its cleared-cycle entry is the one plaintext
/// `clear --mechanism kproto` would record.
@Suite struct PrivateLedgerTests {
    static let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    /// This test's scratch folder, removed when the test ends.
    let scratch: TemporaryFolder
    init() throws { scratch = try TemporaryFolder("PrivateLedgerTests") }

    /// A fresh folder in the scratch folder.
    func temp(_ tag: String) throws -> String { try scratch.newFolder(tag) }

    /// A private cycle's ledger after an audit that must pass: every entry, and the private
    /// market's entries by tag (10 plans, 11 match records, 12 private settlements).
    struct AuditedLedger {
        let report: AuditReport
        let all: [LedgerEntry]

        init(_ dir: String) throws {
            var all: [LedgerEntry] = []
            let r = try LedgerAuditor.audit(directory: dir, trusted: nil) { b, _ in all += b.entries }
            guard case .success(let rep) = r else { throw PrivateMarketError.incomplete("audit failed: \(r)") }
            (report, self.all) = (rep, all)
        }

        var plans: [PrivatePlanEntry] { all.compactMap { if case .privatePlan(let p) = $0 { return p } else { return nil } } }
        var matches: [PrivateMatchEntry] { all.compactMap { if case .privateMatch(let m) = $0 { return m } else { return nil } } }
        var settlements: [PrivateSettlementEntry] { all.compactMap { if case .privateSettlement(let x) = $0 { return x } else { return nil } } }
    }

    @Test func privateRunRecordsPlansAndMatchesBeforeOutputs() throws {
        let ledgerDir = try temp("l"), out = try temp("o")
        let cycleDir = Self.root + "/Inputs/20261120T1000Z"
        let now = UTCTime(millis: 1_795_000_000_000)
        // The outputs must not exist while the ledger commits: checked from inside the opener's ledger.
        let target = PrivateLedgerTarget(open: {
            #expect(!FileManager.default.fileExists(atPath: out + "/20261120T1000Z/trades.csv"))
            return try NodeLedger(directory: ledgerDir, keyFile: nil, now: now)
        }, now: now)
        var o = testOptions()
        o.paillierBits = 512
        let r = try PrivateCycleRunner.run(cycleDirectory: cycleDir, marketFile: nil, outputRoot: out, options: o, clock: { 0 }, ledger: target)
        #expect(r.equalsPlaintext && r.ledgerHeight != nil)

        let ledger = try AuditedLedger(ledgerDir)
        #expect(ledger.report.cycles == ["20261120T1000Z"])
        let (plans, matches) = (ledger.plans, ledger.matches)
        #expect(plans.count == r.bids + r.offers - r.rejected.count)
        #expect(matches.count == r.matches)
        #expect(Set(plans.map(\.pseudonym)).count == plans.count)
        for m in matches {   // every record's parties are recorded plans
            #expect(plans.contains { $0.side == 2 && $0.slot == m.buyerSlot && $0.pseudonym == m.buyerPseudonym })
            #expect(plans.contains { $0.side == 1 && $0.slot == m.sellerSlot && $0.pseudonym == m.sellerPseudonym })
        }
        // The cleared-cycle entry is what plaintext `clear --mechanism kproto` records.
        let files = try CycleFiles.load(cycleDirectory: cycleDir)
        let plain = try CyclePipeline.clear(files, options: ClearOptions(mechanism: "kproto"), context: ClearingContext())
        let expected = try CycleRecord.entry(plain, files: files, options: ClearOptions(mechanism: "kproto"))
        #expect(ledger.all.contains(.clearedCycle(expected)))
        // Outputs after the ledger, equal to the recorded trades.
        let published = try FileSystem.read(out + "/20261120T1000Z/trades.csv")
        #expect(published == expected.tradesCSV)

        // A second private run of the same cycle appends nothing and writes nothing.
        let out2 = try temp("o2")
        #expect(throws: PrivateMarketError.self) {
            _ = try PrivateCycleRunner.run(cycleDirectory: cycleDir, marketFile: nil, outputRoot: out2, options: o, clock: { 0 },
                                           ledger: PrivateLedgerTarget(open: { try NodeLedger(directory: ledgerDir, keyFile: nil, now: now) }, now: now))
        }
        #expect(!FileManager.default.fileExists(atPath: out2 + "/20261120T1000Z/trades.csv"))
        #expect(try AuditedLedger(ledgerDir).all.count == ledger.all.count)
    }

    /// `private run --meters`: each record's deviation is decided by the key holder on
    /// ciphertexts; the decisions equal plaintext `settle` on the same meters (within σ, short
    /// seller, short buyer) and are recorded as tag 12 in the same durable commit.
    @Test func meteredPrivateSettlementEqualsPlaintextAndIsRecorded() throws {
        let ledgerDir = try temp("m"), out = try temp("mo")
        let meters = out + "/meters.log"
        try SampleCycleMeters.file(["S1": 100_000, "S2": 140_000, "S3": 200_000, "P1": 96_000, "P2": 150_000, "P3": 250_000],
                           sellers: ["S1", "S2", "S3"]).write(toFile: meters, atomically: true, encoding: .utf8)
        let now = UTCTime(commandLine: "20261120T1200Z")!
        let r = try PrivateCycleRunner.run(cycleDirectory: Self.root + "/Inputs/20261120T1000Z", marketFile: nil, outputRoot: out, options: testOptions(),
                                           clock: { 0 }, ledger: PrivateLedgerTarget(open: { try NodeLedger(directory: ledgerDir, keyFile: nil, now: now) }, now: now),
                                           meters: PrivateMeterInput(metersFile: meters, now: now))
        let st = try #require(r.settlement)
        #expect(st.pending.isEmpty && st.outcomes.count == 3 && st.equalsPlaintext)
        // Oracle: plaintext settle of the published trades on the same meters.
        let files = try CycleFiles.load(cycleDirectory: Self.root + "/Inputs/20261120T1000Z")
        let inputs = try CyclePipeline.parse(files)
        let plain = try KPrototypesMechanism().clear(inputs, context: ClearingContext())
        let data = try MeterDataFile.load(meters)
        let parties = MeteredEnergyAggregator.perParticipant(data.records, cycleStart: 1_795_168_800_000).map {
            MeteredParty(participant: $0.participantID, role: $0.channel == .exportEnergy ? .seller : .buyer, wh: $0.isComplete ? $0.wh : nil)
        }
        guard case .settled(let rows, _, _, _, _) = DeviationSettlement(config: inputs.market.settlement, gridBuyPrice: inputs.market.gridBuyPrice,
                                                                        gridSellPrice: inputs.market.gridSellPrice)
            .settle(trades: plain.trades, metered: parties, cyclesElapsed: 7) else { Issue.record("plaintext pending"); return }
        #expect(Set(rows.map(\.outcome)) == [.matched, .actual])   // both branches exercised
        let recorded = try AuditedLedger(ledgerDir).settlements
        #expect(recorded.map(\.settledWh).sorted() == rows.map(\.settled).sorted())
        #expect(recorded.map(\.deviationBP).sorted() == rows.compactMap(\.deviationBP).sorted())
        #expect(recorded.filter(\.withinTolerance).count == rows.filter { $0.outcome == .matched }.count)
        #expect(recorded.filter { $0.sellerAtFault || $0.buyerAtFault }.count == rows.filter { !$0.atFault.isEmpty }.count)
    }

    /// Private settlements (tag 12) of a cycle, appended after its record; the ledger audits
    /// and each entry carries the key holder's decision.
    @Test func privateSettlementsAppendedAndAudited() throws {
        let (inputs, o) = try PrivateSettlementTests.cycle()
        let ledgerDir = try temp("s")
        let now = UTCTime(millis: 1_795_000_000_000)
        let target = PrivateLedgerTarget(open: { try NodeLedger(directory: ledgerDir, keyFile: nil, now: now) }, now: now)
        let d = o.matching.ledgerDigests
        let entries = try PrivateLedgerRecord.entries(cycle: inputs.cycleID, plans: d.plans, confirmations: d.confirmations, matches: o.matching.matches)
        let files = CycleFiles(cycleID: inputs.cycleID, offersCSV: [], bidsCSV: [], marketJSON: nil, cycleMarketJSON: nil, gridJSON: nil)
        _ = try PrivateLedgerRecord.record(files: files, inputs: inputs, result: o.result, entries: entries, to: target)

        let m = try #require(o.matching.matches.first)
        let pk = o.keyHolder.publicKey
        let meter = OperatorRole()
        o.bus.add(meter)
        o.bus.post([MarketEnvelope(to: o.matching.address, .meterReading(record: m.record.id, side: .sell, actual: try pk.encrypt(94_000))),
                    MarketEnvelope(to: o.matching.address, .meterReading(record: m.record.id, side: .buy, actual: try pk.encrypt(100_000)))], from: meter)
        o.bus.run()
        let s = PrivateLedgerRecord.settlementEntries(cycle: inputs.cycleID, matches: o.matching.matches, settlements: o.matching.settlements)
        #expect(s.count == 1)
        #expect(try PrivateLedgerRecord.recordSettlements(s, to: target) != nil)
        let recorded = try AuditedLedger(ledgerDir).settlements
        #expect(recorded == [PrivateSettlementEntry(cycleID: inputs.cycleID, recordID: UInt32(m.record.id), matchedWh: 100_000, settledWh: 94_000,
                                                    deviationBP: 600, withinTolerance: false, sellerAtFault: true, buyerAtFault: false)])
    }
}
