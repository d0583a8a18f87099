/// GridClearService: what `gridclear serve` and the scheduler's logs need beyond the
/// workflows of GridClearApp — swift-log handlers (`TextLogHandler`, `JSONLinesLogHandler`),
/// the Prometheus metrics of the service (`ServiceMetrics`), a small HTTP/1.1 server on
/// swift-nio (`ServiceHTTPServer`: `/metrics`, `/health`, `/`), and the read-only results
/// page (`ResultsPage`, data from the ledger and the outputs only: `ResultsHistory`).
public enum GridClearServiceModule {}
