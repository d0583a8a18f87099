import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// A replica's ledger directory in BFT mode: `blocks.gcl` (the embedded ledger format,
/// byte-identical on every replica) and `certificates.gcl` (one commit certificate per block
/// above genesis, see `CertificateFrame`), both exclusively locked while open.
///
/// Guarantees:
/// - `appendCommitted` verifies each block against the chain and its certificate against the
///   membership in force at its height (`Membership`), writes the certificates (fsync), then
///   the blocks (fsync), and returns only then; nothing is written when any check fails;
/// - after a crash between the two writes, opening drops the certificates above the last
///   block (they certify nothing in this ledger); a block without a certificate is damage;
/// - the genesis block is the cluster's (`ClusterConfig.genesis`): a new ledger starts with
///   exactly its bytes, an existing one must start with it.
/// `replay`, `proof` and `audit` read the directory like an embedded ledger.
public final class ReplicatedLedger {
    public let directory: String
    public let store: LedgerStore
    public let certificates: CertificateLog
    /// The membership after the last block: `membership.committee` must certify the next one.
    public private(set) var membership: Membership
    public let scheme: SignatureScheme
    /// Participants' reputation after the last block: the fold of its reputation-change
    /// entries, kept up to date by every append (`ReplicatedLedger+Reputation`).
    public private(set) var reputation = ReputationSnapshot()

    /// Opens (creating on first use with `genesis`) the replica ledger in `directory`.
    public init(directory: String, genesis: Block, scheme: SignatureScheme = Ed25519Scheme(),
                events: AppEvents = { _ in }) throws(AppError) {
        self.directory = directory; self.scheme = scheme
        do {
            store = try LedgerStore(directory: directory, create: true)
            if let r = store.recovery {
                events(.ledgerRepaired(path: store.path, cutOffset: r.cutOffset, cutBytes: r.cutBytes, keptIn: r.brokenFile))
            }
            if store.state.genesis == nil { try store.append([genesis]) }
            guard let first = try store.block(at: 0), first == genesis else {
                throw AppError.usage("\(directory) holds the ledger of another cluster (its genesis block is not the one in cluster.json); give this replica its own --ledger directory")
            }
            certificates = try CertificateLog(directory: directory)
        } catch { throw AppError.wrap(error, cycle: "-") }
        guard case .genesis(let g) = genesis.entries.first, let m = try? Membership(genesis: g) else {
            throw .usage("the cluster's genesis block names no committee")
        }
        membership = m
        let height = store.state.lastHeight ?? 0
        do {
            if certificates.lastHeight > height { try certificates.truncate(above: height) }
        } catch { throw AppError.wrap(error, cycle: "-") }
        guard certificates.lastHeight == height else {
            throw .ledger(.corrupt(path: certificates.path, LedgerFault(offset: 0, height: certificates.lastHeight + 1,
                "block \(certificates.lastHeight + 1) has no certificate; restore this replica's ledger from a peer (copy its node directory's ledger and audit it)")))
        }
        // Fold the membership over the blocks on disk, one decoded block at a time.
        try forEachCertified(from: 1, maxBlocks: Int.max, maxBytes: Int.max) { (cb: CertifiedBlock) throws(AppError) in
            do throws(MembershipError) { try membership.apply(cb.block, certificate: cb.certificate) } catch {
                throw .ledgerFault(LedgerFault(offset: 0, height: cb.height, error.description))
            }
            reputation = LedgerReputation.folding(cb.block.entries, into: reputation)
        }
    }

    /// Opens a replica ledger of the cluster described by `cluster`.
    public convenience init(directory: String, cluster: ClusterConfig, events: AppEvents = { _ in }) throws(AppError) {
        try self.init(directory: directory, genesis: cluster.genesis, events: events)
    }

    public var state: ChainState { store.state }
    /// Height of the last block (0: only genesis).
    public var height: UInt64 { store.state.lastHeight ?? 0 }
    public var headHash: [UInt8] { store.state.lastHash }
    /// What the next proposal must extend (`Replica(tip:)`).
    public var tip: ChainTip { ChainTip(store.state)! }
    /// The committee that must certify the next block.
    public var committee: Committee { membership.committee }

    /// Checks `cb` as the next block: chain linkage, Merkle roots, proposer, and its certificate
    /// against the membership in force. Throws a one-line reason naming the height.
    public func verify(_ cb: CertifiedBlock) throws(AppError) {
        if let p = tip.linkageProblem(cb.block) {
            throw .ledgerFault(LedgerFault(offset: 0, height: cb.height, "block \(cb.height) does not extend the ledger: \(p)"))
        }
        _ = try certified([cb])
    }

    /// The membership after `cbs`, each checked against the membership in force at its height
    /// (heights and previous hashes here; the full chain rules when the store appends).
    private func certified(_ cbs: [CertifiedBlock]) throws(AppError) -> Membership {
        var m = membership
        var next = height + 1, previous = headHash
        for cb in cbs {
            guard cb.height == next, cb.block.header.previousHash == previous else {
                throw .ledgerFault(LedgerFault(offset: 0, height: cb.height, "block \(cb.height) does not extend the ledger at height \(next - 1)"))
            }
            do throws(MembershipError) {
                try m.check(cb.block, certificate: cb.certificate, scheme: scheme)
                try m.apply(cb.block, certificate: cb.certificate)
            } catch { throw .ledgerFault(LedgerFault(offset: 0, height: cb.height, "block \(cb.height): \(error)")) }
            next += 1; previous = cb.hash
        }
        return m
    }

    /// Appends committed blocks (from `Ready.committed` or state transfer), in order. Durable
    /// on return: certificates fsynced first, then the blocks (whose chain rules — Merkle roots,
    /// times, signature, exactly-once cycles — `LedgerStore` checks before writing). Nothing
    /// is left behind on error: certificates written for blocks the store refused are cut back.
    public func appendCommitted(_ cbs: [CertifiedBlock]) throws(AppError) {
        guard !cbs.isEmpty else { return }
        let m = try certified(cbs)
        let before = height
        do { try certificates.append(cbs.map(\.certificate)) } catch { throw AppError.wrap(error, cycle: "-") }
        do { try store.append(cbs.map(\.block)) } catch {
            do { try certificates.truncate(above: before) } catch let e { throw AppError.wrap(e, cycle: "-") }
            throw AppError.wrap(error, cycle: "-")
        }
        membership = m
        for cb in cbs { reputation = LedgerReputation.folding(cb.block.entries, into: reputation) }
    }

    public func appendCommitted(_ cb: CertifiedBlock) throws(AppError) { try appendCommitted([cb]) }

    /// The certificate of the block at `height` (nil for genesis or above the head).
    public func certificate(at height: UInt64) -> QuorumCertificate? {
        height <= self.height ? certificates.certificate(at: height) : nil
    }

    /// Certified blocks from `height` (≥ 1) on, for state transfer (`AppRequest.serveBlocks`):
    /// at most `maxBlocks` and about `maxBytes` of encoded blocks (at least one when any exists).
    public func certifiedBlocks(from height: UInt64, maxBlocks: Int = 64, maxBytes: Int = 16 << 20) throws(AppError) -> [CertifiedBlock] {
        try readCertified(from: max(1, height), maxBlocks: maxBlocks, maxBytes: maxBytes)
    }

    private func readCertified(from height: UInt64, maxBlocks: Int, maxBytes: Int) throws(AppError) -> [CertifiedBlock] {
        var out: [CertifiedBlock] = []
        try forEachCertified(from: height, maxBlocks: maxBlocks, maxBytes: maxBytes) { (cb: CertifiedBlock) throws(AppError) in out.append(cb) }
        return out
    }

    private func forEachCertified(from height: UInt64, maxBlocks: Int, maxBytes: Int,
                                  _ body: (CertifiedBlock) throws(AppError) -> Void) throws(AppError) {
        guard height <= self.height, maxBlocks > 0 else { return }
        var size = 0, count = 0
        var h = height
        // One read per block through the store's offset index (each record in its own format).
        while h <= self.height, count < maxBlocks, let length = store.recordLength(at: h) {
            if count > 0 && size + length > maxBytes { break }
            guard let qc = certificates.certificate(at: h) else { break }
            let found: Block?
            do { found = try store.block(at: h) } catch { throw AppError.wrap(error, cycle: "-") }
            guard let block = found else { break }
            try body(CertifiedBlock(block: block, certificate: qc))
            size += length; count += 1
            h += 1
        }
    }
}

/// The read side of `CycleLedger` (what `SchedulePlanner` and `CycleService` ask). Committing
/// goes through the committee: `commit` is not available on a replica's ledger directly.
extension ReplicatedLedger: CycleLedger {
    public func recordedHeight(ofCycle cycle: String) -> UInt64? { store.state.cycles[cycle] }
    public var recordedCycles: Set<String> { Set(store.state.cycles.keys) }
    public var rejectedCycles: Set<String> { Set(store.state.rejectedCycles.keys) }
    public func settlementHeight(ofCycle cycle: String) -> UInt64? { store.state.settledCycles[cycle] }
    public func recordedEntry(ofCycle cycle: String) throws(AppError) -> ClearedCycleEntry? { try store.clearedEntry(ofCycle: cycle) }

    /// Always throws: a replica commits through its committee (`Replica` + `appendCommitted`).
    public func commit(_ entries: [LedgerEntry], now: UTCTime) throws(AppError) -> UInt64? {
        throw .usage("a replica's ledger is appended only with certified blocks (ReplicatedLedger.appendCommitted)")
    }
}
