import CoreMetrics
import GridClearApp
import GridClearCore
import Prometheus

/// The service's Prometheus metrics, made through swift-metrics with a Prometheus factory of
/// its own registry (no global bootstrap, so tests and several services never share state).
/// Fed by the scheduler's `AppEvent`s (`record`), exposed in the text format by `exposition`.
///
/// - `gridclear_cycles_cleared_total`, `gridclear_cycles_rejected_total` (a due cycle with
///   invalid inputs, recorded as rejected), `gridclear_submissions_rejected_total`
/// - `gridclear_cycle_seconds` (histogram: intake, clearing, ledger append and outputs of one cycle)
/// - `gridclear_ledger_height`, `gridclear_last_success_timestamp_seconds` (wall clock of the
///   last cleared cycle), `gridclear_up`
/// - `gridclear_replication{mode="embedded"}` 1: how this process's ledger is replicated. `serve`
///   writes an embedded (single-signer) ledger — the scheduler refuses a replica's ledger — so the
///   mode is always `embedded` here; a BFT or etcd replica reports its view, primary, height and
///   head through `gridclear node status --json`.
public final class ServiceMetrics: Sendable {
    public static let cycleSecondsBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
    public let registry = PrometheusCollectorRegistry()
    let cleared: CoreMetrics.Counter
    let rejectedCycles: CoreMetrics.Counter
    let rejectedSubmissions: CoreMetrics.Counter
    let cycleSeconds: CoreMetrics.Recorder
    let height: CoreMetrics.Gauge
    let lastSuccess: CoreMetrics.Gauge
    let up: CoreMetrics.Gauge
    let replication: CoreMetrics.Gauge

    public init(ledgerHeight: UInt64?) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.valueHistogramBuckets["gridclear_cycle_seconds"] = Self.cycleSecondsBuckets
        cleared = CoreMetrics.Counter(label: "gridclear_cycles_cleared_total", factory: factory)
        rejectedCycles = CoreMetrics.Counter(label: "gridclear_cycles_rejected_total", factory: factory)
        rejectedSubmissions = CoreMetrics.Counter(label: "gridclear_submissions_rejected_total", factory: factory)
        cycleSeconds = CoreMetrics.Recorder(label: "gridclear_cycle_seconds", aggregate: true, factory: factory)
        height = CoreMetrics.Gauge(label: "gridclear_ledger_height", factory: factory)
        lastSuccess = CoreMetrics.Gauge(label: "gridclear_last_success_timestamp_seconds", factory: factory)
        up = CoreMetrics.Gauge(label: "gridclear_up", factory: factory)
        replication = CoreMetrics.Gauge(label: "gridclear_replication", dimensions: [("mode", "embedded")], factory: factory)
        // Every series exists from the start (a counter at 0 is information, a missing one is not).
        cleared.increment(by: 0); rejectedCycles.increment(by: 0); rejectedSubmissions.increment(by: 0)
        if let ledgerHeight { height.record(Int64(ledgerHeight)) }
        up.record(1)
        replication.record(1)
    }

    /// Updates the metrics for one workflow event; `wallClock` stamps the last success.
    public func record(_ e: AppEvent, wallClock: UTCTime) {
        switch e {
        case .cycleReport(let r):
            cleared.increment()
            cycleSeconds.record(Double(r.durationMillis) / 1000)
            height.record(Int64(r.height))
            lastSuccess.record(Double(wallClock.millis) / 1000)
        case .cycleSkipped: rejectedCycles.increment()
        case .submissionRejected: rejectedSubmissions.increment()
        default: break
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> [UInt8] { registry.emitToBuffer() }
}
