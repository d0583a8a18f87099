import Testing
import Foundation
import GridClearTestSupport
import GridClearSystem
@testable import Clearing

@Suite struct ReputationTests {
    @Test func rulesRewardPenaliseAndClamp() {
        var book = ReputationBook(rules: .standard, scores: ["top": 100, "low": 5])
        let ch = book.apply([.tradeCompleted(participant: "new"), .tradeCompleted(participant: "top"),
                             .penalty(participant: "low", reason: "non-delivery"), .penalty(participant: "new", reason: "late")])
        #expect(ch.map { "\($0.participant):\($0.before)->\($0.after)" } == ["new:60->61", "top:100->100", "low:5->0", "new:61->51"])
        #expect(ReputationBook(rules: .kprototypes).score(of: "x") == 100)
    }

    @Test func tradesOfACycleEarnOnePointPerPartyPerTrade() throws {
        let offers = [mkOffer("A", price: 4000, qty: 2000, arrival: 0)]
        let bids = [mkBid("X", price: 5000, qty: 1000, arrival: 0), mkBid("Y", price: 5000, qty: 3000, arrival: 1)]
        let r = try ContinuousDoubleAuction().clear(mkInputs(offers: offers, bids: bids), context: ClearingContext())
        var book = ReputationBook()
        book.apply(ReputationBook.events(for: r))
        #expect(book.scores == ["B-X": 61, "B-Y": 61, "S-A": 62])
    }

    @Test func stateFileIsCanonicalAndRoundTrips() throws {
        var book = ReputationBook(rules: .standard)
        book.apply([.tradeCompleted(participant: "z\"q"), .tradeCompleted(participant: "a"), .penalty(participant: "m", reason: "x")])
        let json = String(decoding: book.canonicalJSON(), as: UTF8.self)
        #expect(json == "{\"rules\":{\"initial\":60,\"maximum\":100,\"minimum\":0,\"penalty\":10,\"reward\":1},\"scores\":{\"a\":61,\"m\":50,\"z\\\"q\":61},\"version\":1}\n")
        let back = try ReputationBook(canonicalJSON: book.canonicalJSON())
        #expect(back == book)
        let tmp = try TemporaryFolder("ReputationTests"), dir = tmp.path
        let path = dir + "/reputation.json"
        #expect(try ReputationBook.load(path: path) == ReputationBook())
        try book.save(path: path)
        #expect(try ReputationBook.load(path: path) == book)
        #expect(try FileSystem.read(path) == book.canonicalJSON())
    }

    @Test func rejectsBadStateFiles() {
        func err(_ s: String) -> String { do { _ = try ReputationBook(canonicalJSON: Array(s.utf8)); return "ok" } catch { return "\(error)" } }
        #expect(err("{\"rules\":{\"initial\":60,\"maximum\":100,\"minimum\":0,\"penalty\":10,\"reward\":1},\"scores\":{},\"version\":2}").contains("unsupported version 2"))
        #expect(err("{\"rules\":{\"initial\":60,\"maximum\":100,\"minimum\":0,\"penalty\":10,\"reward\":1},\"scores\":{\"a\":101},\"version\":1}").contains("out of bounds"))
        #expect(err("{\"version\":1,\"scores\":{}}").contains("missing rules"))
        #expect(err("[]").contains("expected a JSON object"))
    }
}
