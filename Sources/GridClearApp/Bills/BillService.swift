import Clearing
import GridClearCore
import LedgerLite

/// The bills of a period, from the ledger alone (`gridclear bills`).
public struct PeriodBills: Sendable {
    public var book: BillBook
    /// Cycles of the period the ledger holds cleared, and those of them with settlement entries.
    public var clearedCycles: [String]
    public var settledCycles: [String]
}

/// Summing a period's bills from a ledger: every cleared cycle in [from, to] adds its trade
/// table; every cycle in the period with settlement entries adds its settlement adjustment and
/// reputation penalties (`BillBook`). A ledger that does not audit is not billed.
public enum BillService {
    public static func period(ledgerDirectory directory: String, from: CycleID, to: CycleID,
                              trusted: TrustedKeys?) throws(AppError) -> PeriodBills {
        guard from <= to else { throw .usage("--from \(from) is after --to \(to)") }
        var tables: [(String, TradeTable)] = []
        var byCycle: [String: [LedgerEntry]] = [:]
        func inPeriod(_ c: String?) -> Bool { c.flatMap(CycleID.init).map { $0 >= from && $0 <= to } ?? false }
        let result: Result<AuditReport, LedgerFault>
        do {
            result = try LedgerAuditor.audit(directory: directory, trusted: trusted) { block, _ in
                for e in block.entries where inPeriod(e.cycleID) {
                    if case .clearedCycle(let c) = e { tables.append((c.cycleID, c.trades)) } else { byCycle[e.cycleID!, default: []].append(e) }
                }
            }
        } catch { throw AppError.wrap(error, cycle: "-") }
        if case .failure(let f) = result { throw .ledgerFault(f) }
        var book = BillBook()
        for (cycle, table) in tables {
            do { try book.add(cycle: cycle, trades: table) } catch { throw .clearingFailed(cycle: cycle, message: error.description) }
        }
        var settled: [String] = []
        for cycle in byCycle.keys.sorted() {
            let entries = byCycle[cycle]!
            if entries.contains(where: { if case .settlement = $0 { return true }; return false }) { settled.append(cycle) }
            book.addSettlement(cycle: cycle, entries: entries)
        }
        return PeriodBills(book: book, clearedCycles: tables.map(\.0), settledCycles: settled)
    }
}
