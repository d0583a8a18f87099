import GridClearCore

/// A JSON value that keeps numbers as their literal text (so decimals stay exact)
/// and remembers where every value started, for error messages.
public indirect enum JSONValue: Sendable, Equatable {
    case object([(key: String, value: JSONValue, line: Int, column: Int)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(x), .array(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        default: return false
        }
    }

    var typeName: String {
        switch self {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }
}

/// A strict RFC 8259 JSON parser over UTF-8 bytes that reports line and column.
struct JSONParser {
    private let bytes: [UInt8]
    private let file: String
    private var i = 0
    private var line = 1
    private var lineStart = 0

    init(_ bytes: [UInt8], file: String) { self.bytes = bytes; self.file = file }

    static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
        var p = JSONParser(bytes, file: file)
        // Skip a UTF-8 BOM.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3; p.lineStart = 3 }
        p.skipWS()
        let v = try p.value(depth: 0)
        p.skipWS()
        if p.i < bytes.count { throw p.error("unexpected text after the JSON value") }
        return v
    }

    var column: Int { i - lineStart + 1 }

    func error(_ msg: String) -> InputError { InputError(file: file, line: line, column: column, msg) }

    private mutating func skipWS() {
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1 } else if c == 0x0A { i += 1; line += 1; lineStart = i } else { break }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        guard depth < 64 else { throw error("JSON nested too deeply") }
        guard i < bytes.count else { throw error("expected a JSON value, found end of file") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("expected a JSON value")
        }
    }

    private mutating func literal(_ s: String) throws {
        let u = Array(s.utf8)
        guard i + u.count <= bytes.count, Array(bytes[i..<i + u.count]) == u else { throw error("expected '\(s)'") }
        i += u.count
    }

    private mutating func number() throws -> String {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int { let s = i; while i < bytes.count, (48...57).contains(bytes[i]) { i += 1 }; return i - s }
        guard i < bytes.count else { throw error("malformed number") }
        if bytes[i] == UInt8(ascii: "0") { i += 1 } else if digits() == 0 { throw error("malformed number") }
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") { i += 1; if digits() == 0 { throw error("malformed number: digits expected after '.'") } }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            if digits() == 0 { throw error("malformed number exponent") }
        }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private mutating func string() throws -> String {
        i += 1
        var out = [UInt8]()
        while true {
            guard i < bytes.count else { throw error("unterminated string") }
            let c = bytes[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c < 0x20 { throw error("control character in string") }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < bytes.count else { throw error("unterminated escape") }
                switch bytes[i] {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard i + 4 < bytes.count, let v = UInt32(String(decoding: bytes[i + 1...i + 4], as: UTF8.self), radix: 16) else {
                        throw error("malformed \\u escape")
                    }
                    i += 4
                    guard let sc = Unicode.Scalar(v) else { throw error("unsupported \\u escape (surrogate)") }
                    out.append(contentsOf: Array(String(Character(sc)).utf8))
                default: throw error("unknown escape")
                }
                i += 1
            } else { out.append(c); i += 1 }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        i += 1; skipWS()
        var items: [JSONValue] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
        while true {
            skipWS()
            items.append(try value(depth: depth + 1))
            skipWS()
            guard i < bytes.count else { throw error("unterminated array") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            throw error("expected ',' or ']' in array")
        }
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        i += 1; skipWS()
        var members: [(key: String, value: JSONValue, line: Int, column: Int)] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
        while true {
            skipWS()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let kl = line, kc = column
            let key = try string()
            if members.contains(where: { $0.key == key }) {
                throw InputError(file: file, line: kl, column: kc, "duplicate key '\(CanonicalText.echo(key))'")
            }
            skipWS()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw error("expected ':' after key '\(key)'") }
            i += 1; skipWS()
            let v = try value(depth: depth + 1)
            // Members carry the key's position: errors about a value point at its key.
            members.append((key, v, kl, kc))
            skipWS()
            guard i < bytes.count else { throw error("unterminated object") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            throw error("expected ',' or '}' in object")
        }
    }
}
