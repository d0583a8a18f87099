import GridClearCore

/// Metered energy of one participant in one role for a cycle: a seller's export (delivered)
/// or a buyer's import (consumed). `wh == nil` means the data is missing or incomplete.
public struct MeteredParty: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable { case seller, buyer }
    public var participant: String
    public var role: Role
    public var wh: Wh?
    public init(participant: String, role: Role, wh: Wh?) { self.participant = participant; self.role = role; self.wh = wh }
}

/// How one bilateral trade settled.
public enum SettlementOutcome: String, Sendable, Hashable {
    /// Deviation below σ: settled at the matched energy.
    case matched
    /// Deviation at or above σ: settled at the actual energy, party at fault penalised.
    case actual
    /// A party's meter data never arrived within the late-data window: nothing settles
    /// bilaterally; the grid takes each side's metered energy.
    case incomplete
}

/// One settled trade (a row of `settlement.csv`).
public struct SettledTrade: Sendable, Hashable {
    public var bidID: String, offerID: String, buyerID: String, sellerID: String
    public var matched: Wh
    /// The seller's / buyer's metered energy allocated to this trade (nil: missing).
    public var sellerActual: Wh?, buyerActual: Wh?
    /// Deviation of the trade's actual energy from the matched energy, in basis points of matched.
    public var deviationBP: Int64?
    public var settled: Wh
    public var price: PriceTicks
    public var outcome: SettlementOutcome
    /// Participants penalised for this trade (seller short, buyer short, or late data).
    public var atFault: [String]
    public var amount: MoneyUnits { settled * price }
}

/// The grid's share of one participant's metered energy: metered − settled bilaterally.
/// `amount` is what the participant pays the grid (negative: receives).
public struct GridImbalance: Sendable, Hashable {
    public var participant: String
    public var role: MeteredParty.Role
    public var metered: Wh
    public var settled: Wh
    public var imbalance: Wh { metered - settled }
    public var price: PriceTicks
    public var amount: MoneyUnits
}

/// Result of settling one cycle (SPEC §3.5, plaintext part of §4.4 step 5).
public enum DeviationSettlementResult: Sendable, Hashable {
    /// Some parties' data is missing and the late-data window is still open: settle later.
    case pending(missing: [String], cyclesLeft: Int)
    case settled(trades: [SettledTrade], grid: [GridImbalance], reputation: [ReputationEvent], complete: Bool, missing: [String])
}

/// Settlement of deviations between matched and metered energy, as a pure function.
///
/// Rules (stated where the SPEC is silent):
/// - Each participant's metered energy for a role is allocated to its accepted trades of the
///   cycle in trade order of priority: if it covers the matched total, each trade gets its
///   matched energy (the excess is the grid's); otherwise largest-remainder pro-rata by matched
///   energy (ties to the earlier trade). Grid rows of `trades.csv` are not settled bilaterally;
///   they are covered by the grid imbalance.
/// - A trade's actual energy is min(seller allocation, buyer allocation) — energy can only flow
///   from the seller to the buyer as far as both metered it; over-delivery and over-consumption
///   are the grid's. Deviation d = matched − actual.
/// - d < σ·matched (strictly, σ = `tolerancePct`, exact integer comparison in basis points):
///   settled at the matched energy, +1 reputation for both parties.
/// - otherwise: settled at the actual energy; the party at fault is each side whose own
///   allocation falls short of matched by at least σ (a seller delivering less, a buyer
///   consuming less); the other party gets no change.
/// - Penalties: once per party, cause and cycle — a party at fault on several trades of the
///   cycle gets one −10 (`deviationReason`), a party whose data is missing one −10 (late data);
///   deviation penalties follow the order of first fault, after the trades' +1 events.
/// - Missing data follows the one `LateDataRule`: while its window is open the result is
///   `.pending`. After that, trades with a missing party settle `incomplete` (0 bilateral, the
///   grid takes both sides' metered energy) and each missing participant is penalised once.
/// - Grid imbalance per metered participant and role: metered − settled. A buyer pays
///   `gridBuyPrice` for a positive imbalance and is refunded `gridSellPrice` for a negative one;
///   a seller is paid `gridSellPrice` for a surplus and pays `gridBuyPrice` for a shortfall.
public struct DeviationSettlement: Sendable {
    public var toleranceBP: Int64
    public var lateCycles: Int
    public var gridBuyPrice: PriceTicks
    public var gridSellPrice: PriceTicks

    public init(config: SettlementConfig, gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks) {
        toleranceBP = Int64((config.tolerancePct * 100).rounded())
        lateCycles = config.lateCycles
        self.gridBuyPrice = gridBuyPrice; self.gridSellPrice = gridSellPrice
    }

    public init(toleranceBP: Int64, lateCycles: Int, gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks) {
        self.toleranceBP = toleranceBP; self.lateCycles = lateCycles
        self.gridBuyPrice = gridBuyPrice; self.gridSellPrice = gridSellPrice
    }

    /// - Parameters:
    ///   - trades: the cycle's `trades.csv` rows (only `accepted` ones settle bilaterally).
    ///   - metered: metered energy per participant and role (absent = missing).
    ///   - cyclesElapsed: whole cycles passed since the cycle ended.
    /// Reason recorded with a deviation penalty.
    public static let deviationReason = "delivery deviation"

    public func settle(trades allTrades: [Trade], metered: [MeteredParty], cyclesElapsed: Int) -> DeviationSettlementResult {
        let trades = allTrades.filter { $0.status == .accepted && $0.energy > 0 }
        var meter: [MeteredParty.Role: [String: Wh]] = [.seller: [:], .buyer: [:]]
        for m in metered { if let wh = m.wh { meter[m.role]![m.participant] = wh } }
        var missing = Set<String>()
        for t in trades {
            if meter[.seller]![t.sellerID] == nil { missing.insert(t.sellerID) }
            if meter[.buyer]![t.buyerID] == nil { missing.insert(t.buyerID) }
        }
        let missingSorted = missing.sorted()
        if case .wait(let left) = LateDataRule(lateCycles: lateCycles).verdict(missingData: !missing.isEmpty, cyclesElapsed: cyclesElapsed) {
            return .pending(missing: missingSorted, cyclesLeft: left)
        }
        let sellerAlloc = allocate(trades, party: \.sellerID, meter: meter[.seller]!)
        let buyerAlloc = allocate(trades, party: \.buyerID, meter: meter[.buyer]!)
        var rows: [SettledTrade] = []
        var events: [ReputationEvent] = []
        var settledBy: [MeteredParty.Role: [String: Wh]] = [.seller: [:], .buyer: [:]]
        var deviated: [String] = []   // parties at fault, first occurrence order
        var seenDeviation = Set<String>()
        for (i, t) in trades.enumerated() {
            let sa = sellerAlloc[i], ba = buyerAlloc[i]
            var row = SettledTrade(bidID: t.bidID, offerID: t.offerID, buyerID: t.buyerID, sellerID: t.sellerID, matched: t.energy,
                                   sellerActual: sa, buyerActual: ba, deviationBP: nil, settled: 0, price: t.price,
                                   outcome: .incomplete, atFault: [])
            if let sa, let ba {
                let actual = min(sa, ba)
                let d = t.energy - actual
                row.deviationBP = d * 10_000 / t.energy
                if d * 10_000 < toleranceBP * t.energy {
                    row.outcome = .matched; row.settled = t.energy
                    events += [.tradeCompleted(participant: t.sellerID), .tradeCompleted(participant: t.buyerID)]
                } else {
                    row.outcome = .actual; row.settled = actual
                    if (t.energy - sa) * 10_000 >= toleranceBP * t.energy { row.atFault.append(t.sellerID) }
                    if (t.energy - ba) * 10_000 >= toleranceBP * t.energy { row.atFault.append(t.buyerID) }
                    for p in row.atFault where seenDeviation.insert(p).inserted { deviated.append(p) }
                }
            }
            settledBy[.seller]![t.sellerID, default: 0] += row.settled
            settledBy[.buyer]![t.buyerID, default: 0] += row.settled
            rows.append(row)
        }
        // One penalty per party, cause and cycle (SPEC §3.7): a seller short on three trades of
        // the cycle loses 10 points, not 30.
        events += deviated.map { .penalty(participant: $0, reason: Self.deviationReason) }
        events += missingSorted.map(LateDataRule.penalty)
        var grid: [GridImbalance] = []
        for m in metered.sorted(by: { ($0.participant, $0.role.rawValue) < ($1.participant, $1.role.rawValue) }) {
            guard let wh = m.wh else { continue }
            let s = settledBy[m.role]![m.participant] ?? 0
            if wh == 0 && s == 0 { continue } // nothing metered, nothing settled: no row
            let imb = wh - s
            let price: PriceTicks, amount: MoneyUnits
            switch (m.role, imb >= 0) {
            case (.buyer, true): price = gridBuyPrice; amount = imb * gridBuyPrice
            case (.buyer, false): price = gridSellPrice; amount = imb * gridSellPrice
            case (.seller, true): price = gridSellPrice; amount = -imb * gridSellPrice
            case (.seller, false): price = gridBuyPrice; amount = -imb * gridBuyPrice
            }
            grid.append(GridImbalance(participant: m.participant, role: m.role, metered: wh, settled: s, price: price, amount: amount))
        }
        return .settled(trades: rows, grid: grid, reputation: events, complete: missing.isEmpty, missing: missingSorted)
    }

    /// Per trade: the party's metered energy allocated to it (nil when the party has no data).
    func allocate(_ trades: [Trade], party: KeyPath<Trade, String>, meter: [String: Wh]) -> [Wh?] {
        var out = [Wh?](repeating: nil, count: trades.count)
        var byParty: [String: [Int]] = [:]
        for (i, t) in trades.enumerated() { byParty[t[keyPath: party], default: []].append(i) }
        for (p, idx) in byParty {
            guard let a = meter[p] else { continue }
            let total = idx.reduce(Wh(0)) { $0 + trades[$1].energy }
            if a >= total { for i in idx { out[i] = trades[i].energy }; continue }
            var shares = idx.map { i -> (i: Int, q: Wh, r: Wh) in
                let (hi, lo) = a.multipliedFullWidth(by: trades[i].energy)
                let (q, r) = total.dividingFullWidth((hi, lo))
                return (i, q, r)
            }
            var left = a - shares.reduce(0) { $0 + $1.q }
            let order = shares.indices.sorted { (shares[$0].r, -shares[$0].i) > (shares[$1].r, -shares[$1].i) }
            var k = 0
            while left > 0 { shares[order[k]].q += 1; left -= 1; k += 1 }
            for s in shares { out[s.i] = s.q }
        }
        return out
    }
}
