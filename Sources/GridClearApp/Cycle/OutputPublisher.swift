import Clearing
import GridClearSystem

/// Publishes a cycle's outputs: `<root>/<cycle>/trades.csv`, then `summary.json`, each
/// written atomically and durably (a present summary means complete results). Temporary
/// files a killed publisher left in the folder are removed first.
public enum OutputPublisher {
    /// The paths written, in order.
    @discardableResult
    public static func publish(_ cleared: ClearedCycle, root: String) throws(AppError) -> [String] {
        let dir = FileSystem.join(root, cleared.cycleID)
        let trades = FileSystem.join(dir, "trades.csv"), summary = FileSystem.join(dir, "summary.json")
        do {
            try FileSystem.makeDirectories(dir)
            try GridClearSystem.AtomicFile.removeStaleTemporaries(in: dir)
            try GridClearSystem.AtomicFile.write(cleared.tradesCSV, to: trades)
            try GridClearSystem.AtomicFile.write(cleared.summaryJSON, to: summary)
        } catch {
            throw .publishFailed(cycle: cleared.cycleID, height: nil, message: "\(error)")
        }
        return [trades, summary]
    }
}
