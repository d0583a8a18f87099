import Clearing
import GridClearCore
import LedgerLite
import MeterIngest

/// The ledger entries of one settled cycle. Pure.
///
/// Canonical order: one settlement entry per participant for its trades (sellers +energy and
/// +money, buyers −energy and −money, participants sorted), one per grid imbalance (sorted by
/// participant and role), one per reputation change (in 0.001 points), and one digest per
/// meter of the readings from one cycle before to one cycle after this one (they bound the
/// cycle's interval energy), meters sorted.
public enum SettlementEntries {
    public static let meterReadingsLabel = "GridClear/ledger/v1/meter-readings"

    public static func entries(cycle: CycleID, rows: [SettledTrade], grid: [GridImbalance],
                               changes: [ReputationChange], meterRecords: [MeterRecord]) -> [LedgerEntry] {
        let id = cycle.description
        var perParty: [String: (wh: Int64, amount: Int64)] = [:]
        for r in rows where r.settled > 0 {
            perParty[r.sellerID, default: (0, 0)].wh += r.settled
            perParty[r.sellerID, default: (0, 0)].amount += r.amount
            perParty[r.buyerID, default: (0, 0)].wh -= r.settled
            perParty[r.buyerID, default: (0, 0)].amount -= r.amount
        }
        var entries: [LedgerEntry] = perParty.keys.sorted().map { p in
            .settlement(SettlementEntry(cycleID: id, participantID: p, energyWh: perParty[p]!.wh, amount: perParty[p]!.amount, reason: "trades"))
        }
        for g in grid.sorted(by: { ($0.participant, $0.role.rawValue) < ($1.participant, $1.role.rawValue) }) where g.imbalance != 0 {
            entries.append(.settlement(SettlementEntry(cycleID: id, participantID: g.participant, energyWh: g.imbalance,
                                                       amount: g.amount, reason: "grid-\(g.role.rawValue)")))
        }
        for c in changes {
            entries.append(.reputationChange(ReputationChangeEntry(cycleID: id, participantID: c.participant,
                                                                   before: Int64(c.before) * 1000, after: Int64(c.after) * 1000, reason: c.reason)))
        }
        let lo = cycle.previous.startMillis, hi = cycle.next.next.startMillis
        let byMeter = Dictionary(grouping: meterRecords.filter { $0.utcMillis >= lo && $0.utcMillis <= hi }, by: \.meterID)
        for meter in byMeter.keys.sorted() {
            let recs = byMeter[meter]!.sorted { $0.utcMillis < $1.utcMillis }
            let text = recs.map(\.line).joined(separator: "\n") + "\n"
            entries.append(.meterDigest(MeterDigestEntry(cycleID: id, meterID: meter, participantID: recs[0].participantID,
                                                         readings: UInt32(recs.count),
                                                         digest: LedgerHash.digest(meterReadingsLabel, Array(text.utf8)))))
        }
        return entries
    }
}
