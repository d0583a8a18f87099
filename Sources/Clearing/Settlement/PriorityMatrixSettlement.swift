import GridClearCore

/// Settlement by priority matrix (SPEC §3.5, seed 003 ch. 2) as a pure function with the same
/// result shape as `DeviationSettlement`, so `settle` records, publishes and bills both alike.
///
/// Rules: each participant of the matrix is one side per cycle by its net metered energy
/// (export − import: positive supplies SL, negative consumes CL); `AsyncSettlement` serves
/// buyers in priority order at the agreed prices, the grid takes surplus and unmet demand.
/// Missing data follows the one `LateDataRule` (shared with `DeviationSettlement`): while its
/// window is open the cycle is `.pending`; after it, missing participants count as 0 (the grid
/// takes the remainder) and each is penalised once (`late meter data`). Every bilateral record
/// is a trade completed normally: +1 for its buyer and its seller. Metered parties outside the
/// matrix settle with the grid only.
public struct PriorityMatrixSettlement: Sendable {
    public var matrix: PriceMatrix
    public var rule: LateDataRule
    public var gridBuyPrice: PriceTicks
    public var gridSellPrice: PriceTicks

    public init(matrix: PriceMatrix, config: SettlementConfig, gridBuyPrice: PriceTicks, gridSellPrice: PriceTicks) {
        self.matrix = matrix; self.rule = LateDataRule(lateCycles: config.lateCycles)
        self.gridBuyPrice = gridBuyPrice; self.gridSellPrice = gridSellPrice
    }

    public func settle(metered: [MeteredParty], cyclesElapsed: Int) -> DeviationSettlementResult {
        var net: [String: Wh] = [:], incomplete = Set<String>()
        for m in metered {
            guard let wh = m.wh else { incomplete.insert(m.participant); continue }
            net[m.participant, default: 0] += m.role == .seller ? wh : -wh
        }
        let missing = matrix.participants.filter { incomplete.contains($0) || net[$0] == nil }
        if case .wait(let left) = rule.verdict(missingData: !missing.isEmpty, cyclesElapsed: cyclesElapsed) {
            return .pending(missing: missing, cyclesLeft: left)
        }
        for p in missing { net[p] = nil }
        let parties = net.keys.sorted().map { p in
            MeteredParty(participant: p, role: net[p]! > 0 ? .seller : .buyer, wh: abs(net[p]!))
        }
        let records = AsyncSettlement.settle(parties, matrix: matrix, gridBuyPrice: gridBuyPrice, gridSellPrice: gridSellPrice)
        var rows: [SettledTrade] = [], events: [ReputationEvent] = [], bilateral: [String: Wh] = [:]
        for r in records where r.buyer != SettlementRecord.grid && r.seller != SettlementRecord.grid {
            rows.append(SettledTrade(bidID: "", offerID: "", buyerID: r.buyer, sellerID: r.seller, matched: r.energy,
                                     sellerActual: r.energy, buyerActual: r.energy, deviationBP: 0, settled: r.energy,
                                     price: r.price, outcome: .matched, atFault: []))
            events += [.tradeCompleted(participant: r.seller), .tradeCompleted(participant: r.buyer)]
            bilateral[r.seller, default: 0] += r.energy
            bilateral[r.buyer, default: 0] += r.energy
        }
        var grid: [GridImbalance] = []
        for r in records where r.buyer == SettlementRecord.grid || r.seller == SettlementRecord.grid {
            let seller = r.buyer == SettlementRecord.grid
            let p = seller ? r.seller : r.buyer
            grid.append(GridImbalance(participant: p, role: seller ? .seller : .buyer, metered: r.energy + bilateral[p, default: 0],
                                      settled: bilateral[p, default: 0], price: r.price, amount: seller ? -r.amount : r.amount))
        }
        events += missing.map(LateDataRule.penalty)
        return .settled(trades: rows, grid: grid, reputation: events, complete: missing.isEmpty, missing: missing)
    }
}
