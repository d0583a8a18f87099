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
        // Scalars, not Characters: "\r\n" is one Character that equals neither "\r" nor "\n".
        if s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var out = "\""
            for c in s { if c == "\"" { out += "\"\"" } else { out.append(c) } }
            return out + "\""
        }
        return s
    }

    /// A JSON string literal (RFC 8259): quote, backslash and every control character
    /// escaped, so the literal is always one line. The one JSON escaper of GridClear.
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
