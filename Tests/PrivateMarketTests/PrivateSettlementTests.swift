import Clearing
import GridClearCore
import Privacy
import PrivateMarket
import Testing

/// Private settlement (SPEC §4.4): the meter's actual energy is encrypted; the key holder
/// decrypts only the shortfalls Enc(T) − Enc(actual) and applies σ. Results equal the
/// plaintext `settle` just below, at and above σ, on either side.
@Suite struct PrivateSettlementTests {
    /// One buyer, one seller, 100 000 Wh matched; σ = 5 %.
    static func cycle() throws -> (CycleInputs, PrivateCycleOutcome) {
        let o = Offer(id: "o1", sellerID: "S1", price: 6000, quantity: 100_000, energyType: .solar, location: .coordinates(lat: 39.9, lon: 116.4),
                      reputation: 80, preferences: sellerPrefs, submittedAtMillis: nil, arrival: 0)
        let b = Bid(id: "b1", buyerID: "P1", price: 8000, quantity: 100_000, energyType: nil, greenIndex: nil, maxLossPct: nil,
                    location: .coordinates(lat: 39.91, lon: 116.4), reputation: 70, preferences: buyerPrefs, submittedAtMillis: nil, arrival: 0)
        let inputs = CycleInputs(cycleID: "20261120T1000Z", market: MarketConfig(), offers: [o], bids: [b])
        return (inputs, try PrivateCycle.run(inputs, options: testOptions()))
    }

    @Test(arguments: [
        (Int64(100_000), Int64(100_000)),   // exact delivery
        (95_001, 100_000), (95_000, 100_000), (94_999, 100_000),   // seller just below / at / above σ
        (100_000, 95_001), (100_000, 95_000), (100_000, 94_999),   // buyer
        (120_000, 100_000), (0, 100_000),
    ])
    func sameAsPlaintextSettle(seller: Int64, buyer: Int64) throws {
        let (inputs, o) = try Self.cycle()
        let m = try #require(o.matching.matches.first)
        let pk = o.keyHolder.publicKey
        let meter = OperatorRole()
        o.bus.add(meter)
        o.bus.post([MarketEnvelope(to: o.matching.address, .meterReading(record: m.record.id, side: .sell, actual: try pk.encrypt(seller))),
                    MarketEnvelope(to: o.matching.address, .meterReading(record: m.record.id, side: .buy, actual: try pk.encrypt(buyer)))], from: meter)
        o.bus.run()
        let priv = try #require(o.matching.settlements[m.record.id])

        let market = inputs.market
        let plain = DeviationSettlement(config: market.settlement, gridBuyPrice: market.gridBuyPrice, gridSellPrice: market.gridSellPrice)
            .settle(trades: o.result.trades, metered: [MeteredParty(participant: "S1", role: .seller, wh: seller),
                                                      MeteredParty(participant: "P1", role: .buyer, wh: buyer)], cyclesElapsed: 0)
        guard case .settled(let rows, _, _, _, _) = plain, let row = rows.first else { Issue.record("plaintext did not settle"); return }
        #expect(priv.settled == row.settled)
        #expect(priv.withinTolerance == (row.outcome == .matched))
        #expect(priv.deviationBP == row.deviationBP)
        #expect(priv.sellerAtFault == row.atFault.contains("S1"))
        #expect(priv.buyerAtFault == row.atFault.contains("P1"))
        // the key holder learned the shortfalls of this record and nothing else about it
        #expect(o.keyHolder.transcript.learned.last?.hasPrefix("record \(m.record.id) shortfalls") == true)
        // The buyer's balance commitment is its account record minus settled × price (closed
        // form), verified with its b′ ≥ 0 proof; replaying the update is refused.
        let buyer = try #require(o.participants.first { $0.side == .buy })
        let plan = try #require(buyer.plan)
        let expected = plan.record - PedersenParameters.standard.publicCommitment(row.settled * 6000)
        #expect(o.matching.balances[m.record.buyerSlot] == expected)
        #expect(meter.balances[m.record.id] == expected)   // the test's mailbox took the "operator" address
        let faults = o.bus.faults.count
        let proof = try BalanceUpdate.debit(PedersenParameters.standard.commit(Int64(0)).opening, amount: 0, record: m.record).update.nonNegative!
        o.bus.post([MarketEnvelope(to: o.matching.address, .balanceUpdate(record: m.record.id, balance: expected, proof: proof))], from: buyer)
        o.bus.run()
        #expect(o.bus.faults.count == faults + 1 && o.matching.balances[m.record.buyerSlot] == expected)
    }
}

/// Balances update with proofs after settlement: the buyer's debit is checked against the
/// public amount and proven non-negative; an overdraft cannot be proven; a tampered new
/// balance is rejected.
@Suite struct BalanceUpdateTests {
    static let record = MatchRecord(cycle: "20261120T1000Z", id: 0, buyerSlot: 0, sellerSlot: 0, buyerPseudonym: [1], sellerPseudonym: [2],
                                    energy: 100_000, energyCommitment: PedersenParameters.standard.commit(100_000).commitment)

    @Test func debitAndCreditVerify() throws {
        let pp = PedersenParameters.standard
        let (cb, ob) = pp.commit(1_000_000_000), (cs, _) = pp.commit(5)
        let amount: Int64 = 100_000 * 6000
        let (debit, newOpening) = try BalanceUpdate.debit(ob, amount: amount, record: Self.record)
        try debit.verify(old: cb, amount: amount, debit: true, record: Self.record)
        #expect(newOpening.value == 1_000_000_000 - amount)
        let credit = BalanceUpdate.credit(cs, amount: amount)
        try credit.verify(old: cs, amount: amount, debit: false, record: Self.record)
        #expect(throws: PrivacyError.self) { try debit.verify(old: cb, amount: amount + 1, debit: true, record: Self.record) }
    }

    @Test func overdraftCannotBeProven() throws {
        let (_, ob) = PedersenParameters.standard.commit(1000)
        #expect(throws: PrivacyError.self) { _ = try BalanceUpdate.debit(ob, amount: 1001, record: Self.record) }
    }
}
