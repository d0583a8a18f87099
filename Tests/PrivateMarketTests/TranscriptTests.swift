import Clearing
import GridClearCore
import Privacy
import PrivateMarket
import Testing

/// What each role receives (issue 14): no role sees another party's identity (except the
/// registration authority, on its identity-authenticated channel), and no role receives
/// another party's plaintext price or quantity beyond what the protocol reveals — the
/// cycle's per-column extremes (in `scales`), a matched seller's ask (to the matching
/// service, in the seller's confirmation) and the traded energies (in match records).
@Suite struct TranscriptTests {
    nonisolated(unsafe) static let outcome: Result<PrivateCycleOutcome, Error> = Result { try PrivateCycle.run(privateInstance(seed: 21, bids: 4, offers: 4), options: testOptions()) }
    static let inputs = privateInstance(seed: 21, bids: 4, offers: 4)

    struct Party { var identity: String; var price: Int64; var quantity: Int64; var address: String; var isSeller: Bool }

    static func parties(_ o: PrivateCycleOutcome) -> [Party] {
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        return offers.enumerated().map { i, x in Party(identity: "\(x.sellerID)#\(x.id)", price: x.price, quantity: x.quantity, address: o.participants[o.offerParticipant[i]].address, isSeller: true) }
            + bids.enumerated().map { i, x in Party(identity: "\(x.buyerID)#\(x.id)", price: x.price, quantity: x.quantity, address: o.participants[o.bidParticipant[i]].address, isSeller: false) }
    }

    /// Values the protocol reveals to everyone: the column extremes.
    static func extremes() -> Set<Int64> {
        let ps = inputs.bids.map(\.price) + inputs.offers.map(\.price)
        let qs = inputs.bids.map(\.quantity) + inputs.offers.map(\.quantity)
        return [ps.min()!, ps.max()!, qs.min()!, qs.max()!]
    }

    @Test func noRoleReceivesAnotherPartysIdentity() throws {
        let o = try Self.outcome.get()
        let ps = Self.parties(o)
        for t in o.transcripts where t.role != o.authority.address {
            let bytes = t.receivedBytes
            for p in ps {
                let seen = bytes.contains(subsequence: Array(p.identity.utf8))
                #expect(!seen, "\(t.role) received \(p.identity)")
            }
        }
        // the authority sees identities only as channel peers, never inside a plan
        #expect(!o.authority.transcript.entries.contains { $0.kind == "plan" })
    }

    @Test func keyHolderAndTrusteesReceiveNoPlaintextQuote() throws {
        let o = try Self.outcome.get()
        let ps = Self.parties(o)
        for t in [o.keyHolder.transcript] + o.trusteeRoles.map(\.transcript) {
            let bytes = t.receivedBytes
            for p in ps {
                let seen = bytes.contains(subsequence: be64(p.price))
                #expect(!seen, "\(t.role) received a price")
            }
            #expect(Set(t.entries.filter(\.received).map(\.kind)).isSubset(of: ["range-query", "rank-open", "rank-open-packed", "rank-open-filtered", "rank-next", "energy-query", "deviation-query", "trace-request"]))
        }
    }

    @Test func matchingServiceSeesOnlyMatchedAsksAndExtremes() throws {
        let o = try Self.outcome.get()
        let matchedSellers = Set(o.matches.map { Self.inputs.offersByArrival[$0.offer].price })
        let allowed = Self.extremes().union(matchedSellers)
        let bytes = o.matching.transcript.receivedBytes
        for p in Self.parties(o) where !allowed.contains(p.price) {
            let seen = bytes.contains(subsequence: be64(p.price))
            #expect(!seen, "matching service received the price of \(p.isSeller ? "an unmatched seller" : "a buyer")")
        }
        let traded = Set(o.matches.map(\.energy))   // revealed: the energies of the trades
        for p in Self.parties(o) where !Self.extremes().contains(p.quantity) && !traded.contains(p.quantity) {
            let seen = bytes.contains(subsequence: be64(p.quantity))
            #expect(!seen, "matching service received a submitted quantity")
        }
        #expect(Set(o.matching.transcript.entries.filter(\.received).map(\.kind))
            .isSubset(of: ["plan", "revocations", "gate-closed", "range-answer", "seller-row", "distance-reply", "rank-answer", "energy-answer", "match-confirmation"]))
    }

    @Test func participantsSeeNoOtherQuote() throws {
        let o = try Self.outcome.get()
        let ps = Self.parties(o)
        for p in o.participants {
            let bytes = p.transcript.receivedBytes
            let traded = Set(o.matches.map(\.energy))
            for q in ps where q.address != p.address && !Self.extremes().contains(q.price) {
                let seen = bytes.contains(subsequence: be64(q.price))
                #expect(!seen, "\(p.address) received another party's price")
            }
            for q in ps where q.address != p.address && !Self.extremes().contains(q.quantity) && !traded.contains(q.quantity) {
                let seen = bytes.contains(subsequence: be64(q.quantity))
                #expect(!seen, "\(p.address) received another party's quantity")
            }
        }
    }

    /// The transcript renders one line per message and per learned fact.
    @Test func transcriptRenders() throws {
        let o = try Self.outcome.get()
        let text = o.keyHolder.transcript.render()
        #expect(text.hasPrefix("# transcript of key-holder"))
        #expect(text.contains("recv 0 matching-service range-query"))
        #expect(text.contains("learned range column 0"))
    }
}
