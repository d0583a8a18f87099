import GridClearCore

/// One participant's bill for a cycle or a period: energy bought and sold (local trades and
/// the grid), the money of each, fees, the settlement's adjustment and reputation penalties.
/// Energy in Wh, money in units of 1e-7 CNY, penalty in 0.001 points; all exact.
///
/// `net = received_local + received_grid − paid_local − paid_grid − fees + settlement_adjust`
/// (positive: the participant receives). `settlement_adjust` is, for a settled cycle, what the
/// settlement entries of the ledger move (settled bilateral trades and grid imbalances) minus
/// what the cleared trades moved, so a settled cycle's net is what settlement actually moved.
public struct Bill: Sendable, Hashable {
    public var participant: String
    public var boughtLocalWh: Wh = 0, boughtGridWh: Wh = 0, soldLocalWh: Wh = 0, soldGridWh: Wh = 0
    public var paidLocal: MoneyUnits = 0, paidGrid: MoneyUnits = 0
    public var receivedLocal: MoneyUnits = 0, receivedGrid: MoneyUnits = 0
    public var fees: MoneyUnits = 0
    public var settlementAdjust: MoneyUnits = 0
    /// Reputation points lost to penalties, in 0.001 points.
    public var penaltyMilliPoints: Int64 = 0

    public init(participant: String) { self.participant = participant }

    public var net: MoneyUnits { receivedLocal + receivedGrid - paidLocal - paidGrid - fees + settlementAdjust }

    /// Money the cleared trades move for this participant (received positive), without fees.
    public var clearedMoney: MoneyUnits { receivedLocal + receivedGrid - paidLocal - paidGrid }

    public static let columns = ["participant_id", "bought_local_kwh", "bought_grid_kwh", "sold_local_kwh", "sold_grid_kwh",
                                 "paid_local_cny", "paid_grid_cny", "received_local_cny", "received_grid_cny", "fees_cny",
                                 "settlement_adjust_cny", "penalty_points", "net_cny"]

    public var fields: [String] {
        [participant, Units.kWhString(boughtLocalWh), Units.kWhString(boughtGridWh), Units.kWhString(soldLocalWh),
         Units.kWhString(soldGridWh), Units.moneyString(paidLocal), Units.moneyString(paidGrid), Units.moneyString(receivedLocal),
         Units.moneyString(receivedGrid), Units.moneyString(fees), Units.moneyString(settlementAdjust),
         Units.fixed(penaltyMilliPoints, decimals: 3), Units.moneyString(net)]
    }

    /// `a + b` field by field (same participant).
    static func + (a: Bill, b: Bill) -> Bill {
        var s = a
        s.boughtLocalWh += b.boughtLocalWh; s.boughtGridWh += b.boughtGridWh; s.soldLocalWh += b.soldLocalWh; s.soldGridWh += b.soldGridWh
        s.paidLocal += b.paidLocal; s.paidGrid += b.paidGrid; s.receivedLocal += b.receivedLocal; s.receivedGrid += b.receivedGrid
        s.fees += b.fees; s.settlementAdjust += b.settlementAdjust; s.penaltyMilliPoints += b.penaltyMilliPoints
        return s
    }
}
