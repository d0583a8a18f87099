import GridClearCore
import Testing
@testable import Clearing

/// Seed 003 Table 2.1 (rows = sellers, columns = buyers, (priority, price)), as the CSV form.
let table21CSV = """
seller_id,buyer_id,priority,price
A,B,1,0.3
A,C,2,0.4
A,D,3,0.5
B,A,3,0.5
B,C,1,0.2
B,D,2,0.4
C,A,3,0.4
C,B,2,0.3
C,D,1,0.3
D,A,1,0.2
D,B,2,0.4
D,C,3,0.4

"""

func supply(_ p: String, _ wh: Wh) -> MeteredParty { MeteredParty(participant: p, role: .seller, wh: wh) }
func use(_ p: String, _ wh: Wh) -> MeteredParty { MeteredParty(participant: p, role: .buyer, wh: wh) }

func rec(_ r: SettlementRecord) -> String { "\(r.seller)->\(r.buyer):\(r.energy)@\(r.price)" }

@Suite struct PrioritySettlementTests {
    let pm = try! PriceMatrix.parseCSV(Array(table21CSV.utf8))

    @Test func parsesTable21() {
        #expect(pm.buyers(of: "A").map(\.buyer) == ["B", "C", "D"])
        #expect(pm.buyers(of: "D").map(\.buyer) == ["A", "B", "C"])
        #expect(pm.price(seller: "C", buyer: "D") == 3000)
        #expect(pm.participants == ["A", "B", "C", "D"])
    }

    @Test func seedWorkedExample() {
        // Text of §2.3.2: A can supply 10 kWh, B needs 7, C needs 5. A serves B first (priority 1),
        // then C with the remaining 3; C's other 2 kWh come from the grid at 0.5.
        let rl = AsyncSettlement.settle([supply("A", 10_000), use("B", 7_000), use("C", 5_000)],
                                        matrix: pm, gridBuyPrice: 5000, gridSellPrice: 5000)
        #expect(rl.map(rec) == ["A->B:7000@3000", "A->C:3000@4000", "grid->C:2000@5000"])
        #expect(rl.map(\.amount) == [21_000_000, 12_000_000, 10_000_000]) // 2.1, 1.2, 1.0 CNY
    }

    @Test func fourUsersWithSurplusToTheGrid() {
        // D also supplies 4 kWh: its row serves A (not consuming), B (already served), then C (2 kWh at 0.4);
        // its last 2 kWh go to the grid — the seller's value is zeroed ([change]).
        let rl = AsyncSettlement.settle([supply("D", 4_000), supply("A", 10_000), use("B", 7_000), use("C", 5_000)],
                                        matrix: pm, gridBuyPrice: 5000, gridSellPrice: 5000)
        #expect(rl.map(rec) == ["A->B:7000@3000", "A->C:3000@4000", "D->C:2000@4000", "D->grid:2000@5000"])
    }

    @Test func energyIsConservedOnRandomMeterData() {
        var g = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let ids = ["A", "B", "C", "D"]
            var sl: [MeteredParty] = [], cl: [MeteredParty] = []
            for id in ids {
                let v = Wh.random(in: -20_000...20_000, using: &g)
                if v > 0 { sl.append(supply(id, v)) } else if v < 0 { cl.append(use(id, -v)) }
            }
            let rl = AsyncSettlement.settle(sl + cl, matrix: pm, gridBuyPrice: 5000, gridSellPrice: 3000)
            for s in sl { #expect(rl.filter { $0.seller == s.participant }.reduce(0) { $0 + $1.energy } == s.wh) }
            for c in cl { #expect(rl.filter { $0.buyer == c.participant }.reduce(0) { $0 + $1.energy } == c.wh) }
            #expect(rl.allSatisfy { $0.energy > 0 })
        }
    }

    @Test func lateDataWithinToleranceSettlesNormally() {
        var t = LateDataSettlement(expected: ["A", "B", "C", "D"], matrix: pm, gridBuyPrice: 5000, gridSellPrice: 5000, lateCycles: 2)
        #expect(t.step(.reading(cycle: 0, participant: "A", netWh: 10_000)).isEmpty)
        #expect(t.step(.reading(cycle: 0, participant: "B", netWh: -7_000)).isEmpty)
        #expect(t.step(.reading(cycle: 0, participant: "C", netWh: -5_000)).isEmpty)
        #expect(t.step(.tick(currentCycle: 1)).isEmpty)
        #expect(t.unsettledCycles == [0])
        let d = t.step(.reading(cycle: 0, participant: "D", netWh: -1_000))
        guard case let .settled(k, rl, complete, missing)? = d.first else { Issue.record("expected a settlement"); return }
        #expect(k == 0 && complete && missing.isEmpty)
        #expect(rl.map(rec) == ["A->B:7000@3000", "A->C:3000@4000", "grid->C:2000@5000", "grid->D:1000@5000"])
        #expect(t.unsettledCycles.isEmpty)
    }

    @Test func lateDataBeyondToleranceSettlesIncompletelyAndPenalises() {
        var t = LateDataSettlement(expected: ["A", "B", "C", "D"], matrix: pm, gridBuyPrice: 5000, gridSellPrice: 3000, lateCycles: 2)
        t.open(cycle: 1)
        _ = t.step(.reading(cycle: 1, participant: "A", netWh: 1_000))
        _ = t.step(.reading(cycle: 1, participant: "C", netWh: -400))
        // LateDataRule: the window of cycle 1 (2 whole cycles after it ended) closes when cycle 4 starts.
        #expect(t.step(.tick(currentCycle: 2)).isEmpty)
        #expect(t.step(.tick(currentCycle: 3)).isEmpty)
        let d = t.step(.tick(currentCycle: 4))
        #expect(d == [.settled(cycle: 1, records: [SettlementRecord(buyer: "C", seller: "A", energy: 400, price: 4000),
                                                    SettlementRecord(buyer: "grid", seller: "A", energy: 600, price: 3000)],
                               complete: false, missing: ["B", "D"]),
                      .penalty(participant: "B", cycle: 1), .penalty(participant: "D", cycle: 1)])
        #expect(t.step(.reading(cycle: 1, participant: "B", netWh: -5)) == [.readingIgnored(cycle: 1, participant: "B", reason: "cycle already settled")])
        var book = ReputationBook()
        let changes = book.apply(ReputationBook.events(for: d))
        #expect(changes.map(\.after) == [50, 50])
        #expect(book.score(of: "B") == 50 && book.score(of: "A") == 60)
    }

    @Test func rejectsMalformedMatrices() {
        func err(_ s: String) -> String {
            do { _ = try PriceMatrix.parseCSV(Array(s.utf8), file: "pm.csv"); return "ok" } catch { return "\(error)" }
        }
        #expect(err("seller_id,buyer_id,priority,price\nA,B,1,0.30001\n").hasPrefix("pm.csv:2:4: column 'price'"))
        #expect(err("seller_id,buyer_id,priority,price\nA,B,0,0.3\n").hasPrefix("pm.csv:2:3: column 'priority'"))
        #expect(err("seller_id,buyer_id,priority,price\nA,B,1,0.3\nA,B,2,0.3\n").contains("duplicate agreement A→B"))
        #expect(err("seller_id,buyer_id,priority,price\nA,A,1,0.3\n").contains("itself"))
        #expect(err("seller,buyer_id,priority,price\n").contains("unknown column 'seller'"))
    }
}
