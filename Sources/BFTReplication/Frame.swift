import GridClearCore

/// One unit on a BFT TCP connection: a kind byte, the payload length, the CRC-32C of the
/// payload, then the payload.
///
///     u8 kind | u32 length | u32 crc32c(payload) | payload
///
/// Peer frames carry one `SignedMessage` encoding (authenticated by its signature, not by the
/// connection); client frames carry a `ClientQuery` or `ClientAnswer`.
public struct Frame: Sendable, Equatable {
    public enum Kind: UInt8, Sendable { case peer = 1, query = 2, answer = 3 }
    public var kind: Kind
    public var payload: [UInt8]
    public init(kind: Kind, payload: [UInt8]) { self.kind = kind; self.payload = payload }

    public static let headerSize = 9

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.u8(kind.rawValue); w.u32(UInt32(payload.count)); w.u32(CRC32C.checksum(payload)); w.raw(payload)
        return w.bytes
    }
}

/// Why a connection was closed by the frame reader. The reader never allocates more than
/// `maxFrameBytes` + header for one frame.
public enum FrameError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownKind(UInt8)
    case tooLarge(length: Int, cap: Int)
    case badChecksum
    case notAllowed(Frame.Kind)

    public var description: String {
        switch self {
        case .unknownKind(let k): return "unknown frame kind \(k)"
        case .tooLarge(let n, let cap): return "frame of \(n) bytes over the \(cap)-byte limit"
        case .badChecksum: return "frame checksum does not match"
        case .notAllowed(let k): return "frame kind \(k) not allowed on this connection"
        }
    }
}

/// Incremental, pure frame reader: bytes in, whole frames out. After an error the connection
/// must be closed (the stream position is lost).
public struct FrameReader: Sendable {
    public let maxFrameBytes: Int
    public let allowed: Set<Frame.Kind>
    var buffer: [UInt8] = []
    var start = 0

    public init(maxFrameBytes: Int, allowed: Set<Frame.Kind>) { self.maxFrameBytes = maxFrameBytes; self.allowed = allowed }

    /// Bytes of an incomplete frame held (0 between frames).
    public var pendingBytes: Int { buffer.count - start }

    public mutating func push(_ bytes: [UInt8]) throws(FrameError) -> [Frame] {
        buffer += bytes
        var out: [Frame] = []
        while buffer.count - start >= Frame.headerSize {
            let k = buffer[start]
            guard let kind = Frame.Kind(rawValue: k) else { throw .unknownKind(k) }
            guard allowed.contains(kind) else { throw .notAllowed(kind) }
            let len = Int(be32(start + 1)), crc = be32(start + 5)
            guard len <= maxFrameBytes else { throw .tooLarge(length: len, cap: maxFrameBytes) }
            guard buffer.count - start - Frame.headerSize >= len else { break }
            let p = Array(buffer[(start + Frame.headerSize)..<(start + Frame.headerSize + len)])
            guard CRC32C.checksum(p) == crc else { throw .badChecksum }
            out.append(Frame(kind: kind, payload: p))
            start += Frame.headerSize + len
        }
        if start > 0 && (start == buffer.count || start > 1 << 16) {
            buffer.removeFirst(start); start = 0
        }
        return out
    }

    func be32(_ i: Int) -> UInt32 {
        UInt32(buffer[i]) << 24 | UInt32(buffer[i + 1]) << 16 | UInt32(buffer[i + 2]) << 8 | UInt32(buffer[i + 3])
    }
}
