import GridClearCore

/// A day-long line plot as inline SVG: x is the time of day (UTC, 00:00–24:00, a tick every
/// 3 hours), y from 0 (or the data's minimum when negative) to a rounded maximum; one polyline
/// with a dot per cycle for each series. Pure; every text is HTML-escaped.
public struct SVGPlot: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var color: String
        /// (minute of the day 0…1440, value), in time order.
        public var points: [(minute: Int, value: Double)]
        public init(name: String, color: String, points: [(minute: Int, value: Double)]) {
            self.name = name; self.color = color; self.points = points
        }
    }

    public var title: String
    public var unit: String
    public var series: [Series]
    public var width = 560, height = 230

    public init(title: String, unit: String, series: [Series]) { self.title = title; self.unit = unit; self.series = series }

    /// A "nice" upper bound ≥ `x` (1, 2, 2.5, 5 × 10^k).
    static func niceCeiling(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        var p = 1.0
        while p * 10 <= x { p *= 10 }
        while p > x { p /= 10 }
        for m in [1.0, 2, 2.5, 5, 10] where m * p >= x { return m * p }
        return 10 * p
    }

    public func render() -> String {
        let (left, right, top, bottom) = (58.0, 12.0, 30.0, 30.0)
        let w = Double(width) - left - right, h = Double(height) - top - bottom
        let values = series.flatMap { $0.points.map(\.value) }.filter(\.isFinite)
        let lowest = values.min() ?? 0
        let yMax = Self.niceCeiling(values.max() ?? 1), yMin = lowest < 0 ? -Self.niceCeiling(-lowest) : 0
        let step = (yMax - yMin) / 4, labelDecimals = step < 1 ? 2 : (step == step.rounded() ? 0 : 1)
        func x(_ minute: Int) -> Double { left + w * Double(minute) / 1440 }
        func y(_ v: Double) -> Double { top + h * (1 - (v - yMin) / (yMax - yMin)) }
        func f(_ v: Double) -> String { CanonicalText.number(v, decimals: 1) }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\">"
        s += "<title>\(HTML.escape(title))</title>"
        s += "<rect x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>"
        s += "<text x=\"\(f(left))\" y=\"18\" font-size=\"13\" font-weight=\"bold\" fill=\"#222\">\(HTML.escape(title)) (\(HTML.escape(unit)))</text>"
        for k in 0...4 {
            let v = yMin + (yMax - yMin) * Double(k) / 4
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y(v)))\" x2=\"\(f(left + w))\" y2=\"\(f(y(v)))\" stroke=\"#e3e3e3\"/>"
            s += "<text x=\"\(f(left - 6))\" y=\"\(f(y(v) + 4))\" font-size=\"10\" text-anchor=\"end\" fill=\"#555\">\(HTML.escape(CanonicalText.number(v, decimals: labelDecimals)))</text>"
        }
        for hour in stride(from: 0, through: 24, by: 3) {
            let xx = x(hour * 60)
            s += "<line x1=\"\(f(xx))\" y1=\"\(f(top + h))\" x2=\"\(f(xx))\" y2=\"\(f(top + h + 4))\" stroke=\"#555\"/>"
            s += "<text x=\"\(f(xx))\" y=\"\(f(top + h + 16))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">\(hour < 10 ? "0" : "")\(hour):00</text>"
        }
        s += "<line x1=\"\(f(left))\" y1=\"\(f(top + h))\" x2=\"\(f(left + w))\" y2=\"\(f(top + h))\" stroke=\"#555\"/>"
        for (k, ser) in series.enumerated() {
            let pts = ser.points.filter { $0.value.isFinite }
            let color = HTML.escape(ser.color)
            if pts.count > 1 {
                s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"" + pts.map { "\(f(x($0.minute))),\(f(y($0.value)))" }.joined(separator: " ") + "\"/>"
            }
            for p in pts { s += "<circle cx=\"\(f(x(p.minute)))\" cy=\"\(f(y(p.value)))\" r=\"3\" fill=\"\(color)\"/>" }
            let lx = left + w - 150 + Double(k) * 80
            s += "<rect x=\"\(f(lx))\" y=\"9\" width=\"10\" height=\"10\" fill=\"\(color)\"/><text x=\"\(f(lx + 14))\" y=\"18\" font-size=\"11\" fill=\"#222\">\(HTML.escape(ser.name))</text>"
        }
        return s + "</svg>"
    }
}

/// HTML escaping for text and attribute values.
public enum HTML {
    public static func escape(_ s: String) -> String {
        var o = ""
        o.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&#39;"
            default:
                if ch.value < 0x20 && ch != "\n" && ch != "\t" { o += "&#xFFFD;" } else { o.unicodeScalars.append(ch) }
            }
        }
        return o
    }
}
