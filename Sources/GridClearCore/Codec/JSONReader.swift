/// A strict RFC 8259 JSON reader over UTF-8 bytes: the one JSON parser GridClear needs
/// (trade proofs today; market files, cluster files and gateway replies can use it too).
/// Numbers stay as their literal text, so decimals stay exact; objects keep their key order
/// and every member remembers where its key starts, for located error messages.
///
/// Guarantees: never traps on any input; nesting is capped at `maxDepth`; a duplicate key is
/// an error (no silent last-wins); a leading UTF-8 byte-order mark is skipped; an error names
/// the byte offset, line and column (1-based) where the document stops being JSON.
public enum JSONReader {
    public static let maxDepth = 64

    public indirect enum Value: Sendable, Equatable {
        case object([Member])
        case array([Value])
        case string(String)
        case number(String)
        case bool(Bool)
        case null

        /// The value of the first member named `key` of an object, or nil.
        public subscript(key: String) -> Value? {
            guard case .object(let ms) = self else { return nil }
            return ms.first { $0.key == key }?.value
        }
        public var string: String? { if case .string(let s) = self { return s }; return nil }
        public var array: [Value]? { if case .array(let a) = self { return a }; return nil }
        /// The number as an integer when its literal is one (no fraction, no exponent).
        public var int64: Int64? { if case .number(let n) = self { return Int64(n) }; return nil }
        public var uint64: UInt64? { if case .number(let n) = self { return UInt64(n) }; return nil }
    }

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: Value
        /// Where the member's key starts (1-based line and column).
        public var line: Int
        public var column: Int
    }

    public struct Error: Swift.Error, CustomStringConvertible, Sendable, Equatable {
        public var offset: Int
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> Value {
        var p = Parser(b: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { p.i = 3; p.lineStart = 3 }
        p.ws()
        let v = try p.value(depth: 0)
        p.ws()
        guard p.i == bytes.count else { throw p.fail("unexpected text after the JSON value") }
        return v
    }

    private struct Parser {
        let b: [UInt8]
        var i = 0
        var line = 1
        var lineStart = 0

        var column: Int { i - lineStart + 1 }
        func fail(_ m: String) -> Error { Error(offset: i, line: line, column: column, message: m) }

        mutating func ws() {
            while i < b.count {
                switch b[i] {
                case 0x20, 0x09, 0x0D: i += 1
                case 0x0A: i += 1; line += 1; lineStart = i
                default: return
                }
            }
        }

        mutating func literal(_ word: String, _ v: Value) throws(Error) -> Value {
            let w = Array(word.utf8)
            guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw fail("expected a JSON value") }
            i += w.count
            return v
        }

        mutating func value(depth: Int) throws(Error) -> Value {
            guard depth < JSONReader.maxDepth else { throw fail("nesting deeper than \(JSONReader.maxDepth)") }
            guard i < b.count else { throw fail("unexpected end of the document") }
            switch b[i] {
            case UInt8(ascii: "{"):
                i += 1; ws()
                var ms: [Member] = []
                if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(ms) }
                while true {
                    ws()
                    guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a member name in quotes") }
                    let (kl, kc, at) = (line, column, i)
                    let k = try string()
                    if ms.contains(where: { $0.key == k }) {
                        throw Error(offset: at, line: kl, column: kc, message: "duplicate key '\(k)'")
                    }
                    ws()
                    guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':' after a member name") }
                    i += 1; ws()
                    ms.append(Member(key: k, value: try value(depth: depth + 1), line: kl, column: kc))
                    ws()
                    guard i < b.count else { throw fail("unterminated object") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "}") { i += 1; return .object(ms) }
                    throw fail("expected ',' or '}' in an object")
                }
            case UInt8(ascii: "["):
                i += 1; ws()
                var vs: [Value] = []
                if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(vs) }
                while true {
                    ws()
                    vs.append(try value(depth: depth + 1))
                    ws()
                    guard i < b.count else { throw fail("unterminated array") }
                    if b[i] == UInt8(ascii: ",") { i += 1; continue }
                    if b[i] == UInt8(ascii: "]") { i += 1; return .array(vs) }
                    throw fail("expected ',' or ']' in an array")
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return .number(try number())
            }
        }

        mutating func digits() -> Int {
            let s = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { i += 1 }
            return i - s
        }

        mutating func number() throws(Error) -> String {
            let start = i
            if i < b.count, b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < b.count, b[i] >= 0x30, b[i] <= 0x39 else { throw fail("expected a JSON value") }
            if b[i] == 0x30 { i += 1 } else { _ = digits() }
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { throw fail("expected digits after '.'") }
            }
            if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { throw fail("expected digits in the exponent") }
            }
            return String(decoding: b[start..<i], as: UTF8.self)
        }

        mutating func hex4() throws(Error) -> UInt32 {
            guard i + 4 <= b.count else { throw fail("truncated \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = b[i]
                let d: UInt32
                switch c {
                case 0x30...0x39: d = UInt32(c - 0x30)
                case 0x61...0x66: d = UInt32(c - 0x57)
                case 0x41...0x46: d = UInt32(c - 0x37)
                default: throw fail("bad hex digit in a \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        /// A string starting at the opening quote; raw bytes must be valid UTF-8.
        mutating func string() throws(Error) -> String {
            i += 1
            var out: [UInt8] = []
            while true {
                guard i < b.count else { throw fail("unterminated string") }
                let c = b[i]
                if c == UInt8(ascii: "\"") { i += 1; break }
                if c < 0x20 { throw fail("control character in a string (escape it)") }
                if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
                i += 1
                guard i < b.count else { throw fail("unterminated escape") }
                let e = b[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var u = try hex4()
                    if (0xD800..<0xDC00).contains(u) {
                        guard i + 2 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else { throw fail("lone surrogate in a \\u escape") }
                        i += 2
                        let lo = try hex4()
                        guard (0xDC00..<0xE000).contains(lo) else { throw fail("bad surrogate pair in a \\u escape") }
                        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(u) else { throw fail("lone surrogate in a \\u escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw fail("unknown escape '\\\(Character(Unicode.Scalar(e)))'")
                }
            }
            guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
            return s
        }
    }
}
