import GridClearCore

extension MechanismComparison {
    /// `compare.svg`: left, the aggregate supply and demand step curves with the uniform
    /// price and crossing quantity; right, per mechanism bars of matched energy, clean
    /// share, mean loss and APET. Plain SVG 1.1, no scripts, deterministic text.
    public func svg() -> String {
        func n(_ x: Double) -> String { CanonicalText.number(x, decimals: 1) }
        let w = 1000.0, h = 580.0
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(w))\" height=\"\(n(h))\" viewBox=\"0 0 \(n(w)) \(n(h))\" font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">\n"
        s += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        s += "<text x=\"20\" y=\"26\" font-size=\"16\" font-weight=\"bold\">Cycle \(esc(inputs.cycleID)): \(inputs.bids.count) bids, \(inputs.offers.count) offers — mechanisms compared on the same inputs</text>\n"
        s += curvePanel(x: 60, y: 60, width: 420, height: 420)
        let metrics: [(String, (Entry) -> Double, (Double) -> String)] = [
            ("Matched energy (kWh)", { Double($0.metrics.matchedWh) / 1000 }, { CanonicalText.number($0, decimals: 1) }),
            ("Clean share of matched energy (%)", { 100 * $0.metrics.cleanShare }, { CanonicalText.number($0, decimals: 1) }),
            ("Mean transmission loss (%)", { $0.metrics.meanLossPct }, { CanonicalText.number($0, decimals: 2) }),
            ("APET (CNY/kWh)", { $0.metrics.apet }, { CanonicalText.number($0, decimals: 4) }),
        ]
        for (k, m) in metrics.enumerated() {
            s += barPanel(title: m.0, x: 570, y: 60 + Double(k) * 120, width: 400, height: 100, value: m.1, label: m.2)
        }
        s += "</svg>\n"
        return s
    }

    private static let palette = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"]

    private func barPanel(title: String, x: Double, y: Double, width: Double, height: Double,
                          value: (Entry) -> Double, label: (Double) -> String) -> String {
        func n(_ v: Double) -> String { CanonicalText.number(v, decimals: 1) }
        var s = "<text x=\"\(n(x))\" y=\"\(n(y))\" font-weight=\"bold\">\(esc(title))</text>\n"
        let vals = entries.map(value)
        let top = max(vals.max() ?? 0, 1e-12)
        let rowH = (height - 10) / Double(max(entries.count, 1))
        let labelW = 70.0, barMax = width - labelW - 80
        for (i, e) in entries.enumerated() {
            let yy = y + 8 + Double(i) * rowH
            let bw = max(0, vals[i] / top * barMax)
            s += "<text x=\"\(n(x + labelW - 6))\" y=\"\(n(yy + rowH * 0.7))\" text-anchor=\"end\">\(esc(e.name))</text>\n"
            s += "<rect x=\"\(n(x + labelW))\" y=\"\(n(yy + 2))\" width=\"\(n(bw))\" height=\"\(n(rowH - 4))\" fill=\"\(Self.palette[i % Self.palette.count])\"/>\n"
            s += "<text x=\"\(n(x + labelW + bw + 4))\" y=\"\(n(yy + rowH * 0.7))\">\(esc(label(vals[i])))</text>\n"
        }
        return s
    }

    private func curvePanel(x: Double, y: Double, width: Double, height: Double) -> String {
        func n(_ v: Double) -> String { CanonicalText.number(v, decimals: 1) }
        let demand = curves.bids.map { (Double($0.price) / 10_000, Double($0.quantity) / 1000) }
        let supply = curves.offers.map { (Double($0.price) / 10_000, Double($0.quantity) / 1000) }
        let qMax = max(demand.reduce(0) { $0 + $1.1 }, supply.reduce(0) { $0 + $1.1 }, 1e-9)
        let allP = demand.map(\.0) + supply.map(\.0)
        let pLo = allP.min() ?? 0, pHi = max(allP.max() ?? 1, pLo + 1e-4)
        let pad = (pHi - pLo) * 0.08
        let p0 = max(0, pLo - pad), p1 = pHi + pad
        func px(_ q: Double) -> Double { x + q / qMax * width }
        func py(_ p: Double) -> Double { y + height - (p - p0) / (p1 - p0) * height }
        var s = "<text x=\"\(n(x))\" y=\"\(n(y - 12))\" font-weight=\"bold\">Supply and demand (uniform-price crossing)</text>\n"
        s += "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(width))\" height=\"\(n(height))\" fill=\"none\" stroke=\"#999\"/>\n"
        let pStep = Self.niceStep((p1 - p0) / 5), pDec = pStep < 0.01 ? 3 : 2
        var p = (p0 / pStep).rounded(.up) * pStep
        while p <= p1 + 1e-12 {
            s += "<line x1=\"\(n(x - 4))\" y1=\"\(n(py(p)))\" x2=\"\(n(x + width))\" y2=\"\(n(py(p)))\" stroke=\"#eee\"/>\n"
            s += "<text x=\"\(n(x - 6))\" y=\"\(n(py(p) + 4))\" text-anchor=\"end\">\(CanonicalText.number(p, decimals: pDec))</text>\n"
            p += pStep
        }
        let qStep = Self.niceStep(qMax / 5)
        var q = 0.0
        while q <= qMax + 1e-9 {
            s += "<line x1=\"\(n(px(q)))\" y1=\"\(n(y + height))\" x2=\"\(n(px(q)))\" y2=\"\(n(y + height + 4))\" stroke=\"#999\"/>\n"
            s += "<text x=\"\(n(px(q)))\" y=\"\(n(y + height + 16))\" text-anchor=\"middle\">\(CanonicalText.number(q, decimals: qStep < 1 ? 1 : 0))</text>\n"
            q += qStep
        }
        s += "<text x=\"\(n(x + width / 2))\" y=\"\(n(y + height + 34))\" text-anchor=\"middle\">cumulative energy (kWh)</text>\n"
        s += "<text transform=\"translate(\(n(x - 44)),\(n(y + height / 2))) rotate(-90)\" text-anchor=\"middle\">price (CNY/kWh)</text>\n"
        func steps(_ pts: [(Double, Double)]) -> String {
            var q = 0.0, d = ""
            for (i, (p, e)) in pts.enumerated() {
                d += (i == 0 ? "M" : "L") + "\(n(px(q))),\(n(py(p))) L\(n(px(q + e))),\(n(py(p))) "
                q += e
            }
            return d
        }
        if !demand.isEmpty { s += "<path d=\"\(steps(demand))\" fill=\"none\" stroke=\"#4e79a7\" stroke-width=\"2\"/>\n" }
        if !supply.isEmpty { s += "<path d=\"\(steps(supply))\" fill=\"none\" stroke=\"#f28e2b\" stroke-width=\"2\"/>\n" }
        if let p = curves.price {
            let pp = Double(p) / 10_000, qq = Double(curves.quantity) / 1000
            s += "<line x1=\"\(n(x))\" y1=\"\(n(py(pp)))\" x2=\"\(n(x + width))\" y2=\"\(n(py(pp)))\" stroke=\"#e15759\" stroke-dasharray=\"6,4\"/>\n"
            s += "<line x1=\"\(n(px(qq)))\" y1=\"\(n(y))\" x2=\"\(n(px(qq)))\" y2=\"\(n(y + height))\" stroke=\"#e15759\" stroke-dasharray=\"6,4\"/>\n"
            s += "<text x=\"\(n(x + 6))\" y=\"\(n(py(pp) + 16))\" fill=\"#e15759\">uniform price \(Units.priceString(p)) at \(Units.kWhString(curves.quantity)) kWh</text>\n"
        }
        // Legend.
        let ly = y + height + 56
        s += "<line x1=\"\(n(x))\" y1=\"\(n(ly))\" x2=\"\(n(x + 24))\" y2=\"\(n(ly))\" stroke=\"#4e79a7\" stroke-width=\"2\"/><text x=\"\(n(x + 30))\" y=\"\(n(ly + 4))\">demand (bids, price ↓)</text>\n"
        s += "<line x1=\"\(n(x + 200))\" y1=\"\(n(ly))\" x2=\"\(n(x + 224))\" y2=\"\(n(ly))\" stroke=\"#f28e2b\" stroke-width=\"2\"/><text x=\"\(n(x + 230))\" y=\"\(n(ly + 4))\">supply (offers, price ↑)</text>\n"
        return s
    }

    /// 1, 2 or 5 × 10^k, the smallest at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        var mag = 1.0
        while mag * 10 <= raw { mag *= 10 }
        while mag > raw { mag /= 10 }
        for f in [1.0, 2.0, 5.0, 10.0] where f * mag >= raw { return f * mag }
        return 10 * mag
    }

    private func esc(_ t: String) -> String {
        var o = ""
        for c in t {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            default: o.append(c)
            }
        }
        return o
    }
}
