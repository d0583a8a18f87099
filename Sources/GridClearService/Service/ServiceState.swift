import GridClearApp
import GridClearCore
import GridClearSystem

/// What `/health` reports, updated from the scheduler's events (thread-safe).
public final class ServiceState: Sendable {
    struct Values {
        var ledgerHeight: UInt64?
        var lastSuccess: UTCTime?
        var lastCycle: String?
        var cleared = 0
        var rejectedCycles = 0
        var rejectedFiles = 0
        var schedulerRunning = true
    }
    let values: Locked<Values>
    public let startedAt: UTCTime

    public init(ledgerHeight: UInt64?, startedAt: UTCTime) {
        values = Locked(Values(ledgerHeight: ledgerHeight))
        self.startedAt = startedAt
    }

    public func record(_ e: AppEvent, wallClock: UTCTime) {
        values.withValue { v in
            switch e {
            case .cycleReport(let r): v.cleared += 1; v.ledgerHeight = r.height; v.lastSuccess = wallClock; v.lastCycle = r.cycle
            case .cycleSkipped: v.rejectedCycles += 1
            case .submissionRejected: v.rejectedFiles += 1
            default: break
            }
        }
    }

    public func schedulerStopped() { values.withValue { $0.schedulerRunning = false } }
    public var ledgerHeight: UInt64? { values.withValue { $0.ledgerHeight } }

    /// `/health`: 200 with `"status": "ok"` while the scheduler runs, 503 once it stopped.
    public func health(now: UTCTime) -> ServiceResponse {
        let v = values.withValue { $0 }
        var w = JSONWriter()
        w.add("status", v.schedulerRunning ? "ok" : "stopping")
        w.add("started_at", startedAt.rfc3339)
        w.add("uptime_seconds", max(0, (now.millis - startedAt.millis) / 1000))
        w.add("ledger_height", raw: v.ledgerHeight.map { String($0) } ?? "null")
        w.add("cycles_cleared", v.cleared)
        w.add("cycles_rejected", v.rejectedCycles)
        w.add("submissions_rejected", v.rejectedFiles)
        w.add("last_cycle", raw: v.lastCycle.map(CanonicalText.jsonString) ?? "null")
        w.add("last_success", raw: v.lastSuccess.map { CanonicalText.jsonString($0.rfc3339) } ?? "null")
        return ServiceResponse(status: v.schedulerRunning ? 200 : 503, contentType: "application/json", body: Array((w.render() + "\n").utf8))
    }
}
