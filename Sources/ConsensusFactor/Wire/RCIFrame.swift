import GridClearCore

/// Frame encoding: length-capped, versioned, CRC-checked.
///
/// The version changes with every incompatible change of the messages or of the handshake
/// order: 3 = the acceptor (platform or generator) answers every dialer's challenge with a
/// signed acceptance, and per-iteration contributions and bundles carry Ed25519 signatures
/// (issue 19). A frame of another version is refused with one line naming both versions.
public enum RCIFrame {
    public static let version: UInt8 = 3
    public static let maxLength = 4 << 20 + 16

    public static func encode(_ m: RCIMessage) throws -> [UInt8] {
        var inner = ByteWriter()
        inner.u8(version); inner.u8(m.typeCode)
        m.encodeBody(into: &inner)
        guard inner.bytes.count + 4 <= maxLength else {
            throw RCIError.protocolViolation("\(m.kind) message of \(inner.bytes.count) bytes exceeds the frame limit \(maxLength)")
        }
        var w = ByteWriter(reservingCapacity: inner.bytes.count + 8)
        w.u32(UInt32(inner.bytes.count + 4))
        w.raw(inner.bytes)
        w.u32(CRC32.checksum(inner.bytes))
        return w.bytes
    }

    /// Decodes the part after the length prefix.
    public static func decode(_ frame: [UInt8]) throws -> RCIMessage {
        guard frame.count >= 6 else { throw RCIError.protocolViolation("frame of \(frame.count) bytes") }
        let inner = frame[0..<frame.count - 4]
        let crc = frame[(frame.count - 4)...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard CRC32.checksum(inner) == crc else { throw RCIError.protocolViolation("frame checksum mismatch") }
        guard inner[inner.startIndex] == version else {
            throw RCIError.versionMismatch(peer: inner[inner.startIndex], ours: version)
        }
        return try RCIMessage.decode(type: inner[inner.startIndex + 1], body: Array(inner.dropFirst(2)))
    }
}
