import Foundation
import GridClearTestSupport
import Testing
import Clearing
@testable import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// Issue 16 through the application layer: reputation from the ledger, bills per cycle and
/// per period, replay of cycles cleared with fees, pricing and the ledger's reputation.
@Suite(.serialized) struct MarketRulesAppTests {
    let meters = packageRoot + "/scripts/meter_example/meter-data.log"
    let meterTrades = packageRoot + "/scripts/meter_example/trades.csv"
    let next = "20261120T1015Z"

    /// Two sellers at the same place and price; buyer B1 judges sellers by reputation alone.
    func cycleFiles(s1Reputation: String, s2Reputation: String, b1Reputation: String) -> CycleFiles {
        let offers = """
        offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences
        o1,S1,0.5000,10,solar,39.9,116.4,\(s1Reputation),price:0.5;demand:0.3;loss:0.2
        o2,S2,0.5000,10,solar,39.9,116.4,\(s2Reputation),price:0.5;demand:0.3;loss:0.2

        """
        let bids = """
        bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences
        b1,B1,0.8000,10,39.9,116.4,\(b1Reputation),reputation:1

        """
        return CycleFiles(cycleID: next, offersCSV: Array(offers.utf8), bidsCSV: Array(bids.utf8))
    }

    func ledger(_ ws: String) throws -> NodeLedger {
        try NodeLedger(directory: ws + "/Ledger", keyFile: nil, now: UTCTime(commandLine: "20261120T1200Z")!)
    }

    /// SPEC §3.7: settle a cycle in which S1 is penalised (60 → 50), then clear the next cycle
    /// from the same ledger: S1's reputation is the ledger's 50, not the 95 its CSV row claims
    /// (S2 has no history: base 60, not its claimed 70). B1's CMAP satisfaction is 10·r/100 of
    /// the ledger's value, so B1 now prefers S2 — the trades equal a plain clear whose CSV
    /// holds the ledger's values, and differ from one that believes the CSV.
    @Test func penalisedReputationFromTheLedgerEntersCMAP() throws {
        let wsFolder = try workspace(cycles: [], tag: "MarketRulesAppTests"), ws = wsFolder.path
        let request = SettlementRequest(cycle: CycleID(sampleCycle)!, metersFile: meters, tradesFile: meterTrades, marketFile: nil,
                                        reputationFile: nil, outputRoot: ws + "/Settlements")
        guard case .settled = try SettlementService.settle(request, openLedger: { try self.ledger(ws) }, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected settled"); return
        }
        let l = try ledger(ws)
        #expect(try l.reputationSnapshot(excludingCycle: nil)?.scores["S1"] == 50_000)
        let claimed = cycleFiles(s1Reputation: "95", s2Reputation: "70", b1Reputation: "60")
        let r = try CycleService().clearAndRecord(claimed, options: ClearOptions(), ledger: l, outputRoot: ws + "/Outputs", now: UTCTime(commandLine: "20261120T1200Z")!)
        let s1 = try #require(r.cleared.inputs.offers.first { $0.sellerID == "S1" })
        #expect(s1.reputation == 50 && r.cleared.inputs.offers[1].reputation == 60)
        let b1 = r.cleared.inputs.bids[0]
        #expect(CMAPSatisfaction.buyer(b1, s1, loss: PairLoss(distanceKm: 0, lossPct: 0), market: r.cleared.inputs.market) == CMAPSatisfaction.reputation(50))
        #expect(r.cleared.inputs.warnings.count == 1)
        let asLedger = try CycleService().clear(cycleFiles(s1Reputation: "50", s2Reputation: "60", b1Reputation: "60"), options: ClearOptions())
        let believed = try CycleService().clear(claimed, options: ClearOptions())
        #expect(r.cleared.tradesCSV == asLedger.tradesCSV)
        #expect(r.cleared.tradesCSV != believed.tradesCSV)
        #expect(r.cleared.result.trades.first { $0.status == .accepted }?.sellerID == "S2")
        // Replay reproduces it from the entry, and the reputation used follows from the ledger prefix.
        let replay = try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: next, trusted: nil)
        #expect(replay.identical && replay.comparisons.map(\.name) == ["trades.csv", "summary.json", "reputation.json"])
        // Clearing again from the same inputs after more reputation changes: the recorded reputation stands.
        let again = try CycleService().clearAndRecord(claimed, options: ClearOptions(), ledger: l, outputRoot: nil, now: UTCTime(commandLine: "20261120T1200Z")!)
        #expect(again.record == .alreadyRecorded(height: r.record!.height))
    }

    /// A cycle recorded the old way (CSV reputation, no fee columns) still replays identically.
    @Test func entriesWithoutReputationOrFeesReplay() throws {
        let files = cycleFiles(s1Reputation: "95", s2Reputation: "70", b1Reputation: "60")
        let cleared = try CycleService().clear(files, options: ClearOptions())
        let entry = try CycleRecord.entry(cleared, files: files, options: ClearOptions())
        #expect(entry.trades.columns == ClearingResult.tradeColumns && !entry.inputs.contains { $0.name == "reputation.json" })
        #expect(try ReplayService.replay(entry).identical)
    }

    func column(_ csv: [UInt8], _ name: String) throws -> [Int64] {
        let t = try TradeTable(csv: csv)
        let i = try #require(t.columns.firstIndex(of: name))
        return t.rows.map { Int64($0[i].filter { $0 != "." })! }
    }

    func rows(_ csv: [UInt8], where col: String, _ value: String) throws -> [[String]] {
        let t = try TradeTable(csv: csv)
        let i = try #require(t.columns.firstIndex(of: col))
        return t.rows.filter { $0[i] == value }
    }

    /// Bills of a cycle sum exactly to its trades: Σ paid_local = Σ received_local = Σ accepted
    /// amounts, Σ paid_grid / received_grid = the grid rows, Σ fees = the fee columns; the
    /// period bill from the ledger equals the cycle's bills.csv; after settling, each
    /// participant's settlement_adjust is its settlement money minus its cleared money, and
    /// S1's penalty shows as 10 points.
    @Test func billsSumExactlyToTheTradesAndThePeriodAddsSettlement() throws {
        let wsFolder = try workspace(tag: "MarketRulesAppTests"), ws = wsFolder.path
        let market = """
        {"pricing": "pay_as_bid", "fees": {"network": {"bands": [{"up_to_km": "3", "fee": "0.0200"}, {"fee": "0.0450"}]},
         "levies": [{"name": "renewable", "per_kwh": "0.0033"}], "payer": "split"}}
        """
        try market.write(toFile: ws + "/Inputs/\(sampleCycle)/market.json", atomically: true, encoding: .utf8)
        let service = CycleService()
        let files = try service.load(cycleDirectory: ws + "/Inputs/" + sampleCycle)
        let l = try ledger(ws)
        let r = try service.clearAndRecord(files, options: ClearOptions(), ledger: l, outputRoot: ws + "/Outputs", now: UTCTime(commandLine: "20261120T1200Z")!)
        #expect(r.published.map { ($0 as NSString).lastPathComponent } == ["trades.csv", "bills.csv", "summary.json"])
        let trades = r.cleared.tradesCSV
        let bills = try FileSystem.read(ws + "/Outputs/\(sampleCycle)/bills.csv")
        let accepted = try rows(trades, where: "status", "accepted")
        #expect(!accepted.isEmpty)
        func sum(_ rows: [[String]], _ csv: [UInt8], _ name: String) throws -> Int64 {
            let i = try #require(try TradeTable(csv: csv).columns.firstIndex(of: name))
            return rows.reduce(0) { $0 + Int64($1[i].filter { $0 != "." })! }
        }
        let acceptedAmount = try sum(accepted, trades, "amount_cny")
        #expect(try column(bills, "paid_local_cny").reduce(0, +) == acceptedAmount)
        #expect(try column(bills, "received_local_cny").reduce(0, +) == acceptedAmount)
        let grid = try rows(trades, where: "status", "grid")
        let gridAmount = try sum(grid, trades, "amount_cny")
        let billedGrid = try column(bills, "paid_grid_cny").reduce(0, +) + column(bills, "received_grid_cny").reduce(0, +)
        #expect(billedGrid == gridAmount)
        let fees = try column(trades, "buyer_fee_cny").reduce(0, +) + column(trades, "seller_fee_cny").reduce(0, +)
        let feeParts = try column(trades, "network_fee_cny").reduce(0, +) + column(trades, "levy_cny").reduce(0, +)
        #expect(fees > 0 && fees == feeParts)
        #expect(try column(bills, "fees_cny").reduce(0, +) == fees)
        let gridNet = try column(bills, "received_grid_cny").reduce(0, +) - column(bills, "paid_grid_cny").reduce(0, +)
        #expect(try column(bills, "net_cny").reduce(0, +) == gridNet - fees)
        // pay_as_bid: every accepted row at its bid's price.
        let bidPrice = Dictionary(uniqueKeysWithValues: r.cleared.inputs.bids.map { ($0.id, Units.priceString($0.price)) })
        #expect(accepted.allSatisfy { bidPrice[$0[0]] == $0[5] })
        #expect(try ReplayService.replay(ledgerDirectory: ws + "/Ledger", cycle: sampleCycle, trusted: nil).identical)

        let c = CycleID(sampleCycle)!
        let period = try BillService.period(ledgerDirectory: ws + "/Ledger", from: c, to: c.advanced(by: 3), trusted: nil)
        #expect(period.book.csv() == bills && period.clearedCycles == [sampleCycle] && period.settledCycles.isEmpty)

        // Settle the cycle (meter example) into the same ledger.
        let request = SettlementRequest(cycle: c, metersFile: meters, tradesFile: meterTrades, marketFile: nil, reputationFile: nil,
                                        outputRoot: ws + "/Settlements")
        guard case .settled = try SettlementService.settle(request, openLedger: { l }, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected settled"); return
        }
        let settled = try BillService.period(ledgerDirectory: ws + "/Ledger", from: c, to: c, trusted: nil)
        #expect(settled.settledCycles == [sampleCycle])
        var money: [String: Int64] = [:]
        for e in try l.allEntries() {
            if case .settlement(let s) = e { money[s.participantID, default: 0] += s.reason == "trades" ? s.amount : -s.amount }
        }
        var before = BillBook()
        try before.add(cycle: sampleCycle, trades: TradeTable(csv: trades))
        for (p, b) in settled.book.bills {
            let cleared = before.bills[p]?.clearedMoney ?? 0
            #expect(b.settlementAdjust == money[p, default: 0] - cleared, "\(p)")
            #expect(b.net == money[p, default: 0] - b.fees, "\(p)")
        }
        #expect(settled.book.bills["S1"]?.penaltyMilliPoints == 10_000)
        #expect(throws: AppError.self) { try BillService.period(ledgerDirectory: ws + "/Ledger", from: c.advanced(by: 1), to: c, trusted: nil) }
    }

    /// Priority-matrix settlement (SPEC §3.5) through `settle`: while B3's data is missing and
    /// the window is open the cycle is pending (the one LateDataRule); after it, S1's net
    /// supply (14.670 kWh) serves B2 first (4.000 kWh at 0.6200), then B1 (10.100 at 0.5800);
    /// 0.570 kWh goes to the grid at the feed-in 0.3023 (−0.1723110 CNY), B3 is penalised once.
    @Test func priorityMatrixSettlementSharesTheLateDataRule() throws {
        let wsFolder = try workspace(cycles: [], tag: "MarketRulesAppTests"), ws = wsFolder.path
        var request = SettlementRequest(cycle: CycleID(sampleCycle)!, metersFile: meters, tradesFile: ws + "/none.csv", marketFile: nil,
                                        reputationFile: nil, outputRoot: ws + "/Settlements")
        request.matrixFile = packageRoot + "/scripts/meter_example/price-matrix.csv"
        guard case .pending(let missing, _) = try SettlementService.settle(request, openLedger: nil, now: UTCTime(commandLine: "20261120T1015Z")!) else {
            Issue.record("expected pending"); return
        }
        #expect(missing == ["B3"])
        guard case .settled(let s) = try SettlementService.settle(request, openLedger: { try self.ledger(ws) }, now: UTCTime(commandLine: "20261120T1200Z")!) else {
            Issue.record("expected settled"); return
        }
        #expect(s.rows.map { "\($0.buyerID)<\($0.sellerID):\($0.settled)@\($0.price)" } == ["B2<S1:4000@6200", "B1<S1:10100@5800"])
        #expect(!s.complete && s.missing == ["B3"])
        let grid = try String(contentsOfFile: request.directory + "/grid.csv", encoding: .utf8)
        #expect(grid.contains("S1,seller,14.670,14.100,0.570,0.3023,-0.1723110"))
        let l = try ledger(ws)
        let snap = try #require(try l.reputationSnapshot(excludingCycle: nil))
        #expect(snap.scores == ["S1": 62_000, "B1": 61_000, "B2": 61_000, "B3": 50_000])
    }
}
