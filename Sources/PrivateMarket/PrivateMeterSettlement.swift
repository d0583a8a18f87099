import Clearing
import GridClearCore
import MeterIngest
import Privacy

/// Meter data for a private settlement (`private run --meters FILE [--now T]`).
public struct PrivateMeterInput: Sendable {
    public var metersFile: String
    public var now: UTCTime
    public init(metersFile: String, now: UTCTime) { self.metersFile = metersFile; self.now = now }
}

/// How a private cycle settled (SPEC §4.4, issue 14): per match record the key holder's
/// decision on the encrypted deviation, compared with plaintext `settle` on the same meters.
public struct PrivateSettlementReport: Sendable {
    /// Participants without complete meter data while the late window is open (nothing settled).
    public var pending: [String]
    public var outcomes: [Int: PrivateSettlementOutcome]
    /// True when every record's settled energy, σ decision and fault equal plaintext `settle`.
    public var equalsPlaintext: Bool
    /// Buyers' balance commitments after the settlement debits (by record id), each checked by
    /// the matching service against the old commitment and its b′ ≥ 0 proof.
    public var balances: [Int: PedersenCommitment] = [:]
}

/// The private settlement of a cycle from a meter-data file: each party's metered energy is
/// allocated over its own trades exactly as `settle` allocates it (`DeviationSettlement`, the
/// meter side's computation over its own records), each share is encrypted under the key
/// holder's key and sent as a `meterReading`; the matching service computes the encrypted
/// shortfalls and the key holder decides (`PrivateSettlementOutcome.decide`). The plaintext
/// rule on the same meters is the oracle.
enum PrivateMeterSettlement {
    struct Reading { var record: Int; var seller: Wh; var buyer: Wh; var row: SettledTrade }

    /// The plaintext settlement of `result` on the meters (oracle and per-record shares).
    static func plaintext(_ m: PrivateMeterInput, inputs: CycleInputs, result: ClearingResult) throws -> DeviationSettlementResult {
        guard let cycle = CycleID(inputs.cycleID) else { throw PrivateMarketError.usage("'\(inputs.cycleID)' is not a cycle id") }
        guard m.now >= cycle.end else { throw PrivateMarketError.usage("cycle \(cycle) has not ended yet (ends \(cycle.end.rfc3339)); pass --now") }
        let data = try MeterDataFile.load(m.metersFile)
        let parties = MeteredEnergyAggregator.perParticipant(data.records, cycleStart: cycle.startMillis).map {
            MeteredParty(participant: $0.participantID, role: $0.channel == .exportEnergy ? .seller : .buyer, wh: $0.isComplete ? $0.wh : nil)
        }
        let elapsed = Int((m.now.millis - cycle.end.millis) / CycleID.lengthMillis)
        let market = inputs.market
        return DeviationSettlement(config: market.settlement, gridBuyPrice: market.gridBuyPrice, gridSellPrice: market.gridSellPrice)
            .settle(trades: result.trades, metered: parties, cyclesElapsed: elapsed)
    }

    /// One reading per confirmed record whose trade row has both shares (records in publication
    /// order; `matches[i]` is the quote pair of `records[i]`).
    static func readings(rows: [SettledTrade], records: [ConfirmedMatch], matches: [KProtoReplay.Match], inputs: CycleInputs) -> [Reading] {
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        var out: [Reading] = []
        for (rec, m) in zip(records, matches) {
            let b = bids[m.bid], o = offers[m.offer]
            guard let row = rows.first(where: { $0.bidID == b.id && $0.offerID == o.id }), let sa = row.sellerActual, let ba = row.buyerActual else { continue }
            out.append(Reading(record: rec.record.id, seller: sa, buyer: ba, row: row))
        }
        return out
    }

    static func envelopes(_ rs: [Reading], publicKey pk: PaillierPublicKey, to service: MarketAddress) throws -> [MarketEnvelope] {
        try rs.flatMap { r in
            [MarketEnvelope(to: service, .meterReading(record: r.record, side: .sell, actual: try pk.encrypt(r.seller))),
             MarketEnvelope(to: service, .meterReading(record: r.record, side: .buy, actual: try pk.encrypt(r.buyer)))]
        }
    }

    static func equal(_ rs: [Reading], _ outcomes: [Int: PrivateSettlementOutcome]) -> Bool {
        rs.allSatisfy { r in
            guard let o = outcomes[r.record] else { return false }
            return o.settled == r.row.settled && o.withinTolerance == (r.row.outcome == .matched) && o.deviationBP == r.row.deviationBP
                && o.sellerAtFault == r.row.atFault.contains(r.row.sellerID) && o.buyerAtFault == r.row.atFault.contains(r.row.buyerID)
        }
    }
}

/// The meters' mailbox in the in-process driver: sends the encrypted readings (receives nothing).
final class MeterRole: MarketRole {
    let address: MarketAddress = "meter"
    var transcript = MarketTranscript(role: "meter")
    func handle(_ message: MarketMessage, from peer: MarketAddress) throws -> [MarketEnvelope] { [] }
}
