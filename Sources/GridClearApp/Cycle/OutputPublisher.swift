import Clearing
import GridClearSystem
import LedgerLite

/// Publishes a cycle's outputs: `<root>/<cycle>/trades.csv`, `bills.csv` (per participant,
/// `BillBook`, from the trades alone), then `summary.json`, each
/// written atomically and durably (a present summary means complete results). Temporary
/// files a killed publisher left in the folder are removed first.
public enum OutputPublisher {
    /// The paths written, in order.
    @discardableResult
    public static func publish(_ cleared: ClearedCycle, root: String) throws(AppError) -> [String] {
        try publish(cycle: cleared.cycleID, trades: cleared.tradesCSV, summary: cleared.summaryJSON, root: root)
    }

    /// Publishes a recorded cycle's outputs from its ledger entry (the canonical summary,
    /// without solve times): what a restart does when a crash came between the ledger
    /// append and the publication.
    @discardableResult
    public static func publish(recorded e: ClearedCycleEntry, root: String) throws(AppError) -> [String] {
        try publish(cycle: e.cycleID, trades: e.tradesCSV, summary: e.summaryJSON, root: root)
    }

    /// True when `<root>/<cycle>/summary.json` (written last) exists.
    public static func isPublished(cycle: String, root: String) -> Bool {
        FileSystem.exists(FileSystem.join(FileSystem.join(root, cycle), "summary.json"))
    }

    static func publish(cycle: String, trades: [UInt8], summary summaryBytes: [UInt8], root: String) throws(AppError) -> [String] {
        let dir = FileSystem.join(root, cycle)
        let tradesPath = FileSystem.join(dir, "trades.csv"), summaryPath = FileSystem.join(dir, "summary.json")
        let billsPath = FileSystem.join(dir, "bills.csv")
        do {
            let bills = try BillBook.csv(cycle: cycle, trades: trades)
            try FileSystem.makeDirectories(dir)
            try GridClearSystem.AtomicFile.removeStaleTemporaries(in: dir)
            try GridClearSystem.AtomicFile.write(trades, to: tradesPath)
            try GridClearSystem.AtomicFile.write(bills, to: billsPath)
            try GridClearSystem.AtomicFile.write(summaryBytes, to: summaryPath)
        } catch {
            throw .publishFailed(cycle: cycle, height: nil, message: "\(error)")
        }
        return [tradesPath, billsPath, summaryPath]
    }
}
