/// A JSON tree for the requests GridClear sends to the etcd v3 gateway, rendered compactly.
/// Output only: answers are read with GridClearCore's `JSONReader`. Pure.
///
/// Guarantees: object members keep their order; strings are escaped per RFC 8259; `.base64`
/// bytes are written straight into the output as a base64 string (no intermediate copy).
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

}
