import GridClearCore
import Crypto

/// The value of `block/<h>`: how to get block h's payload (the SPEC §6 block encoding) out of
/// etcd. Small payloads are inline; larger ones are split in chunks of at most
/// `BlockRecord.chunkBytes` written before the commit transaction, under the committing
/// leader's election revision (a fenced leader's chunks can never be named by a record).
///
/// Encoding (big-endian): magic `GCB1` | u64 payload length | 32-byte SHA-256 of the payload |
/// i64 election revision | u32 chunk count (0 = inline) | inline payload bytes.
/// Guarantees: `decode(encode(r)) == r`; `assemble` returns the payload only if its length
/// and SHA-256 match the record.
public struct BlockRecord: Sendable, Equatable {
    /// etcd refuses requests over 1.5 MiB by default (`--max-request-bytes`); a chunk
    /// (plus key and JSON/base64 framing, which the gateway strips) stays far below it.
    public static let chunkBytes = 1 << 20
    static let magic: [UInt8] = Array("GCB1".utf8)

    public var length: UInt64
    public var sha256: [UInt8]
    public var electionRevision: Int64
    public var chunkCount: UInt32
    public var inline: [UInt8]

    /// The record for `payload`, and the chunks to write first (empty when inline).
    public static func make(payload: [UInt8], electionRevision: Int64, chunkBytes: Int = BlockRecord.chunkBytes) -> (BlockRecord, [[UInt8]]) {
        let digest = Array(SHA256.hash(data: payload))
        if payload.count <= chunkBytes {
            return (BlockRecord(length: UInt64(payload.count), sha256: digest, electionRevision: electionRevision, chunkCount: 0, inline: payload), [])
        }
        var chunks: [[UInt8]] = []
        var at = 0
        while at < payload.count {
            let end = min(payload.count, at + chunkBytes)
            chunks.append(Array(payload[at..<end])); at = end
        }
        return (BlockRecord(length: UInt64(payload.count), sha256: digest, electionRevision: electionRevision,
                            chunkCount: UInt32(chunks.count), inline: []), chunks)
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter()
        w.raw(BlockRecord.magic); w.u64(length); w.raw(sha256); w.i64(electionRevision); w.u32(chunkCount); w.raw(inline)
        return w.bytes
    }

    public static func decode(_ bytes: [UInt8]) throws -> BlockRecord {
        var r = ByteReader(bytes, cap: bytes.count)
        guard try r.raw(4) == magic else { throw ReplicationError.badRecord("not a GridClear block record (magic)") }
        let len = try r.u64(), sha = try r.raw(32), rev = try r.i64(), n = try r.u32()
        let inline = try r.raw(r.remaining)
        guard n > 0 || UInt64(inline.count) == len else { throw ReplicationError.badRecord("inline payload of \(inline.count) bytes, record says \(len)") }
        return BlockRecord(length: len, sha256: sha, electionRevision: rev, chunkCount: n, inline: inline)
    }

    /// The payload from the inline bytes or the chunks (in index order), checked.
    public func assemble(chunks: [[UInt8]]) throws -> [UInt8] {
        let payload: [UInt8]
        if chunkCount == 0 { payload = inline } else {
            guard chunks.count == Int(chunkCount) else {
                throw ReplicationError.badRecord("\(chunks.count) of \(chunkCount) chunks present")
            }
            payload = chunks.flatMap { $0 }
        }
        guard UInt64(payload.count) == length, Array(SHA256.hash(data: payload)) == sha256 else {
            throw ReplicationError.badRecord("payload length or SHA-256 does not match its record")
        }
        return payload
    }
}
