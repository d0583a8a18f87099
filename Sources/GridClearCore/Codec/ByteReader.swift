/// Why canonical bytes were rejected. Every rejection names the offset (relative to the
/// start of the decoded value) so callers can report an absolute file offset.
public enum DecodeError: Error, Equatable, CustomStringConvertible, Sendable {
    case truncated(at: Int, need: Int)
    case lengthOverCap(at: Int, length: Int, cap: Int)
    case badTag(at: Int, tag: UInt8, what: String)
    case badText(at: Int)
    case nonCanonical(at: Int, what: String)
    case trailingBytes(at: Int, count: Int)

    public var offset: Int {
        switch self {
        case .truncated(let a, _), .lengthOverCap(let a, _, _), .badTag(let a, _, _),
             .badText(let a), .nonCanonical(let a, _), .trailingBytes(let a, _): return a
        }
    }

    public var description: String {
        switch self {
        case .truncated(let a, let n): return "truncated at +\(a) (need \(n) more bytes)"
        case .lengthOverCap(let a, let l, let c): return "length \(l) at +\(a) exceeds cap \(c)"
        case .badTag(let a, let t, let w): return "unknown \(w) tag \(t) at +\(a)"
        case .badText(let a): return "invalid UTF-8 text at +\(a)"
        case .nonCanonical(let a, let w): return "non-canonical \(w) at +\(a)"
        case .trailingBytes(let a, let n): return "\(n) trailing bytes at +\(a)"
        }
    }
}

/// Reader for `ByteWriter` output. Never traps on hostile input: every read checks bounds
/// and every length against a cap, and throws `DecodeError` instead.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var position: Int
    /// Largest accepted length prefix.
    public var cap: Int

    public init(_ bytes: [UInt8], cap: Int = 64 << 20) { self.bytes = bytes; self.position = 0; self.cap = cap }

    public var remaining: Int { bytes.count - position }

    mutating func need(_ n: Int) throws {
        guard n >= 0, remaining >= n else { throw DecodeError.truncated(at: position, need: n - remaining) }
    }
    public mutating func u8() throws -> UInt8 { try need(1); defer { position += 1 }; return bytes[position] }
    public mutating func u16() throws -> UInt16 { try UInt16(uint(2)) }
    public mutating func u32() throws -> UInt32 { try UInt32(uint(4)) }
    public mutating func u64() throws -> UInt64 { try uint(8) }
    public mutating func i64() throws -> Int64 { Int64(bitPattern: try uint(8)) }
    public mutating func i128() throws -> Int128 {
        let hi = try i64(), lo = try u64()
        return Int128(hi) << 64 | Int128(lo)
    }
    /// A boolean written by `ByteWriter.bool`; any byte but 0 or 1 is non-canonical.
    public mutating func bool() throws -> Bool {
        let at = position
        switch try u8() {
        case 0: return false
        case 1: return true
        case let t: throw DecodeError.badTag(at: at, tag: t, what: "boolean")
        }
    }
    mutating func uint(_ n: Int) throws -> UInt64 {
        try need(n)
        var v: UInt64 = 0
        for i in 0..<n { v = (v << 8) | UInt64(bytes[position + i]) }
        position += n
        return v
    }
    public mutating func raw(_ n: Int) throws -> [UInt8] {
        try need(n)
        defer { position += n }
        return Array(bytes[position..<position + n])
    }
    /// Length-prefixed bytes; the length must not exceed `max` (default: the reader's cap).
    public mutating func blob(max: Int? = nil) throws -> [UInt8] {
        let at = position
        let n = Int(try u32())
        let limit = Swift.min(max ?? cap, cap)
        guard n <= limit else { throw DecodeError.lengthOverCap(at: at, length: n, cap: limit) }
        return try raw(n)
    }
    public mutating func text(max: Int? = nil) throws -> String {
        let range = try textRange(max: max)
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[range]), as: UTF8.self) }
    }

    /// Length-prefixed UTF-8 text, validated exactly as `text` does but not made into a
    /// `String`: its byte range in `bytes` (for readers that hash or skip stored text).
    public mutating func textRange(max: Int? = nil) throws -> Range<Int> {
        let at = position
        let n = Int(try u32())
        let limit = Swift.min(max ?? cap, cap)
        guard n <= limit else { throw DecodeError.lengthOverCap(at: at, length: n, cap: limit) }
        try need(n)
        let start = position
        // ASCII — every id, number and name a ledger holds — is valid UTF-8 as it is; anything
        // else is validated.
        let valid: Bool = bytes.withUnsafeBufferPointer { b in
            let field = UnsafeBufferPointer(rebasing: b[start..<start + n])
            return field.allSatisfy({ $0 < 0x80 }) || String(validating: field, as: UTF8.self) != nil
        }
        guard valid else { throw DecodeError.badText(at: at) }
        position += n
        return start..<start + n
    }

    /// Moves past `n` bytes (they must be there).
    public mutating func skip(_ n: Int) throws {
        try need(n)
        position += n
    }

    public mutating func optionalBlob() throws -> [UInt8]? {
        let at = position
        switch try u8() {
        case 0: return nil
        case 1: return try blob()
        case let t: throw DecodeError.badTag(at: at, tag: t, what: "presence")
        }
    }
    /// Throws unless every byte was consumed (canonical encodings have no slack).
    public func finish() throws {
        guard remaining == 0 else { throw DecodeError.trailingBytes(at: position, count: remaining) }
    }
}
