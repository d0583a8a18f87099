import GridClearCore

/// The routes of `gridclear serve`: `/` (results page), `/health`, `/metrics`,
/// `/compare/<cycle>.svg` (a `gridclear compare` chart of the outputs); 404 otherwise.
public enum ServiceRoutes {
    public static func route(path: String, state: ServiceState, metrics: ServiceMetrics, outputRoot: String,
                             now: @Sendable () -> UTCTime) -> ServiceResponse {
        switch path {
        case "/", "/index.html":
            let page = ResultsPage.render(rows: ResultsHistory.load(outputRoot: outputRoot),
                                          status: ServiceStatus(ledgerHeight: state.ledgerHeight, generatedAt: now()))
            return ServiceResponse(status: 200, contentType: "text/html; charset=utf-8", body: Array(page.utf8))
        case "/health": return state.health(now: now())
        case "/metrics": return ServiceResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: metrics.exposition())
        case let p where p.hasPrefix("/compare/") && p.hasSuffix(".svg"):
            guard let id = CycleID(String(p.dropFirst("/compare/".count).dropLast(4))),
                  let svg = ResultsHistory.comparisonSVG(outputRoot: outputRoot, cycle: id) else { return .text("no comparison chart here\n", status: 404) }
            return ServiceResponse(status: 200, contentType: "image/svg+xml", body: svg)
        default: return .text("not found: try /, /health or /metrics\n", status: 404)
        }
    }
}
