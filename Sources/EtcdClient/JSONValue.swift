/// A JSON value, as the etcd v3 gateway sends and receives it. Pure: no Foundation.
///
/// Guarantees: `JSONValue.parse(v.rendered()) == v` for every value built from finite
/// numbers; object keys keep their order (the gateway never repeats a key); parse errors
/// carry the byte offset.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Numbers are kept as their source text (etcd sends int64 values as strings anyway).
    case number(String)
    case string(String)
    /// Bytes to be sent as a base64 string (written straight into the output; parsing
    /// yields `.string`).
    case base64([UInt8])
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.base64(let x), .base64(let y)): return x == y
        case (.base64(let x), .string(let y)), (.string(let y), .base64(let x)): return Base64.encode(x) == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var string: String? {
        switch self {
        case .string(let s): return s
        case .base64(let b): return Base64.encode(b)
        default: return nil
        }
    }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// An int64 sent either as a JSON number or (proto3 JSON mapping) as a decimal string.
    public var int64: Int64? {
        switch self {
        case .number(let s), .string(let s): return Int64(s)
        default: return nil
        }
    }

    /// Compact rendering (no spaces).
    public func rendered() -> String { String(decoding: renderedBytes(), as: UTF8.self) }

    /// Compact rendering as UTF-8 bytes (what goes on the wire).
    public func renderedBytes() -> [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let b): out += Array((b ? "true" : "false").utf8)
        case .number(let s): out += Array(s.utf8)
        case .string(let s): JSONValue.quote(s, into: &out)
        case .base64(let b): out.append(0x22); Base64.encode(b, into: &out); out.append(0x22)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() { if i > 0 { out.append(UInt8(ascii: ",")) }; v.write(into: &out) }
            out.append(UInt8(ascii: "]"))
        case .object(let m):
            out.append(UInt8(ascii: "{"))
            for (i, kv) in m.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.quote(kv.0, into: &out)
                out.append(UInt8(ascii: ":"))
                kv.1.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func quote(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        out.reserveCapacity(out.count + s.utf8.count + 1)
        for u in s.utf8 {
            switch u {
            case 0x22: out += [0x5C, 0x22]
            case 0x5C: out += [0x5C, 0x5C]
            case 0x0A: out += [0x5C, UInt8(ascii: "n")]
            case 0x0D: out += [0x5C, UInt8(ascii: "r")]
            case 0x09: out += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(u >> 4)], hex[Int(u & 15)]]
            default: out.append(u)
            }
        }
        out.append(0x22)
    }

    /// Parses one JSON document (surrounding whitespace allowed).
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        var p = JSONParser(bytes: bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.at == bytes.count else { throw JSONParseError(offset: p.at, "trailing bytes after the JSON value") }
        return v
    }
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue { try parse(Array(text.utf8)) }
}

/// A JSON document that does not parse: where and why.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public init(offset: Int, _ reason: String) { self.offset = offset; self.reason = reason }
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

struct JSONParser {
    let bytes: [UInt8]
    var at = 0
    static let maxDepth = 64

    mutating func skipSpace() {
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x0A || bytes[at] == 0x0D || bytes[at] == 0x09 { at += 1 }
    }

    mutating func expect(_ word: String, _ v: JSONValue) throws(JSONParseError) -> JSONValue {
        for u in word.utf8 {
            guard at < bytes.count, bytes[at] == u else { throw JSONParseError(offset: at, "expected \(word)") }
            at += 1
        }
        return v
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw JSONParseError(offset: at, "nested deeper than \(JSONParser.maxDepth)") }
        guard at < bytes.count else { throw JSONParseError(offset: at, "unexpected end") }
        switch bytes[at] {
        case UInt8(ascii: "{"):
            at += 1; skipSpace()
            var members: [(String, JSONValue)] = []
            if at < bytes.count, bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
            while true {
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw JSONParseError(offset: at, "expected a member name") }
                let k = try string()
                skipSpace()
                guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw JSONParseError(offset: at, "expected ':'") }
                at += 1; skipSpace()
                members.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard at < bytes.count else { throw JSONParseError(offset: at, "unterminated object") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "}") { at += 1; return .object(members) }
                throw JSONParseError(offset: at, "expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            at += 1; skipSpace()
            var items: [JSONValue] = []
            if at < bytes.count, bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard at < bytes.count else { throw JSONParseError(offset: at, "unterminated array") }
                if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
                if bytes[at] == UInt8(ascii: "]") { at += 1; return .array(items) }
                throw JSONParseError(offset: at, "expected ',' or ']'")
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        default:
            let start = at
            while at < bytes.count, (bytes[at] >= 0x30 && bytes[at] <= 0x39) || bytes[at] == UInt8(ascii: "-")
                    || bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: ".") || bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
                at += 1
            }
            guard at > start else { throw JSONParseError(offset: at, "unexpected byte \(bytes[at])") }
            return .number(String(decoding: bytes[start..<at], as: UTF8.self))
        }
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard at + 4 <= bytes.count else { throw JSONParseError(offset: at, "short \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[at]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw JSONParseError(offset: at, "bad hex digit in \\u escape")
            }
            v = v * 16 + d; at += 1
        }
        return v
    }

    mutating func string() throws(JSONParseError) -> String {
        at += 1  // opening quote
        // Fast path: no escape before the closing quote (every base64 value).
        let start = at
        let end: Int? = bytes.withUnsafeBufferPointer { b in
            var i = start
            while i < b.count {
                let c = b[i]
                if c == 0x22 { return i }
                if c == 0x5C { return nil }
                i += 1
            }
            return nil
        }
        if let end {
            at = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }
        var out: [UInt8] = []
        while true {
            guard at < bytes.count else { throw JSONParseError(offset: at, "unterminated string") }
            let c = bytes[at]; at += 1
            if c == UInt8(ascii: "\"") { break }
            if c != UInt8(ascii: "\\") { out.append(c); continue }
            guard at < bytes.count else { throw JSONParseError(offset: at, "unterminated escape") }
            let e = bytes[at]; at += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if scalar >= 0xD800 && scalar < 0xDC00, at + 6 <= bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") {
                    at += 2
                    let low = try hex4()
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low &- 0xDC00)
                }
                out += Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8)
            default: throw JSONParseError(offset: at - 1, "bad escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
