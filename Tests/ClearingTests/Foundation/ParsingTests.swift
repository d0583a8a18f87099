import GridClearCore
import Testing
@testable import Clearing

@Suite struct ExactDecimalTests {
    @Test func parsesExactly() throws {
        #expect(try ExactDecimal.parse("12.345", decimals: 3).get() == 12345)
        #expect(try ExactDecimal.parse("12", decimals: 3).get() == 12000)
        #expect(try ExactDecimal.parse("0.0001", decimals: 4).get() == 1)
        #expect(try ExactDecimal.parse("-1.5", decimals: 1).get() == -15)
        #expect(try ExactDecimal.parse(".5", decimals: 1).get() == 5)
        #expect(try ExactDecimal.parse("1.2500", decimals: 2).get() == 125)   // trailing zeros are fine
        #expect(ExactDecimal.parse("1.2345", decimals: 3) == .failure(.tooManyDecimals(4)))
        #expect(ExactDecimal.parse("1e3", decimals: 3) == .failure(.notADecimal))
        #expect(ExactDecimal.parse("", decimals: 3) == .failure(.notADecimal))
        #expect(ExactDecimal.parse("1.", decimals: 3) == .failure(.notADecimal))
        #expect(ExactDecimal.parse("99999999999999999999", decimals: 0) == .failure(.outOfRange))
    }

    @Test func unitsRenderExactly() {
        #expect(Units.kWhString(150_001) == "150.001")
        #expect(Units.priceString(5000) == "0.5000")
        #expect(Units.moneyString(100_000 * 6500) == "65.0000000")
        #expect(Units.meanPrice(5000, 8000) == 6500)
        #expect(Units.meanPrice(5001, 8000) == 6500)   // 6500.5 → half to even
        #expect(Units.meanPrice(5003, 8000) == 6502)   // 6501.5 → 6502
    }

    @Test func timestamps() {
        // The parser reads times with the core types (one parser of GridClear).
        #expect(UTCTime(rfc3339: "1970-01-01T00:00:00Z")?.millis == 0)
        #expect(UTCTime(rfc3339: "2026-11-20T09:41:00.5+01:00")?.millis == 1_795_164_060_500)
        #expect(UTCTime(rfc3339: "2026-02-30T00:00:00Z") == nil)
        #expect(CycleID("20261120T1000Z")?.startSeconds == 1_795_168_800)
        #expect(CycleID("20261120T1010Z") == nil)
        #expect(CycleID(startSeconds: 1_795_168_800)?.description == "20261120T1000Z")
    }
}

@Suite struct CycleParsingTests {
    @Test func parsesValidCycle() throws {
        let c = try CycleParser.parse(files(offers: okOffers, bids: okBids))
        #expect(c.offers.count == 2 && c.bids.count == 2)
        #expect(c.offers[1].quantity == 150_500 && c.offers[1].price == 6000)
        #expect(c.bids[1].quantity == 150_001)
        #expect(c.offers[1].preferences == CycleParser.defaultSellerPreferences)
        #expect(c.market == MarketConfig())
        // Arrival: no timestamps → offers then bids in file order.
        #expect(c.offers.map(\.arrival) == [0, 1] && c.bids.map(\.arrival) == [2, 3])
    }

    @Test func arrivalUsesSubmittedAt() throws {
        let o = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,submitted_at\nO1,S1,0.5,1,solar,0,0,50,2026-11-20T09:45:00Z\n"
        let b = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,submitted_at\nB1,P1,0.5,1,0,0,50,2026-11-20T09:40:00Z\n"
        let c = try CycleParser.parse(files(offers: o, bids: b))
        #expect(c.bids[0].arrival == 0 && c.offers[0].arrival == 1)
    }

    @Test func marketOverridesAndValidation() throws {
        let c = try CycleParser.parse(files(offers: okOffers, bids: okBids,
                                            market: #"{"price_min": 0.2, "cmap": {"max_rounds": 5}}"#,
                                            cycleMarket: #"{"cmap": {"rejection_threshold": "0.5"}}"#))
        #expect(c.market.priceMin == 2000 && c.market.cmap.maxRounds == 5 && c.market.cmap.rejectionThreshold == 0.5)
    }

    /// Each malformed input produces its own located error.
    @Test(arguments: [
        // (offers, bids, market, expected line, column, fragment)
        ("O1,S1,0.5,100,solar,39.9,116.4,80,\nO1,S2,0.5,100,solar,39.9,116.4,80,", nil, nil, 3, 1, "duplicate id 'O1'"),
        ("O1,S1,0.5,0,solar,39.9,116.4,80,", nil, nil, 2, 4, "must be positive"),
        ("O1,S1,-0.5,10,solar,39.9,116.4,80,", nil, nil, 2, 3, "must be positive"),
        ("O1,S1,0.5,1.0001,solar,39.9,116.4,80,", nil, nil, 2, 4, "has 4 decimals"),
        ("O1,S1,0.50001,1,solar,39.9,116.4,80,", nil, nil, 2, 3, "has 5 decimals"),
        ("O1,S1,0.5,1,coal,39.9,116.4,80,", nil, nil, 2, 5, "unknown energy type 'coal'"),
        ("O1,S1,0.5,1,solar,95,116.4,80,", nil, nil, 2, 6, "latitude must be between"),
        ("O1,S1,0.5,1,solar,39,181,80,", nil, nil, 2, 7, "longitude must be between"),
        ("O1,S1,0.5,1,solar,39,116,101,", nil, nil, 2, 8, "reputation must be between"),
        ("O1,S1,0.5,1,solar,39,116,80,price:0.5;demand:0.4", nil, nil, 2, 9, "must sum to exactly 1"),
        ("O1,S1,0.5,1,solar,39,116,80,price:0.5;green:0.5", nil, nil, 2, 9, "not allowed for sellers"),
        ("O1,S1,0.5,1,solar,39,116,80,price:0.5;price:0.5", nil, nil, 2, 9, "appears twice"),
        ("O1,S1,abc,1,solar,39,116,80,", nil, nil, 2, 3, "plain decimal"),
        ("O1,S1,0.5,1,solar,39,116", nil, nil, 2, 8, "expected 9 fields"),
        ("O1,,0.5,1,solar,39,116,80,", nil, nil, 2, 2, "a value is required"),
        ("O1,S1,0.5,1,solar,39,116,80,", "B1,P1,0.5,1,39,116,80,price:0.5;supply:0.5;demand:0", nil, 2, 8, "not allowed for buyers"),
        ("O1,S1,0.5,1,solar,39,116,80,", nil, #"{"price_mn": "0.3"}"#, 1, 2, "unknown key 'price_mn'"),
        ("O1,S1,0.5,1,solar,39,116,80,", nil, "{\n  \"cmap\": {\"max_rounds\": 0}}", 2, 12, "between 1 and 100"),
        ("O1,S1,0.5,1,solar,39,116,80,", nil, "{\"price_min\": 0.3, }", 1, 20, "expected a member name in quotes"),
    ] as [(String, String?, String?, Int, Int, String)])
    func malformedInputIsLocated(offerRows: String, bidRows: String?, market: String?, line: Int, column: Int, fragment: String) throws {
        let o = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences\n" + offerRows + "\n"
        let b = bidRows.map { "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences\n" + $0 + "\n" } ?? okBids
        let e = try #require(parseError(files(offers: o, bids: b, market: market)))
        #expect(e.line == line, "\(e)")
        #expect(e.column == column, "\(e)")
        #expect(e.description.contains(fragment), "\(e)")
        #expect(e.description.hasPrefix(market != nil && bidRows == nil && e.file == "market.json" ? "market.json:" : e.file + ":"))
    }

    @Test func headerProblems() throws {
        let unknown = parseError(files(offers: "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,colour\n", bids: okBids))
        #expect(unknown?.description.contains("unknown column 'colour'") == true)
        let missing = parseError(files(offers: "offer_id,seller_id,price,energy_type,lat,lon,reputation\n", bids: okBids))
        #expect(missing?.description.contains("missing required column 'quantity_kwh'") == true)
        let empty = parseError(files(offers: "", bids: okBids))
        #expect(empty?.description.contains("header row is required") == true)
        let badCycle = parseError(files(offers: okOffers, bids: okBids, cycle: "2026-11-20"))
        #expect(badCycle?.description.contains("ISO 8601 basic") == true)
    }

    /// Parsing before the reputation is known, then applying it, gives what parsing with it
    /// gives (the oracle: `parse` with `reputationJSON`); without a snapshot the column is
    /// required, with `parse`'s error.
    @Test func reputationAppliedAfterParsingEqualsParsingWithIt() throws {
        var snap = ReputationSnapshot()
        snap.record(participant: "S1", after: 80_000); snap.record(participant: "P2", after: 42_500)
        var f = files(offers: okOffers, bids: okBids)
        let parsed = try CycleParser.parseAwaitingReputation(f)
        let plain = try CycleParser.parse(f), noLedger = try parsed.reputed(by: nil)
        #expect(noLedger.offers.map(\.reputation) == plain.offers.map(\.reputation) && noLedger.bids.map(\.reputation) == plain.bids.map(\.reputation))
        #expect(noLedger.warnings.isEmpty)
        f.reputationJSON = snap.canonicalJSON()
        let oracle = try CycleParser.parse(f), applied = try parsed.reputed(byFile: f.reputationJSON)
        #expect(applied.offers.map(\.reputation) == [80, 60] && applied.bids.map(\.reputation) == [60, 42.5])
        #expect(applied.offers.map(\.reputation) == oracle.offers.map(\.reputation) && applied.bids.map(\.reputation) == oracle.bids.map(\.reputation))
        #expect(applied.warnings == oracle.warnings && applied.warnings.count == 1 && applied.warnings[0].hasPrefix("3 row(s)"))

        // No reputation column, or an empty cell: fine with a snapshot, parse's error without.
        let noColumn = files(offers: "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon\nO1,S1,0.5,1,solar,39,116\n", bids: okBids)
        let p1 = try CycleParser.parseAwaitingReputation(noColumn)
        #expect(try p1.reputed(by: snap).offers[0].reputation == 80 && p1.reputed(by: snap).warnings.count == 1)
        #expect(throws: parseError(noColumn)!) { try p1.reputed(by: nil) }
        let emptyCell = files(offers: okOffers, bids: "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation\nB1,P1,0.5,1,39,116,\n")
        let p2 = try CycleParser.parseAwaitingReputation(emptyCell)
        #expect(try p2.reputed(by: snap).bids[0].reputation == 60)
        #expect(parseError(emptyCell)?.description == "bids.csv:2:7: column 'reputation': a value is required")
        #expect(throws: parseError(emptyCell)!) { try p2.reputed(by: nil) }
    }

    @Test func duplicateIdAcrossFilesIsRejected() {
        let b = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation\nO1,P1,0.5,1,39,116,50\n"
        #expect(parseError(files(offers: okOffers, bids: b))?.description.contains("duplicate id 'O1'") == true)
    }

    @Test func quotedCSVFields() throws {
        let o = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences\n\"O.1\",\"S:one\",0.5,1,\"solar\",39,116,80,\"price:1\"\n"
        let c = try CycleParser.parse(files(offers: o, bids: okBids))
        #expect(c.offers[0].id == "O.1" && c.offers[0].sellerID == "S:one")
        // Quoting cannot smuggle a delimiter, quote or line break into an id (SPEC §2 charset).
        let bad = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation\n\"O,1\",\"S \"\"one\"\"\",0.5,1,solar,39,116,80\n"
        #expect(parseError(files(offers: bad, bids: okBids))?.description.contains("offers.csv:2:1: column 'offer_id': offer_id 'O,1' contains U+002C") == true)
    }

    @Test func gridTopologyNodes() throws {
        let g = #"{"nodes": [{"id": "N1", "kind": "seller"}, {"id": "N2", "kind": "buyer"}], "lines": [{"from": "N1", "to": "N2", "length_km": "2"}]}"#
        let o = "offer_id,seller_id,price,quantity_kwh,energy_type,node,reputation\nO1,S1,0.5,1,solar,N1,80\n"
        let b = "bid_id,buyer_id,price,quantity_kwh,node,reputation\nB1,P1,0.5,1,N2,80\n"
        let c = try CycleParser.parse(files(offers: o, bids: b, grid: g))
        #expect(c.offers[0].location == .node("N1"))
        let bad = "bid_id,buyer_id,price,quantity_kwh,node,reputation\nB1,P1,0.5,1,N9,80\n"
        #expect(parseError(files(offers: o, bids: bad, grid: g))?.description.contains("node 'N9' is not in grid.json") == true)
    }
}
