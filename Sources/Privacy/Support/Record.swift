import GridClearCore
import Crypto

/// A versioned, checksummed, length-exact binary record:
/// `magic(4) ‖ version(1) ‖ body ‖ SHA-256("GridClear/record/v1" ‖ magic ‖ version ‖ body)[0..<8]`.
/// Parsing rejects wrong magic, version, length or checksum.
struct Record {
    static let checksumLength = 8

    static func encode(magic: String, version: UInt8, body: [UInt8]) -> [UInt8] {
        let m = Array(magic.utf8)
        precondition(m.count == 4)
        var out = m + [version] + body
        out += checksum(out)
        return out
    }

    /// Returns the body after validating magic, version and checksum.
    static func decode(_ bytes: [UInt8], magic: String, version: UInt8, what: String) throws -> [UInt8] {
        let m = Array(magic.utf8)
        guard bytes.count >= 5 + checksumLength else { throw PrivacyError.malformedEncoding("\(what): \(bytes.count) bytes is too short") }
        guard Array(bytes[0..<4]) == m else { throw PrivacyError.malformedEncoding("\(what): wrong magic (not a \(magic) record)") }
        guard bytes[4] == version else { throw PrivacyError.malformedEncoding("\(what): unsupported version \(bytes[4]) (expected \(version))") }
        let payloadEnd = bytes.count - checksumLength
        let expected = checksum(Array(bytes[0..<payloadEnd]))
        guard constantTimeEqual(expected, Array(bytes[payloadEnd...])) else { throw PrivacyError.malformedEncoding("\(what): checksum mismatch (corrupted)") }
        return Array(bytes[5..<payloadEnd])
    }

    private static func checksum(_ data: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: Array("GridClear/record/v1".utf8))
        h.update(data: data)
        return Array(h.finalize().prefix(checksumLength))
    }
}

/// Big-endian cursor over a byte array; every read is bounds-checked.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var offset = 0
    let what: String
    init(_ bytes: [UInt8], what: String) { self.bytes = bytes; self.what = what }
    var remaining: Int { bytes.count - offset }
    mutating func take(_ n: Int) throws -> [UInt8] {
        guard n >= 0, n <= remaining else { throw PrivacyError.malformedEncoding("\(what): truncated (wanted \(n) bytes, \(remaining) left)") }
        defer { offset += n }
        return Array(bytes[offset..<offset + n])
    }
    mutating func u8() throws -> UInt8 { try take(1)[0] }
    mutating func u16() throws -> Int { let b = try take(2); return Int(b[0]) << 8 | Int(b[1]) }
    mutating func u32() throws -> Int { let b = try take(4); return b.reduce(0) { $0 << 8 | Int($1) } }
    func expectEnd() throws { guard remaining == 0 else { throw PrivacyError.malformedEncoding("\(what): \(remaining) trailing bytes") } }
}

extension Array where Element == UInt8 {
    mutating func appendU16(_ v: Int) { append(UInt8(truncatingIfNeeded: v >> 8)); append(UInt8(truncatingIfNeeded: v)) }
    mutating func appendU32(_ v: Int) { for s in [24, 16, 8, 0] { append(UInt8(truncatingIfNeeded: v >> s)) } }
}
