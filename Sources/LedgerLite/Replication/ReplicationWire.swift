import GridClearCore

/// The one place the replication layer touches byte encoding: domain labels, the message
/// version, caps, and small helpers over the ledger's canonical `ByteWriter`/`ByteReader`
/// (big-endian, u32 length prefixes). Swapping the codec means editing this file only.
public enum ReplicationWire {
    /// Version byte of every envelope and persisted state.
    public static let version: UInt8 = 1
    /// Domain label of a replica's signature over one protocol message.
    public static let messageLabel = "GridClear/pbft/v1/message"
    /// Largest encoded message accepted (a block batch for state transfer is the largest).
    public static let maxMessageBytes = 256 << 20
    /// Largest message a replica sends to a peer: the transport's frame limit
    /// (`TransportLimits.maxPeerFrameBytes`). Blocks are cut so that every message carrying
    /// them fits (`BlockBudget`).
    public static let maxFrameBytes = 64 << 20
    /// Largest number of items in any list of a message (votes, certificates, blocks).
    public static let maxItems = 4096

    /// The bytes a replica signs for a message: label, NUL, committee, sender, kind, body.
    /// Binding the committee id and epoch separates chains, shards and epochs; binding the
    /// kind separates a prepare from a commit with the same body.
    public static func signingBytes(committee: CommitteeID, sender: ReplicaID, kind: UInt8, body: [UInt8]) -> [UInt8] {
        var w = ByteWriter()
        w.raw(Array(messageLabel.utf8)); w.u8(0)
        w.text(committee.chain); w.u64(committee.epoch)
        w.u16(sender); w.u8(kind); w.blob(body)
        return w.bytes
    }
}

extension ByteWriter {
    /// A list: u32 count then each element.
    mutating func list<T>(_ xs: [T], _ each: (inout ByteWriter, T) -> Void) {
        u32(UInt32(xs.count)); for x in xs { each(&self, x) }
    }
}

extension ByteReader {
    /// A list written by `ByteWriter.list`, with the count checked against `ReplicationWire.maxItems`
    /// and the bytes left (each element needs at least `minSize` bytes) before anything is allocated.
    mutating func list<T>(minSize: Int = 1, _ each: (inout ByteReader) throws -> T) throws -> [T] {
        let at = position
        let n = Int(try u32())
        guard n <= ReplicationWire.maxItems, n <= remaining / max(1, minSize) else {
            throw DecodeError.lengthOverCap(at: at, length: n, cap: min(ReplicationWire.maxItems, remaining / max(1, minSize)))
        }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try each(&self)) }
        return out
    }
    mutating func digest() throws -> [UInt8] { try raw(32) }
    mutating func signature() throws -> [UInt8] { try raw(64) }
}

/// Why the replication layer rejected something. Hostile input is always reported with one
/// of these (as a `ReplicaEvent.dropped`), never a trap.
public enum ReplicationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidCommittee(String)
    case decode(String)
    case wrongCommittee(expected: CommitteeID, got: CommitteeID)
    case unknownSender(ReplicaID)
    case badSignature(sender: ReplicaID, kind: String)
    case invalid(String)
    case signingFailed(String)

    public var description: String {
        switch self {
        case .invalidCommittee(let m): return "invalid committee: \(m)"
        case .decode(let m): return "undecodable message: \(m)"
        case .wrongCommittee(let e, let g): return "message for committee \(g), this replica is in \(e)"
        case .unknownSender(let r): return "sender \(r) is not a committee member"
        case .badSignature(let r, let k): return "\(k) from replica \(r): signature does not verify"
        case .invalid(let m): return m
        case .signingFailed(let m): return "signing failed: \(m)"
        }
    }
}
