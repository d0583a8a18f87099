import Testing
import Foundation
import GridClearCore
@testable import LedgerLite

@Suite struct ProofTests {
    func block() throws -> Block {
        let rows = (1...7).map { "B\($0),O\($0),\"x,\($0)\",accepted" }
        let c = try ClearedCycleEntry(cycleID: "20261120T1000Z", mechanism: "cmap", solver: "simplex", seed: 1,
                                  inputs: [InputFile(name: "offers.csv", bytes: Array("o".utf8))],
                                  tradesCSV: Array(("bid_id,offer_id,note,status\n" + rows.joined(separator: "\n") + "\n").utf8), summaryJSON: Array("{}".utf8))
        let entries: [LedgerEntry] = [.settlement(SettlementEntry(cycleID: "x", participantID: "p", energyWh: 1, amount: 1, reason: "")), .clearedCycle(c),
                                      .meterDigest(MeterDigestEntry(cycleID: "x", meterID: "m", participantID: "p", readings: 1, digest: Array(repeating: 1, count: 32)))]
        var st = ChainState(); st.lastHeight = 4
        return try BlockBuilder.build(entries: entries, on: st, nowMillis: 123, key: testKey)
    }

    @Test func everyRowProvesAndTamperingFails() throws {
        let b = try block()
        let trusted = TrustedKeys([testKey.publicKey])
        for row in 1...7 {
            let p = try TradeProof.make(block: b, entryIndex: 1, row: row)
            let round = try TradeProof.parse(p.jsonBytes())
            #expect(round == p)
            let v = try round.verify(trusted: trusted)
            #expect(v.row == row && v.blockHeight == 5 && v.fields.first { $0.0 == "note" }?.1 == "x,\(row)")
            var t = p; t.tradeFields[3] = "rejected"
            #expect(throws: ProofError.self) { _ = try t.verify(trusted: trusted) }
            t = p; t.row = row % 7 + 1
            #expect(throws: ProofError.self) { _ = try t.verify(trusted: trusted) }
            t = p; t.entryIndex = 0
            #expect(throws: ProofError.self) { _ = try t.verify(trusted: trusted) }
            t = p; t.signature = String(t.signature.reversed())
            #expect(throws: ProofError.self) { _ = try t.verify(trusted: trusted) }
            #expect(throws: ProofError.self) { _ = try p.verify(trusted: TrustedKeys([otherKey.publicKey])) }
        }
        // Any single hex digit changed anywhere in the header or commitment breaks the proof.
        let p = try TradeProof.make(block: b, entryIndex: 1, row: 3)
        for field in [\TradeProof.blockHeader, \TradeProof.commitment] {
            let s = Array(p[keyPath: field])
            for i in s.indices {
                var t = p, m = s
                m[i] = m[i] == "0" ? "1" : "0"
                t[keyPath: field] = String(m)
                #expect(throws: ProofError.self) { _ = try t.verify(trusted: trusted) }
            }
        }
    }

    @Test func csvFieldsAreParsedIntoTheTable() throws {
        let t = try TradeTable(csv: Array("c1,c2,c3,c4\na,\"b,c\",\"d\"\"e\",\n".utf8))
        #expect(t.rows == [["a", "b,c", "d\"e", ""]])
    }
}
