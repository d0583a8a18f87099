import Foundation
import GridClearTestSupport
import GridClearApp
import GridClearCore
import GridClearSystem

/// The package root (three levels above this file).
let packageRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

let sampleCycle = "20261120T1000Z"

/// A fresh scratch folder with `Inputs/market.json` and copies of the sample cycle under the
/// given names, removed when the returned folder is released.
func workspace(cycles: [String] = [sampleCycle], tag: String = "GridClearAppTests") throws -> TemporaryFolder {
    let folder = try TemporaryFolder(tag), dir = folder.path
    let fm = FileManager.default
    try fm.createDirectory(atPath: dir + "/Inputs", withIntermediateDirectories: true)
    try fm.copyItem(atPath: packageRoot + "/Inputs/market.json", toPath: dir + "/Inputs/market.json")
    for c in cycles { try fm.copyItem(atPath: packageRoot + "/Inputs/" + sampleCycle, toPath: dir + "/Inputs/" + c) }
    return folder
}

/// Collects events (the callbacks are synchronous).
final class EventLog: @unchecked Sendable {
    private let lock = Mutex()
    private var items: [AppEvent] = []
    func add(_ e: AppEvent) { lock.withLock { items.append(e) } }
    var all: [AppEvent] { lock.withLock { items } }
}

/// A simulated clock for the scheduler: `sleep` jumps to the deadline; stop after `sleeps`.
final class SimulatedClock: @unchecked Sendable {
    private let lock = Mutex()
    private var t: UTCTime
    private var sleeps = 0
    let maxSleeps: Int
    init(start: UTCTime, maxSleeps: Int) { t = start; self.maxSleeps = maxSleeps }
    var now: UTCTime { lock.withLock { t } }
    var sleepCount: Int { lock.withLock { sleeps } }
    var clock: SchedulerClock {
        SchedulerClock(now: { self.now },
                       sleep: { d in self.lock.withLock { self.sleeps += 1; if d > self.t { self.t = d } } },
                       stopRequested: { self.lock.withLock { self.sleeps >= self.maxSleeps } })
    }
}
