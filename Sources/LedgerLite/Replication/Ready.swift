import GridClearCore

/// Who an outgoing message is for.
public enum Destination: Sendable, Hashable {
    /// Every other member of the committee.
    case all
    case replica(ReplicaID)
    /// A node of the roster by its index there (node ids ascending): FETCH and BLOCKS across
    /// epochs (`Replica+Epoch`), possibly to a node outside the committee in force.
    case roster(ReplicaID)
}

/// One message to send.
public struct Outbound: Sendable, Hashable {
    public var to: Destination
    public var message: SignedMessage
}

/// Work the replica asks of its application.
public enum AppRequest: Sendable, Hashable {
    /// Re-execute the proposal (for a cleared cycle: clear again from the recorded inputs) and
    /// answer with `Input.endorsed(blockHash:agrees:reason:)`. Seed 002's endorsement.
    case endorse(view: UInt64, seq: UInt64, proposal: Proposal)
    /// Read certified blocks from `fromHeight` on (a bounded batch) from the ledger and answer
    /// with `Input.serveBlocks(to:blocks:)`. With a membership, `to` is a roster index.
    case serveBlocks(to: ReplicaID, fromHeight: UInt64)
}

/// Something worth recording or logging. None of these needs an answer.
public enum ReplicaEvent: Sendable, Hashable {
    /// A message was rejected (malformed, badly signed, invalid, out of place).
    case dropped(from: ReplicaID?, reason: String)
    /// This replica's re-execution did not match the proposal: it did not vote (seed 002).
    case disagreement(view: UInt64, seq: UInt64, blockHash: [UInt8], proposer: ReplicaID, reason: String)
    /// A member signed two different things for one slot.
    case equivocation(replica: ReplicaID, view: UInt64, seq: UInt64, kind: Message.Kind)
    /// The signing guard refused a signature.
    case refusedToSign(view: UInt64, seq: UInt64, reason: String)
    case viewChangeStarted(view: UInt64)
    case newViewInstalled(view: UInt64, primary: ReplicaID)
    case checkpointStable(seq: UInt64)
    /// Certified blocks from a peer could not be applied.
    case stateTransferFailed(from: ReplicaID, reason: String)
    /// A committee epoch entry was executed: `committee` certifies from `fromHeight` on;
    /// `member` is this replica's index in it (nil: an observer until a later epoch).
    case epochStarted(committee: Committee, member: ReplicaID?, fromHeight: UInt64)
}

/// The output contract of `Replica.step` (etcd-io/raft's `Ready`). The driver handles the
/// parts in this order and only then calls `step` again:
/// 1. `persist` (when non-nil): write atomically and fsync — it holds the signing guard and the
///    prepared certificates that the messages below commit the replica to;
/// 2. `committed`: append these blocks, in order, to the ledger, durably;
/// 3. `messages`: send (loss, delay, duplication and reordering are tolerated);
/// 4. `requests`: do the application work and feed the answers back as inputs;
/// 5. `events`: record or log.
public struct Ready: Sendable {
    public var persist: DurableState?
    public var committed: [CertifiedBlock] = []
    public var messages: [Outbound] = []
    public var requests: [AppRequest] = []
    public var events: [ReplicaEvent] = []
    public init() {}
    public var isEmpty: Bool { persist == nil && committed.isEmpty && messages.isEmpty && requests.isEmpty && events.isEmpty }

    /// Appends a later `Ready` to this one, so that a driver can execute the `Ready`s of
    /// several steps at once (group commit: one persist and one ledger append for all of
    /// them, before any of their messages). Valid because `persist` is the replica's whole
    /// durable state: the later one supersedes the earlier, and executing the merged `Ready`
    /// in the usual order still persists and appends everything before anything is sent.
    public mutating func merge(_ later: Ready) {
        if let p = later.persist { persist = p }
        committed += later.committed
        messages += later.messages
        requests += later.requests
        events += later.events
    }
}

/// Everything a replica reacts to.
public enum Input: Sendable {
    /// Raw bytes from the network (decoded and verified inside; garbage is dropped and reported).
    case received([UInt8])
    /// An already decoded message (in-process transports, tests).
    case message(SignedMessage)
    /// Time passed: the current time in ms (any monotonic clock; only differences matter).
    case tick(nowMillis: Int64)
    /// A client request to order (every replica may receive the same request; ids dedupe).
    case request(Request)
    /// The answer to `AppRequest.endorse`.
    case endorsed(blockHash: [UInt8], agrees: Bool, reason: String)
    /// The answer to `AppRequest.serveBlocks` (empty: nothing to send).
    case serveBlocks(to: ReplicaID, blocks: [CertifiedBlock])
}

/// Static settings of one replica.
public struct ReplicaConfig: Sendable {
    public var committee: Committee
    public var id: ReplicaID
    public var signer: MessageSigner
    public var scheme: SignatureScheme
    /// This replica's node id on the roster (with a membership). It names the replica in the
    /// roster domain when its key is not on its ledger's roster yet: restarted with a new key
    /// whose replacement it has not fetched, it still asks for blocks as that node, and peers
    /// that applied the replacement verify it with the new key.
    public var nodeID: String?
    /// A checkpoint every K blocks; the high watermark is the stable checkpoint + `window`.
    public var checkpointInterval: UInt64 = 8
    public var window: UInt64 = 32
    /// Most entries in one block (MMC); a larger request gets a block of its own.
    public var maxBlockEntries = 64
    /// Base view-change timeout (doubled on each consecutive view change, up to ×`maxBackoff`).
    public var viewChangeTimeoutMillis: Int64 = 2_000
    public var maxBackoff: Int64 = 8
    /// Period of retransmissions (own votes, view change, checkpoint, state-transfer fetch).
    public var retransmitMillis: Int64 = 300

    public init(committee: Committee, id: ReplicaID, signer: MessageSigner, scheme: SignatureScheme = Ed25519Scheme()) {
        self.committee = committee; self.id = id; self.signer = signer; self.scheme = scheme
    }
}

/// The committed end of a replica's chain: what a new proposal must extend.
public struct ChainTip: Sendable, Equatable {
    public var height: UInt64
    public var hash: [UInt8]
    public var timeMillis: Int64
    public var frontier: MerkleFrontier
    public init(height: UInt64, hash: [UInt8], timeMillis: Int64, frontier: MerkleFrontier) {
        self.height = height; self.hash = hash; self.timeMillis = timeMillis; self.frontier = frontier
    }
    /// The tip of a ledger read from disk (nil for an empty ledger: replicas start from genesis).
    public init?(_ s: ChainState) {
        guard let h = s.lastHeight else { return nil }
        self.init(height: h, hash: s.lastHash, timeMillis: s.lastTimeMillis, frontier: s.frontier)
    }

    /// Why `block` cannot be the next block on this tip, or nil when it can.
    public func linkageProblem(_ block: Block) -> String? {
        let h = block.header
        guard h.height == height + 1 else { return "height \(h.height), expected \(height + 1)" }
        guard h.previousHash == hash else { return "previous hash does not match block \(height)" }
        guard h.timeMillis >= timeMillis else { return "time goes backwards" }
        guard h.entryCount > 0, Int(h.entryCount) == block.entries.count else { return "entry count does not match" }
        guard !block.entries.contains(where: { $0.tag == .genesis }) else { return "genesis entry outside block 0" }
        let leaves = block.entries.map(\.leafHash)
        guard Merkle.root(leaves) == h.entriesRoot else { return "entries Merkle root does not match" }
        var f = frontier
        for l in leaves { f.append(leafHash: l) }
        guard f.size == h.treeSize, f.root == h.treeRoot else { return "cumulative tree does not match" }
        return nil
    }

    public func extended(by block: Block) -> ChainTip {
        var f = frontier
        for e in block.entries { f.append(leafHash: e.leafHash) }
        return ChainTip(height: block.header.height, hash: LedgerHash.blockHash(block.header), timeMillis: block.header.timeMillis, frontier: f)
    }
}
