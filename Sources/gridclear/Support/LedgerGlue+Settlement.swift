import GridClearCore
import Clearing
import LedgerLite
import MeterIngest

extension LedgerGlue {
    /// The ledger entries of one settled cycle, in canonical order: one settlement entry per
    /// participant for its trades (sellers +energy/+money, buyers −energy/−money), one per
    /// grid imbalance, one per reputation change (in 0.001 points), and one digest per meter
    /// of the readings that fall in or next to the cycle.
    static func settlementEntries(cycle: String, rows: [SettledTrade], grid: [GridImbalance],
                                  changes: [ReputationChange], meterRecords: [MeterRecord],
                                  cycleStartMillis: Int64) -> [LedgerEntry] {
        var perParty: [String: (wh: Int64, amount: Int64)] = [:]
        for r in rows where r.settled > 0 {
            perParty[r.sellerID, default: (0, 0)].wh += r.settled
            perParty[r.sellerID, default: (0, 0)].amount += r.amount
            perParty[r.buyerID, default: (0, 0)].wh -= r.settled
            perParty[r.buyerID, default: (0, 0)].amount -= r.amount
        }
        var entries: [LedgerEntry] = perParty.keys.sorted().map { p in
            .settlement(SettlementEntry(cycleID: cycle, participantID: p, energyWh: perParty[p]!.wh, amount: perParty[p]!.amount, reason: "trades"))
        }
        for g in grid.sorted(by: { ($0.participant, $0.role.rawValue) < ($1.participant, $1.role.rawValue) }) where g.imbalance != 0 {
            entries.append(.settlement(SettlementEntry(cycleID: cycle, participantID: g.participant, energyWh: g.imbalance,
                                                       amount: g.amount, reason: "grid-\(g.role.rawValue)")))
        }
        for c in changes {
            entries.append(.reputationChange(ReputationChangeEntry(cycleID: cycle, participantID: c.participant,
                                                                   before: Int64(c.before) * 1000, after: Int64(c.after) * 1000, reason: c.reason)))
        }
        // Readings from one cycle before to one after bound the interval energy of this cycle.
        let lo = cycleStartMillis - CycleID.lengthMillis, hi = cycleStartMillis + 2 * CycleID.lengthMillis
        let byMeter = Dictionary(grouping: meterRecords.filter { $0.utcMillis >= lo && $0.utcMillis <= hi }, by: \.meterID)
        for id in byMeter.keys.sorted() {
            let recs = byMeter[id]!.sorted { $0.utcMillis < $1.utcMillis }
            let text = recs.map(\.line).joined(separator: "\n") + "\n"
            entries.append(.meterDigest(MeterDigestEntry(cycleID: cycle, meterID: id, participantID: recs[0].participantID,
                                                         readings: UInt32(recs.count),
                                                         digest: LedgerHash.digest("GridClear/ledger/v1/meter-readings", Array(text.utf8)))))
        }
        return entries
    }

    /// Appends a batch of entries as one durable block (or more, by the cutting rules).
    static func appendEntries(_ entries: [LedgerEntry], ledgerDir: String, keyFile: String?) throws -> UInt64? {
        let orderer = try openOrderer(ledgerDir: ledgerDir, keyFile: keyFile)
        let now = SystemClock.wallMillis()
        let headers = try orderer.submit(entries, nowMillis: now) + (try orderer.flush(nowMillis: now))
        return headers.last?.height
    }
}
