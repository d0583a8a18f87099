import GridClearCore
import GridClearSystem
import LedgerLite

/// What a replica's driver needs of its ledger: the chain state (tip, recorded cycles),
/// durable appends of certified blocks, and reading certified blocks back for state transfer.
public protocol ReplicaLedger: AnyObject {
    var state: ChainState { get }
    /// Appends blocks (each with its commit certificate); durable when it returns.
    func append(_ blocks: [CertifiedBlock]) throws
    /// Certified blocks from `height` on, at most `limit` and about `maxBytes` (at least one).
    func certifiedBlocks(from height: UInt64, limit: Int, maxBytes: Int) throws -> [CertifiedBlock]
    /// The block at `height` (nil above the head).
    func block(at height: UInt64) throws -> Block?
}

/// A replica ledger on disk: the ordinary ledger (`LedgerStore`, `blocks.gcl`, byte-identical
/// on every replica) plus a certificate file beside it (`<ledger>.certs`: one record per block
/// height ≥ 1, `u32 length | u32 crc32c | QuorumCertificate`). The certificate is written
/// (fsync) before the block, so on open the certificate file can only be longer than the ledger
/// by trailing records, which are cut back.
public final class CertifiedLedgerStore: ReplicaLedger {
    public let store: LedgerStore
    public let certPath: String
    let certs: AppendFile
    /// Byte offset of each certificate record (index h − 1 for height h).
    var offsets: [Int] = []
    var cache: [UInt64: Block] = [:]

    public init(directory: String) throws {
        store = try LedgerStore(directory: directory, create: true)
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        certPath = d + ".certs"
        certs = try AppendFile(path: certPath, exclusive: true)
        let bytes = try certs.readAll()
        var at = 0
        let blocks = Int(store.state.lastHeight ?? 0)
        while offsets.count < blocks, at + 8 <= bytes.count {
            let len = Int(UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))
            guard at + 8 + len <= bytes.count else { break }
            offsets.append(at); at += 8 + len
        }
        guard offsets.count == blocks else {
            throw BFTError.ledger("\(certPath) holds certificates for \(offsets.count) blocks, the ledger has \(blocks): copy the ledger directory and its .certs file together from a peer")
        }
        if at < bytes.count { try certs.truncate(to: at) }
        self.certBytes = Array(bytes[0..<at])
    }

    var certBytes: [UInt8]

    /// Writes the committee's genesis block into an empty ledger, or checks that the ledger
    /// starts with it.
    public func start(genesis: Block, expectedHash: [UInt8]) throws {
        guard LedgerHash.blockHash(genesis.header) == expectedHash, genesis.header.height == 0 else {
            throw BFTError.ledger("the genesis block file does not have the hash cluster.json names")
        }
        if store.state.nextHeight == 0 { try store.append([genesis]); return }
        guard let g = try store.block(at: 0), LedgerHash.blockHash(g.header) == expectedHash else {
            throw BFTError.ledger("\(store.directory) starts with another genesis block than cluster.json names (a ledger of another committee?)")
        }
    }

    public var state: ChainState { store.state }

    public func append(_ blocks: [CertifiedBlock]) throws {
        guard !blocks.isEmpty else { return }
        var out: [UInt8] = []
        var offs: [Int] = []
        for b in blocks {
            let q = b.certificate.encoded()
            var w = ByteWriter()
            w.u32(UInt32(q.count)); w.u32(CRC32C.checksum(q)); w.raw(q)
            offs.append(certBytes.count + out.count)
            out += w.bytes
        }
        try certs.append(out)
        do { try store.append(blocks.map(\.block)) } catch {
            try? certs.truncate(to: certBytes.count)
            throw error
        }
        certBytes += out
        offsets += offs
        for b in blocks { cache[b.height] = b.block }
        if cache.count > 64 { for k in cache.keys.sorted().prefix(cache.count - 64) { cache[k] = nil } }
    }

    func certificate(at h: UInt64) throws -> QuorumCertificate {
        let at = offsets[Int(h) - 1]
        let len = Int(UInt32(certBytes[at]) << 24 | UInt32(certBytes[at + 1]) << 16 | UInt32(certBytes[at + 2]) << 8 | UInt32(certBytes[at + 3]))
        return try QuorumCertificate.decode(Array(certBytes[(at + 8)..<(at + 8 + len)]))
    }

    public func block(at h: UInt64) throws -> Block? {
        if let b = cache[h] { return b }
        return try store.block(at: h)
    }

    public func certifiedBlocks(from height: UInt64, limit: Int, maxBytes: Int) throws -> [CertifiedBlock] {
        guard let last = store.state.lastHeight, height >= 1, height <= last else { return [] }
        var out: [CertifiedBlock] = []
        var bytes = 0
        // One read of the file for everything not cached.
        var all: [Block]?
        for h in height...last {
            guard out.count < limit, bytes < maxBytes else { break }
            var b = cache[h]
            if b == nil {
                if all == nil { all = try readAll() }
                b = all?[Int(h)]
            }
            guard let b else { break }
            out.append(CertifiedBlock(block: b, certificate: try certificate(at: h)))
            bytes += b.encoded().count
        }
        return out
    }

    func readAll() throws -> [Block] {
        let bytes = try FileSystem.read(store.path, maxBytes: Int.max)
        return try RecordScanner.scan(bytes).records.map { try Block.decode($0.payload) }
    }
}
