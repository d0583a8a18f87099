/// Deterministic text rendering for outputs: fixed decimals by rounding half away from
/// zero on the scaled value, no locale, no exponent, identical on every machine.
public enum CanonicalText {
    /// `x` with exactly `decimals` decimals ("-0" is printed as "0").
    public static func number(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "null" : (x > 0 ? "1e999" : "-1e999") }
        var p = 1.0
        for _ in 0..<decimals { p *= 10 }
        let scaled = (x * p).rounded(.toNearestOrAwayFromZero)
        guard abs(scaled) < 9.2e18 else { return String(x) }
        let v = Int64(scaled)
        return Units.fixed(v == 0 ? 0 : v, decimals: decimals)
    }

    /// A CSV field, quoted per RFC 4180 when needed.
    public static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        }
        return s
    }

    /// A JSON string literal.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

extension String {
    func replacingAll(_ a: Character, with b: String) -> String {
        var out = ""
        for c in self { if c == a { out += b } else { out.append(c) } }
        return out
    }
}

/// A tiny ordered JSON writer: keys appear in insertion order, numbers as given text.
public struct JSONWriter {
    private var parts: [String] = []
    public init() {}
    public mutating func add(_ key: String, raw: String) { parts.append(CanonicalText.jsonString(key) + ": " + raw) }
    public mutating func add(_ key: String, _ s: String) { add(key, raw: CanonicalText.jsonString(s)) }
    public mutating func add(_ key: String, _ i: Int) { add(key, raw: String(i)) }
    public mutating func add(_ key: String, _ i: Int64) { add(key, raw: String(i)) }
    public mutating func add(_ key: String, _ x: Double, decimals: Int) { add(key, raw: CanonicalText.number(x, decimals: decimals)) }
    public mutating func add(_ key: String, optional x: Double?, decimals: Int) {
        add(key, raw: x.map { CanonicalText.number($0, decimals: decimals) } ?? "null")
    }
    /// The object rendered with the given indentation level (2 spaces per level).
    public func render(indent: Int = 0) -> String {
        if parts.isEmpty { return "{}" }
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        return "{\n" + parts.map { pad + $0 }.joined(separator: ",\n") + "\n" + end + "}"
    }
}
