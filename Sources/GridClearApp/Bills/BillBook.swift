import Clearing
import GridClearCore
import LedgerLite

/// Bills per participant, built from trade tables and settlement entries. Pure.
///
/// Rules: accepted rows bill the buyer `paid_local` and the seller `received_local` (the row's
/// `amount_cny`); grid rows bill the buyer `paid_grid` or the seller `received_grid`; rejected
/// rows bill nothing; fee columns (when the table has them) add `buyer_fee_cny` to the buyer's
/// and `seller_fee_cny` to the seller's `fees`. So Σ paid_local = Σ received_local = the
/// accepted amounts, Σ fees = the table's fee columns, exactly. Settlement (per settled cycle):
/// `settlement_adjust` = settlement money − cleared money; reputation changes add their
/// decreases to `penalty_points`.
public struct BillBook: Sendable {
    public private(set) var bills: [String: Bill] = [:]
    /// Per cycle and participant, the money the cleared trades moved (for settlement adjusts).
    private var cleared: [String: [String: MoneyUnits]] = [:]

    public init() {}

    public enum Failure: Error, CustomStringConvertible {
        case table(cycle: String, String)
        public var description: String {
            switch self { case let .table(c, m): return "cycle \(c): trades table: \(m)" }
        }
    }

    private mutating func update(_ p: String, _ f: (inout Bill) -> Void) {
        var b = bills[p] ?? Bill(participant: p)
        f(&b)
        bills[p] = b
    }

    /// Adds a cycle's trades (the ledger's table, or a parsed `trades.csv`).
    public mutating func add(cycle: String, trades t: TradeTable) throws(Failure) {
        func col(_ n: String) -> Int? { t.columns.firstIndex(of: n) }
        guard let bu = col("buyer_id"), let se = col("seller_id"), let en = col("energy_kwh"), let am = col("amount_cny"), let st = col("status") else {
            throw .table(cycle: cycle, "missing one of buyer_id, seller_id, energy_kwh, amount_cny, status")
        }
        let bf = col("buyer_fee_cny"), sf = col("seller_fee_cny")
        func num(_ row: [String], _ i: Int, _ d: Int) throws(Failure) -> Int64 {
            guard case .success(let v) = ExactDecimal.parse(row[i], decimals: d) else { throw .table(cycle: cycle, "'\(row[i])' in \(t.columns[i]) is not a decimal") }
            return v
        }
        var moved: [String: MoneyUnits] = cleared[cycle] ?? [:]
        for row in t.rows {
            let buyer = row[bu], seller = row[se], status = row[st]
            let wh = try num(row, en, 3), money = try num(row, am, 7)
            switch status {
            case "accepted":
                update(buyer) { $0.boughtLocalWh += wh; $0.paidLocal += money }
                update(seller) { $0.soldLocalWh += wh; $0.receivedLocal += money }
                moved[buyer, default: 0] -= money; moved[seller, default: 0] += money
                if let bf { let f = try num(row, bf, 7); update(buyer) { $0.fees += f } }
                if let sf { let f = try num(row, sf, 7); update(seller) { $0.fees += f } }
            case "grid":
                if seller == Trade.gridID { update(buyer) { $0.boughtGridWh += wh; $0.paidGrid += money }; moved[buyer, default: 0] -= money }
                else { update(seller) { $0.soldGridWh += wh; $0.receivedGrid += money }; moved[seller, default: 0] += money }
            default: continue
            }
        }
        cleared[cycle] = moved
    }

    /// Adds a settled cycle's entries: settlement money replaces the cleared money
    /// (`settlement_adjust`), reputation decreases count as penalties.
    public mutating func addSettlement(cycle: String, entries: [LedgerEntry]) {
        var settled: [String: MoneyUnits] = [:]
        var any = false
        for e in entries {
            switch e {
            case .settlement(let s) where s.cycleID == cycle:
                any = true
                // "trades": sellers +, buyers −; "grid-…": what the participant pays the grid.
                settled[s.participantID, default: 0] += s.reason == "trades" ? s.amount : -s.amount
            case .reputationChange(let r) where r.cycleID == cycle && r.after < r.before:
                update(r.participantID) { $0.penaltyMilliPoints += r.before - r.after }
            default: continue
            }
        }
        guard any else { return }
        let moved = cleared[cycle] ?? [:]
        for p in Set(settled.keys).union(moved.keys) {
            let adjust = settled[p, default: 0] - moved[p, default: 0]
            if adjust != 0 { update(p) { $0.settlementAdjust += adjust } }
        }
    }

    /// `bills.csv`: one row per participant, sorted by id; canonical (LF, exact decimals).
    public func csv() -> [UInt8] {
        var s = Bill.columns.joined(separator: ",") + "\n"
        for p in bills.keys.sorted() { s += bills[p]!.fields.map(CanonicalText.csvField).joined(separator: ",") + "\n" }
        return Array(s.utf8)
    }

    /// The bills of one cycle's trades.
    public static func csv(cycle: String, trades: [UInt8]) throws -> [UInt8] {
        var b = BillBook()
        try b.add(cycle: cycle, trades: try TradeTable(csv: trades))
        return b.csv()
    }
}
