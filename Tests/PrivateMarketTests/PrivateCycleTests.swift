import Clearing
import GridClearCore
import Privacy
import PrivateMarket
import Testing

@Suite struct PrivateCycleTests {
    /// The private cycle's trades equal plaintext K-prototypes on the same inputs:
    /// same rows, same Wh, same prices, same grid remainders (issue 14), under the amended
    /// SPEC §3.2 (loss term against 0; asks above the bid excluded, on ciphertexts).
    /// `overlapping` instances have asks above some bids, so the filter decides matches.
    @Test(arguments: [(UInt64(1), 5, 4, false), (UInt64(2), 4, 6, false), (UInt64(3), 6, 3, false),
                      (UInt64(4), 6, 6, true), (UInt64(5), 7, 5, true), (UInt64(6), 5, 8, true), (UInt64(7), 8, 8, true)])
    func equalsPlaintextKPrototypes(seed: UInt64, bids: Int, offers: Int, overlapping: Bool) throws {
        let inputs = privateInstance(seed: seed, bids: bids, offers: offers, overlapping: overlapping)
        if overlapping { #expect(inputs.bids.contains { b in inputs.offers.contains { $0.price > b.price } }) }
        let plain = try KPrototypesMechanism().clear(inputs, context: ClearingContext())
        let priv = try PrivateCycle.run(inputs, options: testOptions())
        #expect(priv.faults.isEmpty, "\(priv.faults)")
        #expect(priv.matching.matches.allSatisfy { $0.buyerConfirmed && $0.sellerConfirmed })
        #expect(tradeStrings(priv.result) == tradeStrings(plain))
        #expect(priv.result.tradesCSV() == plain.tradesCSV())
        #expect(priv.result.summaryJSON(inputs: inputs, includeTimings: false) == plain.summaryJSON(inputs: inputs, includeTimings: false))
        // No accepted trade pays more than the bid.
        for t in priv.result.trades where t.status == .accepted {
            if let b = inputs.bids.first(where: { $0.id == t.bidID }) { #expect(t.price <= b.price) }
        }
    }

    /// The sample cycle of `Inputs/` (parsed from its files) clears identically.
    @Test func sampleCycleEqualsPlaintext() throws {
        let root = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let files = try CycleFiles.load(cycleDirectory: "/" + root + "/Inputs/20261120T1000Z")
        let inputs = try CyclePipeline.parse(files)
        let plain = try KPrototypesMechanism().clear(inputs, context: ClearingContext())
        let priv = try PrivateCycle.run(inputs, options: testOptions())
        #expect(priv.result.tradesCSV() == plain.tradesCSV())
    }

    /// A seller whose plan rests on an inflated capacity record (not the one registered for
    /// it) and a buyer whose balance record is inflated are both rejected; the rest clears
    /// as plaintext K-prototypes would without them.
    @Test func falseCapacityAndBalanceRejected() throws {
        let inputs = privateInstance(seed: 9, bids: 3, offers: 3)
        let liarSeller = "seller-1#o1", liarBuyer = "buyer-2#b2"
        let priv = try PrivateCycle.run(inputs, options: testOptions(), tamperSecrets: { id, s in
            let pp = PedersenParameters.standard
            if id == liarSeller {   // offers 10× its quantity, "backed" by a record it made up
                s.energy = pp.commit(s.energy.value * 10).opening
                s.record = pp.commit(s.energy.value).opening
            }
            if id == liarBuyer {    // claims a balance it does not have
                s.record = pp.commit(s.record.value * 100).opening
            }
        })
        let rejected = Dictionary(uniqueKeysWithValues: priv.rejected.map { ($0.identity, $0.reason) })
        #expect(rejected[liarSeller]?.contains("account record is not registered") == true)
        #expect(rejected[liarBuyer]?.contains("account record is not registered") == true)
        #expect(rejected.count == 2)
        var honest = inputs
        honest.offers.removeAll { $0.id == "o1" }; honest.bids.removeAll { $0.id == "b2" }
        let plain = try KPrototypesMechanism().clear(honest, context: ClearingContext())
        let matched = tradeStrings(priv.result).filter { $0.hasSuffix(":accepted") }
        #expect(matched == tradeStrings(plain).filter { $0.hasSuffix(":accepted") })
    }
}
