import GridClearCore

/// What the page says about the service itself.
public struct ServiceStatus: Sendable {
    public var ledgerHeight: UInt64?
    public var generatedAt: UTCTime
    public init(ledgerHeight: UInt64?, generatedAt: UTCTime) { self.ledgerHeight = ledgerHeight; self.generatedAt = generatedAt }
}

/// The read-only results page: server-rendered HTML with inline SVG, no script. Day-long plots
/// (the UTC day of the newest published cycle) of the clearing price, matched energy, grid
/// import/export and clean share, then the last `tableRows` cycles with their prices, volumes
/// and mechanism metrics. Pure: rows in, text out; every value from the files is escaped.
public enum ResultsPage {
    public static let tableRows = 16

    public static func render(rows: [CycleResultRow], status: ServiceStatus) -> String {
        let newest = rows.last
        let day = newest.map { CivilCalendar.floorDiv($0.cycle.startSeconds, 86_400) }
        let today = rows.filter { day != nil && CivilCalendar.floorDiv($0.cycle.startSeconds, 86_400) == day! }
        func pts(_ v: (CycleResultRow) -> Double, tradedOnly: Bool = false) -> [(minute: Int, value: Double)] {
            today.filter { !tradedOnly || $0.trades > 0 }.map { (Int(($0.cycle.startSeconds - day! * 86_400) / 60), v($0)) }
        }
        let dayText = newest.map { String($0.cycle.start.rfc3339.prefix(10)) } ?? "no cycles yet"
        var h = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>GridClear results</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <style>
        body{font-family:"Liberation Sans",Arial,sans-serif;margin:20px;color:#222;background:#f6f7f9}
        h1{font-size:22px;margin:0 0 4px} .sub{color:#555;margin:0 0 14px;font-size:13px}
        .plots{display:grid;grid-template-columns:repeat(2,560px);gap:12px;margin-bottom:18px}
        .plots svg{border:1px solid #d8dbe0;background:#fff}
        table{border-collapse:collapse;background:#fff;font-size:12px}
        th,td{border:1px solid #d8dbe0;padding:4px 7px;text-align:right} th{background:#eef1f5}
        td.l,th.l{text-align:left} .warn{color:#b3261e;font-weight:bold}
        </style></head><body>
        <h1>GridClear results</h1>
        <p class="sub">Clearing price: the average price of energy traded between participants (no point for a cycle without trades).</p>

        """
        h += "<p class=\"sub\">Day \(HTML.escape(dayText)) (UTC) · \(rows.count) published cycle(s) read · ledger height \(status.ledgerHeight.map(String.init) ?? "–") · generated \(HTML.escape(status.generatedAt.rfc3339))</p>\n"
        h += "<div class=\"plots\">\n"
        h += SVGPlot(title: "Clearing price", unit: "CNY/kWh", series: [.init(name: "APET", color: "#1f77b4", points: pts(\.priceCNYPerKWh, tradedOnly: true))]).render() + "\n"
        h += SVGPlot(title: "Matched energy", unit: "kWh", series: [.init(name: "matched", color: "#2ca02c", points: pts(\.matchedKWh))]).render() + "\n"
        h += SVGPlot(title: "Grid import / export", unit: "kWh", series: [
            .init(name: "import", color: "#d62728", points: pts(\.gridImportKWh)),
            .init(name: "export", color: "#9467bd", points: pts(\.gridExportKWh)),
        ]).render() + "\n"
        h += SVGPlot(title: "Clean share", unit: "%", series: [.init(name: "clean", color: "#17becf", points: pts { $0.cleanShare * 100 })]).render() + "\n"
        h += "</div>\n"
        if let c = rows.last(where: \.hasComparison) {
            let id = HTML.escape(c.cycle.description)
            h += "<h2 style=\"font-size:16px\">Mechanism comparison, cycle \(id)</h2>\n<p><img src=\"/compare/\(id).svg\" alt=\"mechanism comparison of cycle \(id)\" style=\"max-width:1132px;border:1px solid #d8dbe0;background:#fff\"></p>\n"
        }
        h += "<h2 style=\"font-size:16px\">Last cycles</h2>\n<table>\n<tr><th class=\"l\">cycle</th><th class=\"l\">mechanism</th><th>bids</th><th>offers</th><th>trades</th><th>matched kWh</th><th>price CNY/kWh</th><th>grid import kWh</th><th>grid export kWh</th><th>rejected kWh</th><th>clean share %</th><th>paid CNY</th><th>buyer sat.</th><th>seller sat.</th><th>rejected files</th><th class=\"l\">compare</th></tr>\n"
        func n(_ x: Double, _ d: Int) -> String { HTML.escape(CanonicalText.number(x, decimals: d)) }
        for r in rows.suffix(tableRows).reversed() {
            let rej = r.rejectedFiles.map { $0 > 0 ? "<span class=\"warn\">\($0)</span>" : "0" } ?? "–"
            h += "<tr><td class=\"l\">\(HTML.escape(r.cycle.description))</td><td class=\"l\">\(HTML.escape(r.mechanism))</td><td>\(r.bids)</td><td>\(r.offers)</td><td>\(r.trades)</td>"
            h += "<td>\(n(r.matchedKWh, 3))</td><td>\(n(r.priceCNYPerKWh, 4))</td><td>\(n(r.gridImportKWh, 3))</td><td>\(n(r.gridExportKWh, 3))</td><td>\(n(r.rejectedKWh, 3))</td>"
            h += "<td>\(n(r.cleanShare * 100, 1))</td><td>\(n(r.paidCNY, 2))</td><td>\(r.meanBuyerSatisfaction.map { n($0, 3) } ?? "–")</td><td>\(r.meanSellerSatisfaction.map { n($0, 3) } ?? "–")</td><td>\(rej)</td><td class=\"l\">\(r.hasComparison ? "<a href=\"/compare/\(HTML.escape(r.cycle.description)).svg\">svg</a>" : "–")</td></tr>\n"
        }
        if rows.isEmpty { h += "<tr><td class=\"l\" colspan=\"16\">No cycle published yet.</td></tr>\n" }
        h += "</table>\n<p class=\"sub\">Read from the published outputs (written after each ledger entry is durable). Metrics: <a href=\"/metrics\">/metrics</a> · health: <a href=\"/health\">/health</a></p>\n</body></html>\n"
        return h
    }
}
