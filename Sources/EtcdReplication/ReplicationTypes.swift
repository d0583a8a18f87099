/// Timing and limits of the replication driver.
public struct ReplicationConfig: Sendable, Equatable {
    public var nodeID: String
    /// Lease TTL: how long after a leader's last keep-alive another node may take over.
    public var leaseTTLSeconds: Int64
    /// Keep-alives at a third of the TTL: two may be lost before the lease is at risk.
    public var keepAliveEveryMillis: Int64 { max(200, leaseTTLSeconds * 1000 / 3) }
    /// A leader starts producing a block only if its lease has at least this much left.
    public var commitMarginMillis: Int64 { max(500, leaseTTLSeconds * 1000 / 4) }
    public var campaignEveryMillis: Int64 = 500
    /// Fetch even without a watch notification this often (watch streams can be lost).
    public var pollEveryMillis: Int64 = 1_000
    public var pruneEveryMillis: Int64 = 5_000
    public var statusEveryMillis: Int64 = 10_000
    public var appliedEveryMillis: Int64 = 200
    public var retryMillis: Int64 = 1_000

    public init(nodeID: String, leaseTTLSeconds: Int64 = 10) {
        self.nodeID = nodeID; self.leaseTTLSeconds = max(2, leaseTTLSeconds)
    }
}

/// What one `step` asks the edge to do, in order: appends first (persist), then the rest.
public struct Ready: Sendable, Equatable {
    public var commands: [ReplicationCommand] = []
    /// Human-readable events for the node's log (leadership, commits, fencing).
    public var notes: [String] = []
    public init() {}
    mutating func note(_ s: String) { notes.append(s) }
    public var isEmpty: Bool { commands.isEmpty && notes.isEmpty }
}

/// One action for the edge. Each is answered by the input named in its comment.
public enum ReplicationCommand: Sendable, Equatable {
    /// Append block `height` (its SPEC §6 payload) to the local ledger, durably, before
    /// anything else of the same `Ready`. No answer (a failure stops the node).
    case append(height: UInt64, payload: [UInt8])
    /// Record the node's public key under `nodes/<id>` (idempotent). → `.registered`
    case register
    /// → `.leaseGranted`
    case grantLease(ttlSeconds: Int64, sentAtMillis: Int64)
    /// → `.keepAlive`
    case keepAlive(lease: Int64, sentAtMillis: Int64)
    /// Create the election key under the lease if absent. → `.campaigned`
    case campaign(lease: Int64)
    /// Read committed blocks from `fromHeight` (a bounded batch), the head and the failed
    /// cycles. → `.fetched`
    case fetch(fromHeight: UInt64)
    /// Ask the application layer for block `height` on top of the local ledger: the
    /// genesis block (cycle nil) or the block recording `cycle`.
    /// → `.produced` / `.productionFailed` / `.productionDeferred`
    case produce(height: UInt64, cycle: String?)
    /// The fenced commit txn (chunks first when the payload is large). → `.commitResult`
    case commit(height: UInt64, payload: [UInt8], electionRevision: Int64)
    /// Record that the leader could not clear `cycle` (so that no node waits for it).
    case markFailed(cycle: String, reason: String)
    /// Put `applied/<id>` = nextHeight − 1. → `.appliedRecorded`
    case recordApplied(nextHeight: UInt64)
    /// Delete payloads every registered node has applied and compact. No answer needed.
    case prune
    /// Read etcd's size and alarms; warn before the quota. No answer needed.
    case checkStatus
    case revokeLease(Int64)
}

/// How a commit transaction ended.
public enum CommitOutcome: Sendable, Equatable {
    case committed
    /// `block/h` existed already (another leader committed it first).
    case heightTaken
    /// The election key is not ours any more (lease expired, another node leads).
    case fenced
    /// The call failed in a way that leaves the outcome unknown (timeout, lost connection).
    case unknown(String)
}

public enum ReplicationInput: Sendable, Equatable {
    /// The clock, the cycles due now that the ledger does not hold (SchedulePlanner), and
    /// whether this node's key may sign blocks of this ledger.
    case tick(nowMillis: Int64, due: [String], canLead: Bool)
    case registered(Bool)
    case leaseGranted(id: Int64, ttlSeconds: Int64, sentAtMillis: Int64)
    case keepAlive(alive: Bool, sentAtMillis: Int64)
    case campaigned(won: Bool, leaderID: String?, electionRevision: Int64)
    case fetched(blocks: [FetchedBlock], head: UInt64?, failed: Set<String>)
    /// The watch saw `head` move to this height.
    case headChanged(UInt64)
    case produced(height: UInt64, payload: [UInt8], cycle: String?)
    case productionFailed(cycle: String?, reason: String)
    case productionDeferred(String)
    case commitResult(height: UInt64, CommitOutcome)
    case appliedRecorded(UInt64)
    case callFailed(String, String)
    case stop
}

/// One committed block read from etcd.
public struct FetchedBlock: Sendable, Equatable {
    public var height: UInt64
    public var payload: [UInt8]
    public init(_ height: UInt64, _ payload: [UInt8]) { self.height = height; self.payload = payload }
}

struct Lease: Sendable, Equatable {
    var id: Int64
    var expiresAtMillis: Int64
    var lastKeepAliveMillis: Int64
}

struct PendingCommit: Sendable, Equatable {
    var height: UInt64
    var payload: [UInt8]
    var cycle: String?
}

/// Everything the machine knows. Public for status printing and tests.
public struct ReplicationState: Sendable, Equatable {
    /// The height the local ledger appends next.
    public internal(set) var next: UInt64
    /// The newest height committed in etcd, as far as known.
    public internal(set) var head: UInt64?
    public internal(set) var caughtUp = false
    public internal(set) var electionRevision: Int64?
    public internal(set) var knownLeader: String?
    public internal(set) var registered = false
    public internal(set) var failed: Set<String> = []
    public internal(set) var appliedRecorded: UInt64?
    var now: Int64 = 0
    var canLead = true
    var lease: Lease?
    var needFetch = true
    var producing: UInt64?
    var committing: PendingCommit?
    var stopping = false
    var lastRegisterMillis = Int64.min / 2
    var lastGrantMillis = Int64.min / 2
    var lastFetchMillis = Int64.min / 2
    var lastCampaignMillis = Int64.min / 2
    var lastProduceMillis = Int64.min / 2
    var lastPruneMillis = Int64.min / 2
    var lastStatusMillis = Int64.min / 2
    var lastAppliedMillis = Int64.min / 2

    init(next: UInt64) { self.next = next }
    public var isLeader: Bool { electionRevision != nil }
    public var leaseID: Int64? { lease?.id }
}
