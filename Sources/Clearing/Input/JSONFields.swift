import GridClearCore

/// Typed access to the members of an input file's JSON with located errors: every failure is an
/// `InputError` naming the file and the line and column of the member being read.
struct JSONFields {
    let file: String
    var line = 1, column = 1
    init(file: String) { self.file = file }
    mutating func at(_ l: Int, _ c: Int) { line = l; column = c }
    func fail(_ msg: String) -> InputError { InputError(file: file, line: line, column: column, msg) }

    func text(_ v: JSONValue, _ key: String) throws -> String {
        switch v {
        case .string(let s): return s
        case .number(let s): return s
        default: throw fail("'\(key)' must be a decimal (string or number), found \(v.typeName)")
        }
    }
    func exact(_ v: JSONValue, _ key: String, decimals: Int) throws -> Int64 {
        let t = try text(v, key)
        switch ExactDecimal.parse(t, decimals: decimals) {
        case .success(let x): return x
        case .failure(.tooManyDecimals(let n)): throw fail("'\(key)' has \(n) decimals; at most \(decimals) allowed")
        case .failure: throw fail("'\(key)' must be a plain decimal like \"0.5\", found '\(CanonicalText.echo(t))'")
        }
    }
    func price(_ v: JSONValue, _ key: String) throws -> PriceTicks {
        let x = try exact(v, key, decimals: 4)
        guard x > 0 else { throw fail("'\(key)' must be a positive price in CNY/kWh") }
        guard x <= InputBounds.maxPriceTicks else { throw fail("'\(key)' must be at most 1000 CNY/kWh, found \(Units.priceString(x))") }
        return x
    }
    /// A non-negative amount per kWh (fee, levy) in ticks: at most 4 decimals, at most 1000 CNY/kWh.
    func fee(_ v: JSONValue, _ key: String) throws -> PriceTicks {
        let x = try exact(v, key, decimals: 4)
        guard x >= 0 else { throw fail("'\(key)' must not be negative") }
        guard x <= InputBounds.maxPriceTicks else { throw fail("'\(key)' must be at most 1000 CNY/kWh, found \(Units.priceString(x))") }
        return x
    }
    func decimal(_ v: JSONValue, _ key: String, min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false) throws -> Double {
        let x = Double(try exact(v, key, decimals: 6)) / 1e6
        if let min, x < min || (exclusiveMin && x == min) { throw fail("'\(key)' must be \(exclusiveMin ? ">" : ">=") \(min), found \(x)") }
        if let max, x > max { throw fail("'\(key)' must be <= \(max), found \(x)") }
        return x
    }
    func integer(_ v: JSONValue, _ key: String, min: Int, max: Int) throws -> Int {
        guard case .number(let t) = v, let x = Int(t) else { throw fail("'\(key)' must be an integer") }
        guard x >= min, x <= max else { throw fail("'\(key)' must be between \(min) and \(max), found \(x)") }
        return x
    }
    func string(_ v: JSONValue, _ key: String) throws -> String {
        guard case .string(let s) = v else { throw fail("'\(key)' must be a string, found \(v.typeName)") }
        return s
    }
    func object(_ v: JSONValue, _ key: String) throws -> [JSONReader.Member] {
        guard case .object(let m) = v else { throw fail("'\(key)' must be an object, found \(v.typeName)") }
        return m
    }
    func array(_ v: JSONValue, _ key: String) throws -> [JSONValue] {
        guard case .array(let a) = v else { throw fail("'\(key)' must be an array, found \(v.typeName)") }
        return a
    }
}
