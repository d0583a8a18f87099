import Clearing
import GridClearCore
import GridClearSystem

/// Finds the cycle folders of an inputs folder and their gate closure lead times.
///
/// A folder is a cycle only when its name is a `CycleID` (15-minute boundary; so
/// `20261120T1007Z` is ignored, never planned). The market-wide `market.json` must parse
/// (an error otherwise, never silently the defaults); a cycle whose own `market.json` does
/// not parse keeps the market-wide lead time and fails when it is cleared (then skipped).
public enum CycleFolderScanner {
    public static func scan(inputs: String) throws(AppError) -> [ScheduledCycle] {
        let names: [String]
        do { names = try FileSystem.list(inputs) } catch { throw .file("inputs folder \(inputs): \(error)") }
        var market = MarketConfig()
        let marketPath = FileSystem.join(inputs, "market.json")
        if FileSystem.exists(marketPath) {
            do { market = try market.applying(json: try FileSystem.read(marketPath), file: marketPath) } catch {
                throw CycleService.clearingError(error, cycle: "-")
            }
        }
        var out: [ScheduledCycle] = []
        for name in names {
            guard let id = CycleID(name), FileSystem.isDirectory(FileSystem.join(inputs, name)) else { continue }
            var m = market
            let p = FileSystem.join(FileSystem.join(inputs, name), "market.json")
            if FileSystem.exists(p), let b = try? FileSystem.read(p), let mm = try? m.applying(json: b, file: p) { m = mm }
            out.append(ScheduledCycle(cycle: id, gateClosureMinutes: m.gateClosureMinutes))
        }
        return out.sorted { $0.cycle < $1.cycle }
    }
}
