/// Exact parsing of decimal text ("12.345", "-0.5", "7") into a scaled integer,
/// with no binary floating point on the way in (SPEC §1).
public enum ExactDecimal {
    public enum Failure: Error, Equatable {
        case notADecimal
        case tooManyDecimals(Int)
        case outOfRange
    }

    /// Parses `text` as `value × 10^decimals`, accepting at most `decimals` fraction digits.
    /// Accepts an optional sign, digits, optional '.' and digits. No exponents, no spaces.
    public static func parse<S: StringProtocol>(_ text: S, decimals: Int) -> Result<Int64, Failure> {
        var s = Substring(text)
        var neg = false
        if s.first == "-" { neg = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let ip = parts[0]
        let fp = parts.count > 1 ? parts[1] : ""
        if ip.isEmpty && fp.isEmpty { return .failure(.notADecimal) }
        if parts.count > 1 && fp.isEmpty { return .failure(.notADecimal) }
        guard ip.allSatisfy({ $0.isASCII && $0.isNumber }), fp.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            return .failure(.notADecimal)
        }
        // Trailing zeros beyond the allowed decimals are harmless ("1.50" with 1 decimal is fine).
        var frac = Substring(fp)
        while frac.count > decimals, frac.last == "0" { frac = frac.dropLast() }
        if frac.count > decimals { return .failure(.tooManyDecimals(frac.count)) }
        var v: Int64 = 0
        for ch in ip {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(ch.asciiValue! - 48))
            if o1 || o2 { return .failure(.outOfRange) }
            v = a
        }
        var digits = Array(frac)
        while digits.count < decimals { digits.append("0") }
        for ch in digits {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(ch.asciiValue! - 48))
            if o1 || o2 { return .failure(.outOfRange) }
            v = a
        }
        return .success(neg ? -v : v)
    }

    /// Parses a plain decimal to Double via its exact scaled form (at most 12 decimals).
    public static func double<S: StringProtocol>(_ text: S, maxDecimals: Int = 12) -> Result<Double, Failure> {
        // Find the actual number of decimals to keep precision.
        let d = text.split(separator: ".").dropFirst().first.map { $0.count } ?? 0
        let dec = min(d, maxDecimals)
        switch parse(text, decimals: dec) {
        case .success(let v):
            var p = 1.0
            for _ in 0..<dec { p *= 10 }
            return .success(Double(v) / p)
        case .failure(let f): return .failure(f)
        }
    }
}
