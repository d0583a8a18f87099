import GridClearCore
import Testing
@testable import Clearing

@Suite struct DeviationSettlementTests {
    let rule = DeviationSettlement(toleranceBP: 500, lateCycles: 4, gridBuyPrice: 14167, gridSellPrice: 3023)
    let t1 = Trade(bidID: "b1", offerID: "o1", buyerID: "B1", sellerID: "S1", energy: 10_000, price: 5000, status: .accepted)

    func settled(_ r: DeviationSettlementResult) -> (trades: [SettledTrade], grid: [GridImbalance], rep: [ReputationEvent], complete: Bool, missing: [String])? {
        if case let .settled(t, g, e, c, m) = r { return (t, g, e, c, m) }
        return nil
    }

    @Test func withinToleranceSettlesAtMatchedEnergy() throws {
        let r = try #require(settled(rule.settle(trades: [t1], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 9_700), MeteredParty(participant: "B1", role: .buyer, wh: 10_200)], cyclesElapsed: 0)))
        #expect(r.trades[0].outcome == .matched && r.trades[0].settled == 10_000 && r.trades[0].deviationBP == 300)
        #expect(r.trades[0].amount == 50_000_000) // 10 kWh × 0.5 CNY = 5 CNY = 5e7 units
        #expect(r.rep == [.tradeCompleted(participant: "S1"), .tradeCompleted(participant: "B1")])
        // The seller's 300 Wh shortfall is bought from the grid; the buyer's 200 Wh extra too.
        #expect(r.grid == [GridImbalance(participant: "B1", role: .buyer, metered: 10_200, settled: 10_000, price: 14167, amount: 200 * 14167),
                           GridImbalance(participant: "S1", role: .seller, metered: 9_700, settled: 10_000, price: 14167, amount: 300 * 14167)])
    }

    @Test func sellerShortOutsideToleranceSettlesAtActualAndPenalisesSeller() throws {
        let r = try #require(settled(rule.settle(trades: [t1], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 8_000), MeteredParty(participant: "B1", role: .buyer, wh: 10_000)], cyclesElapsed: 0)))
        #expect(r.trades[0].outcome == .actual && r.trades[0].settled == 8_000 && r.trades[0].atFault == ["S1"])
        #expect(r.rep == [.penalty(participant: "S1", reason: "delivery deviation")])
        #expect(r.grid.first { $0.participant == "B1" }!.amount == 2_000 * 14167)
    }

    @Test func buyerShortIsAtFaultAndExactlySigmaIsOutside() throws {
        // Deviation exactly 5 %: not below σ → settles at actual.
        let r = try #require(settled(rule.settle(trades: [t1], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 10_000), MeteredParty(participant: "B1", role: .buyer, wh: 9_500)], cyclesElapsed: 0)))
        #expect(r.trades[0].outcome == .actual && r.trades[0].settled == 9_500 && r.trades[0].atFault == ["B1"])
        // The seller's undelivered 500 Wh go to the grid at the feed-in price (seller receives).
        #expect(r.grid.first { $0.participant == "S1" }! == GridImbalance(participant: "S1", role: .seller, metered: 10_000, settled: 9_500, price: 3023, amount: -500 * 3023))
        let justIn = try #require(settled(rule.settle(trades: [t1], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 10_000), MeteredParty(participant: "B1", role: .buyer, wh: 9_501)], cyclesElapsed: 0)))
        #expect(justIn.trades[0].outcome == .matched)
    }

    @Test func overDeliveryIsTheGridsNotADeviation() throws {
        let r = try #require(settled(rule.settle(trades: [t1], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 15_000), MeteredParty(participant: "B1", role: .buyer, wh: 13_000)], cyclesElapsed: 0)))
        #expect(r.trades[0].outcome == .matched && r.trades[0].settled == 10_000)
        #expect(r.grid.map(\.imbalance) == [3_000, 5_000])
    }

    @Test func lateDataWaitsThenSettlesIncompletelyWithPenalty() throws {
        let metered = [MeteredParty(participant: "S1", role: .seller, wh: 10_000), MeteredParty(participant: "B1", role: .buyer, wh: nil)]
        #expect(rule.settle(trades: [t1], metered: metered, cyclesElapsed: 1) == .pending(missing: ["B1"], cyclesLeft: 3))
        #expect(rule.settle(trades: [t1], metered: Array(metered.prefix(1)), cyclesElapsed: 3) == .pending(missing: ["B1"], cyclesLeft: 1))
        let r = try #require(settled(rule.settle(trades: [t1], metered: metered, cyclesElapsed: 4)))
        #expect(!r.complete && r.missing == ["B1"])
        #expect(r.trades[0].outcome == .incomplete && r.trades[0].settled == 0)
        #expect(r.rep == [.penalty(participant: "B1", reason: "late meter data")])
        #expect(r.grid == [GridImbalance(participant: "S1", role: .seller, metered: 10_000, settled: 0, price: 3023, amount: -10_000 * 3023)])
        // Data that arrives within the window settles normally.
        let onTime = try #require(settled(rule.settle(trades: [t1], metered: [metered[0], MeteredParty(participant: "B1", role: .buyer, wh: 10_000)], cyclesElapsed: 3)))
        #expect(onTime.complete && onTime.trades[0].outcome == .matched)
    }

    @Test func shortfallIsSharedProRataAcrossTrades() throws {
        let a = Trade(bidID: "b1", offerID: "o1", buyerID: "B1", sellerID: "S1", energy: 6_000, price: 5000, status: .accepted)
        let b = Trade(bidID: "b2", offerID: "o1", buyerID: "B2", sellerID: "S1", energy: 4_000, price: 6000, status: .accepted)
        let g = Trade(bidID: "b3", offerID: "grid", buyerID: "B3", sellerID: "grid", energy: 1_000, price: 14167, status: .grid)
        let r = try #require(settled(rule.settle(trades: [a, b, g], metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 5_001), MeteredParty(participant: "B1", role: .buyer, wh: 6_000),
            MeteredParty(participant: "B2", role: .buyer, wh: 4_000), MeteredParty(participant: "B3", role: .buyer, wh: 900)], cyclesElapsed: 0)))
        // 5001 × 6/10 = 3000.6 → 3001 (largest remainder), 5001 × 4/10 = 2000.4 → 2000.
        #expect(r.trades.map(\.sellerActual) == [3_001, 2_000])
        #expect(r.trades.map(\.settled) == [3_001, 2_000])
        // Issue 16: at fault on both trades, but penalised once per party, cause and cycle.
        #expect(r.rep.filter { if case .penalty = $0 { return true } else { return false } }
                 == [.penalty(participant: "S1", reason: DeviationSettlement.deviationReason)])
        // Grid rows are not settled bilaterally; B3's consumption is all the grid's.
        #expect(r.grid.first { $0.participant == "B3" }!.imbalance == 900)
    }

    /// Property: over random cycles, settled energy never exceeds matched or either party's
    /// metered energy, each party's allocations sum to min(metered, matched total), and the
    /// outcome follows the tolerance rule exactly (brute-force recomputation).
    @Test func invariantsOverRandomCycles() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let sellers = ["S1", "S2", "S3"], buyers = ["B1", "B2", "B3"]
            var trades: [Trade] = []
            for k in 0..<Int.random(in: 1...6, using: &rng) {
                trades.append(Trade(bidID: "b\(k)", offerID: "o\(k)", buyerID: buyers.randomElement(using: &rng)!,
                                    sellerID: sellers.randomElement(using: &rng)!, energy: Wh.random(in: 1...20_000, using: &rng),
                                    price: PriceTicks.random(in: 3000...14000, using: &rng), status: .accepted))
            }
            let metered = sellers.map { MeteredParty(participant: $0, role: .seller, wh: Wh.random(in: 0...40_000, using: &rng)) }
                + buyers.map { MeteredParty(participant: $0, role: .buyer, wh: Wh.random(in: 0...40_000, using: &rng)) }
            let r = try #require(settled(rule.settle(trades: trades, metered: metered, cyclesElapsed: 0)))
            for (t, s) in zip(trades, r.trades) {
                let actual = min(s.sellerActual!, s.buyerActual!)
                #expect(s.settled <= t.energy && s.settled >= 0)
                let within = (t.energy - actual) * 10_000 < 500 * t.energy
                #expect(s.outcome == (within ? .matched : .actual))
                #expect(s.settled == (within ? t.energy : actual))
            }
            for m in metered {
                let mine = zip(trades, r.trades).filter { m.role == .seller ? $0.0.sellerID == m.participant : $0.0.buyerID == m.participant }
                let total = mine.reduce(Wh(0)) { $0 + $1.0.energy }
                let alloc = mine.reduce(Wh(0)) { $0 + (m.role == .seller ? $1.1.sellerActual! : $1.1.buyerActual!) }
                #expect(alloc == min(m.wh!, total))
            }
        }
    }

    @Test func canonicalFiles() throws {
        let csv = "bid_id,offer_id,buyer_id,seller_id,energy_kwh,price,amount_cny,loss_pct,distance_km,buyer_satisfaction,seller_satisfaction,status\nb1,o1,B1,S1,10.000,0.5000,5.0000000,0.10,0.1,,,accepted\nb9,grid,B9,grid,1.5,1.4167,,,,,,grid\n"
        let trades = try SettlementFiles.parseTrades(Array(csv.utf8), file: "trades.csv")
        #expect(trades.count == 2 && trades[0] == t1 && trades[1].energy == 1_500 && trades[1].status == .grid)
        #expect(throws: InputError.self) { try SettlementFiles.parseTrades(Array("bid_id\nx\n".utf8), file: "t.csv") }
        let bad = csv.replacingOccurrences(of: "10.000", with: "10.0005")
        #expect(throws: InputError(file: "t.csv", line: 2, column: 5, field: "energy_kwh", "expected a decimal with at most 3 decimals")) {
            try SettlementFiles.parseTrades(Array(bad.utf8), file: "t.csv")
        }
        let r = try #require(settled(rule.settle(trades: trades, metered: [
            MeteredParty(participant: "S1", role: .seller, wh: 8_000), MeteredParty(participant: "B1", role: .buyer, wh: 10_000)], cyclesElapsed: 0)))
        #expect(String(decoding: SettlementFiles.settlementCSV(r.trades), as: UTF8.self) ==
                SettlementFiles.settlementHeader + "\nb1,o1,B1,S1,10.000,8.000,10.000,20.00,8.000,0.5000,4.0000000,actual,S1\n")
        var book = ReputationBook()
        let changes = book.apply(r.rep)
        #expect(String(decoding: SettlementFiles.reputationJSON(cycle: "20261120T1000Z", changes: changes, complete: true, missing: []), as: UTF8.self) ==
                "{\"changes\":[{\"after\":50,\"before\":60,\"participant\":\"S1\",\"reason\":\"delivery deviation\"}],\"complete\":true,\"cycle\":\"20261120T1000Z\",\"missing\":[],\"version\":1}\n")
    }
}

