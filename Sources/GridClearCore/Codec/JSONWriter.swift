/// A tiny ordered JSON writer: keys appear in insertion order, numbers as given text.
public struct JSONWriter: Sendable {
    private var parts: [String] = []
    private var compactParts: [String] = []
    public init() {}
    public mutating func add(_ key: String, raw: String) {
        parts.append(CanonicalText.jsonString(key) + ": " + raw)
        compactParts.append(CanonicalText.jsonString(key) + ":" + raw)
    }
    public mutating func add(_ key: String, _ s: String) { add(key, raw: CanonicalText.jsonString(s)) }
    public mutating func add(_ key: String, _ i: Int) { add(key, raw: String(i)) }
    public mutating func add(_ key: String, _ i: Int64) { add(key, raw: String(i)) }
    public mutating func add(_ key: String, _ x: Double, decimals: Int) { add(key, raw: CanonicalText.number(x, decimals: decimals)) }
    public mutating func add(_ key: String, _ b: Bool) { add(key, raw: b ? "true" : "false") }
    /// A nested object, rendered one level deeper.
    public mutating func add(_ key: String, object: JSONWriter, indent: Int = 1) { add(key, raw: object.render(indent: indent)) }
    public mutating func add(_ key: String, optional x: Double?, decimals: Int) {
        add(key, raw: x.map { CanonicalText.number($0, decimals: decimals) } ?? "null")
    }
    /// The object rendered with the given indentation level (2 spaces per level).
    public func render(indent: Int = 0) -> String {
        if parts.isEmpty { return "{}" }
        let pad = String(repeating: "  ", count: indent + 1), end = String(repeating: "  ", count: indent)
        return "{\n" + parts.map { pad + $0 }.joined(separator: ",\n") + "\n" + end + "}"
    }

    /// The object on one line with no spaces (JSON lines, logs): `{"a":1,"b":"x"}`.
    /// Nested objects added with `raw` keep their own rendering.
    public func renderCompact() -> String { "{" + compactParts.joined(separator: ",") + "}" }
}
