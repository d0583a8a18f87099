import GridClearCore

/// A cycle folder the scheduler knows about.
public struct ScheduledCycle: Sendable, Equatable {
    public var cycle: CycleID
    /// Gate closure lead time in minutes (market.json's `gate_closure_minutes`; default 15).
    public var gateClosureMinutes: Int
    public init(cycle: CycleID, gateClosureMinutes: Int) { self.cycle = cycle; self.gateClosureMinutes = gateClosureMinutes }
    public var id: String { cycle.description }
    /// Delivery start − lead time: when the cycle is cleared.
    public var gateClosure: UTCTime { cycle.start.adding(seconds: -Int64(gateClosureMinutes) * 60) }
}

/// The scheduler's decision for one moment.
public struct SchedulePlan: Sendable, Equatable {
    /// Cycles to clear now, in cycle order.
    public var due: [ScheduledCycle]
    /// The next gate closure after `now` among cycles not yet cleared (when to wake), or nil.
    public var nextWake: UTCTime?
}

/// The pure core of the scheduler: given the cycle folders, the cycles the ledger already
/// holds, those skipped in this run and the time, which cycles are due and when to wake.
/// The ledger is the only record of "already cleared", which makes the scheduler
/// restart-safe; a skipped cycle is retried by the next run.
public enum SchedulePlanner {
    public static func plan(cycles: [ScheduledCycle], recorded: Set<String>, skipped: Set<String> = [], now: UTCTime) -> SchedulePlan {
        let open = cycles.filter { !recorded.contains($0.id) && !skipped.contains($0.id) }.sorted { $0.cycle < $1.cycle }
        let due = open.filter { $0.gateClosure <= now }
        let next = open.filter { $0.gateClosure > now }.map(\.gateClosure).min()
        return SchedulePlan(due: due, nextWake: next)
    }
}
