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

extension Record {
    /// Parses a record body with the core `ByteReader`, which must consume every byte; a
    /// truncated body or trailing bytes become `PrivacyError.malformedEncoding` naming `what`.
    static func read<T>(_ body: [UInt8], what: String, _ parse: (inout ByteReader) throws -> T) throws -> T {
        var r = ByteReader(body)
        do {
            let v = try parse(&r)
            try r.finish()
            return v
        } catch let e as DecodeError {
            throw PrivacyError.malformedEncoding("\(what): \(e)")
        }
    }
}
