import Dispatch
import GridClearApp
import GridClearCore
import GridClearSystem
import LedgerLite

/// The edge of the BFT mode: runs one pure `Replica` against the network (`PeerTransport`),
/// its durable state file (`ReplicaStateFile`), its ledger (`ReplicatedLedger`: blocks and
/// certificates) and the application (clearing, replay). One driver thread owns the replica
/// and the ledger; clearing and endorsement run on a worker thread and come back through the
/// inbox. Nothing is global: several drivers (committees, shards) can run in one process.
///
/// Each `Ready` is executed in the order the core requires: the durable state is written and
/// fsynced (`ReplicaStateFile`) before any message is sent; committed blocks are appended to
/// the ledger (durable) before the application publishes outputs and before clients are told.
///
/// Fatal (thrown from `run`): the ledger refuses a certified block (diverged), the state file
/// cannot be written. Everything else (peers down, bad frames, bad signatures) is logged and
/// tolerated.
public final class ReplicaDriver: @unchecked Sendable {
    public struct Options: Sendable {
        public var cluster: ClusterConfig
        /// 1…N.
        public var id: Int
        public var statePath: String
        public var limits = TransportLimits()
        public var tickMillis: Int64 = 5
        /// How often the application is asked which cycles are due.
        public var scanMillis: Int64 = 500
        public var viewChangeTimeoutMillis: Int64 = 2_000
        public var retransmitMillis: Int64 = 300
        public var maxBlockEntries = 64
        /// A checkpoint every K blocks. Small, because the state file written before each vote
        /// holds every prepared block above the stable checkpoint.
        public var checkpointInterval: UInt64 = 2
        /// With `once`: keep serving peers this long after the last due cycle committed.
        public var lingerMillis: Int64 = 1_500
        /// Test-only misbehaviour of this replica (docs/replication.md, Byzantine test).
        public var byzantine: ByzantineMode?
        public init(cluster: ClusterConfig, id: Int, statePath: String) { self.cluster = cluster; self.id = id; self.statePath = statePath }
    }

    /// Test-only Byzantine behaviours.
    public enum ByzantineMode: String, Sendable, CaseIterable {
        /// As primary, sends one block to half of the peers and a different block (same
        /// height, other time) to the other half.
        case equivocate
    }

    enum InboxItem: Sendable {
        case net(TransportInbound)
        case cleared(String, ReplicaApplication.Cleared)
        case endorsed(hash: [UInt8], agrees: Bool, reason: String)
        /// This replica's endorsement failed: recorded in the ledger as a disagreement entry.
        case disagreed(height: UInt64, hash: [UInt8], reason: String, cycle: String?)
    }

    public let options: Options
    /// The committee in force and this replica's index in it: both change at epoch boundaries
    /// (decided by the core, `Replica+Epoch`; the driver re-wires its peers, `ReplicaDriver+Epoch`).
    var committee: Committee { replica.committee }
    var me: ReplicaID { replica.id }
    /// Transport peer (cluster replica I − 1) of each other member of the committee in force.
    var peerOfMember: [ReplicaID: ReplicaID] = [:]
    let key: NodeKey
    let ledger: ReplicatedLedger
    let stateFile: ReplicaStateFile
    let app: ReplicaApplication
    var replica: Replica
    var transport: PeerTransport!
    let inbox = Locked<[InboxItem]>([])
    let wake = DispatchSemaphore(value: 0)
    let worker = DispatchQueue(label: "gridclear.bft.worker")
    /// This replica's own clearing results by cycle id (requests it handed to the core).
    var local: [String: [LedgerEntry]] = [:]
    var clearing: Set<String> = []
    var failed: [String: String] = [:]
    var submitted: Set<String> = []
    /// When each request became known (for commit latency).
    var requestSeen: [String: Int64] = [:]
    /// Commit latency per committed request, ms (request handed to the core → block durable).
    public internal(set) var commitLatencies: [Double] = []
    public internal(set) var committedEntries = 0
    /// The replica's ledger height (driver thread; read after `run` returns).
    public var height: UInt64 { replica.tip.height }
    public var log: @Sendable (String) -> Void = { print($0) }
    /// UTC milliseconds (injected: `--now` plus monotonic elapsed time).
    public var clock: @Sendable () -> Int64 = { SystemClock().now().millis }
    var nextScanDue = false
    /// SHA-256 of recently received large peer payloads → when (retransmission filter).
    var recentLarge: [[UInt8]: Int64] = [:]
    /// Own requests forwarded to the others until committed (disagreement records).
    var forwarded: [String: Request] = [:]
    var lastForward: Int64 = 0
    var droppedLogged: Int64 = 0
    var droppedSuppressed = 0
    /// The durable state last written (an identical one is not written again).
    var lastSaved: DurableState?

    public init(options: Options, key: NodeKey, ledger: ReplicatedLedger, app: ReplicaApplication) throws {
        self.options = options; self.key = key; self.ledger = ledger; self.app = app
        guard let m = options.cluster.replica(id: options.id) else { throw BFTError.cluster("no replica \(options.id) in the cluster (ids 1…\(options.cluster.replicas.count))") }
        // Its node's current key: the ledger's, or cluster.json's for a replacement the ledger
        // has not reached yet (`keyProblem`).
        if let why = Self.keyProblem(key.publicKey, replica: m, membership: ledger.membership, height: ledger.height) {
            throw BFTError.cluster(why)
        }
        let tip = ledger.tip
        var cfg = ReplicaConfig(committee: ledger.committee, id: m.replicaID, signer: key)
        cfg.nodeID = m.nodeID
        cfg.viewChangeTimeoutMillis = options.viewChangeTimeoutMillis
        cfg.retransmitMillis = options.retransmitMillis
        cfg.maxBlockEntries = options.maxBlockEntries
        cfg.frameBytes = options.limits.maxPeerFrameBytes
        cfg.checkpointInterval = options.checkpointInterval
        let file: ReplicaStateFile
        do { file = try ReplicaStateFile(path: options.statePath) } catch { throw BFTError.state("\(error)") }
        stateFile = file
        let durable = file.loaded
        replica = Replica(config: cfg, tip: tip, durable: durable,
                          committedRequestIDs: Set(ledger.state.cycles.keys).union(ledger.state.rejectedCycles.keys),
                          membership: ledger.membership)
        rewirePeers()
    }

    /// Listens, connects and runs until `shouldStop()`, or with `once` until every due cycle
    /// is committed or failed (then serves peers for `lingerMillis` more).
    public func run(once: Bool, shouldStop: @escaping () -> Bool) throws {
        var peers: [ReplicaID: (host: String, port: Int)] = [:]
        for m in options.cluster.replicas where m.id != options.id { peers[m.replicaID] = (m.host, m.port) }
        let inbox = self.inbox, wake = self.wake
        transport = PeerTransport(peers: peers, limits: options.limits) { item in
            inbox.withValue { $0.append(.net(item)) }
            wake.signal()
        }
        guard let mine = options.cluster.replica(id: options.id) else { return }
        try transport.listen(host: mine.host, port: mine.port)
        defer { transport.shutdown() }
        log("replica \(options.id): listening on \(mine.address), committee \(committee.id), n=\(committee.n) f=\(committee.f), view \(replica.view), ledger height \(replica.tip.height)")
        var nextScan: Int64 = .min
        var doneSince: Int64?
        while !shouldStop() {
            let now = clock()
            for item in inbox.withValue({ v in defer { v = [] }; return v }) { try handle(item) }
            try feed(.tick(nowMillis: now))
            if now >= nextScan || nextScanDue {
                nextScanDue = false
                nextScan = now + options.scanMillis
                scheduleDueCycles(now)
            }
            if once {
                if allDueDone(now) {
                    if doneSince == nil {
                        doneSince = now
                        log("replica \(options.id): every due cycle is committed or failed (height \(replica.tip.height)); serving peers \(options.lingerMillis) ms more")
                    }
                    if let d = doneSince, now - d >= options.lingerMillis { break }
                } else { doneSince = nil }
            }
            _ = wake.wait(timeout: .now() + .milliseconds(Int(options.tickMillis)))
        }
        log("replica \(options.id): stopped at view \(replica.view), ledger height \(replica.tip.height)")
    }

    // MARK: - inputs

    func handle(_ item: InboxItem) throws {
        switch item {
        case .net(.peer(let bytes)):
            // Large messages (PRE-PREPAREs with whole blocks, view changes, block batches) that
            // arrive again byte for byte within 2 s are retransmissions the core has already
            // seen: skip them before decoding (a slow round must not turn into a storm of
            // multi-megabyte re-decodes). Small votes always go through (they drive `help`).
            if bytes.count >= 4096 {
                let now = clock(), d = Merkle.plainSHA256(bytes)
                if let t = recentLarge[d], now - t < 2_000 { return }
                if recentLarge.count > 4096 { recentLarge = recentLarge.filter { now - $0.value < 2_000 } }
                recentLarge[d] = now
            }
            try feed(.received(bytes))
        case .net(.query(.forward(.member(let f)), let ch)):
            try accept(f)
            ch.answer(.notCommitted(known: true))
        case .net(.query(.forward(.keyReplacement(let k)), let ch)):
            ch.answer(try submit(k))
        case .net(.query(let q, let ch)):
            ch.answer(answer(q))
        case .net(.rejected(let why)): log("replica \(options.id): \(why)")
        case .cleared(let id, let result):
            clearing.remove(id)
            switch result {
            case .entries(let es):
                guard !isRecorded(id) else { return }
                let request = Request(id: id, entries: es)
                do { try replica.admit(request) } catch {
                    // Too large for any block of this committee (`BlockBudget`): never ordered.
                    failed[id] = error.description
                    log("replica \(options.id): cycle \(id) cannot be replicated: \(error)")
                    return
                }
                local[id] = es
                requestSeen[id] = requestSeen[id] ?? clock()
                try feed(.request(request))
            case .skipped(let why):
                failed[id] = why
                log("replica \(options.id): cycle \(id) skipped: \(why)")
            }
        case .endorsed(let hash, let agrees, let reason):
            try feed(.endorsed(blockHash: hash, agrees: agrees, reason: reason))
        case .disagreed(let h, let hash, let reason, let cycle):
            guard let node = options.cluster.replica(id: options.id)?.nodeID else { return }
            // The same request id and entry as `EndorsementService.disagreementRequest`.
            // Signed by this replica, so that it counts against the proposer's result, not a frame-up.
            let unsigned = DisagreementEntry(height: h, blockHash: hash, nodeID: node, cycleID: cycle ?? "", reason: reason)
            let d = (try? unsigned.signed(chain: committee.id.chain, key: key)) ?? unsigned
            let r = Request(id: "disagreement:\(h):\(node)", entries: [.disagreement(d)])
            forwarded[r.id] = r
            forward(r)
            try feed(.request(r))
        }
    }

    func isRecorded(_ id: String) -> Bool { ledger.state.cycles[id] != nil || ledger.state.rejectedCycles[id] != nil }

    /// Sends one of this replica's own requests to every peer (signed).
    func forward(_ r: Request) {
        guard let f = try? ForwardedRequest.sign(r, committee: committee.id, sender: me, signer: key) else { return }
        for p in committee.members where p != me { if let t = peerOfMember[p] { transport.send(query: .forward(.member(f)), to: t) } }
    }

    /// A peer's forwarded request: only its own disagreement records are accepted.
    func accept(_ f: ForwardedRequest) throws {
        guard f.verify(in: committee), let node = replica.membership?.nodeID(of: f.sender),
              !f.request.entries.isEmpty,
              f.request.entries.allSatisfy({ if case .disagreement(let d) = $0 { return d.nodeID == node }; return false }) else {
            log("replica \(options.id): refused a forwarded request from replica \(f.sender + 1) (bad signature, or not its own disagreement)")
            return
        }
        try feed(.request(f.request))
    }

    /// Clears (on the worker) every due or submitted cycle this replica has not handed to the core.
    func scheduleDueCycles(_ now: Int64) {
        // Own forwarded requests still pending are sent again about once a second.
        if now - lastForward >= 1_000 {
            lastForward = now
            for (id, r) in forwarded {
                if replica.pendingRequests.contains(where: { $0.id == id }) { forward(r) } else { forwarded[id] = nil }
            }
        }
        let due = app.due(ledger.state, now) + submitted.sorted()
        for id in due where !isRecorded(id) && local[id] == nil && !clearing.contains(id) && failed[id] == nil {
            // The committed reputation (not the inputs' CSV columns): the same on every replica.
            let reputation = ledger.reputationJSON()
            clearing.insert(id)
            let app = self.app, inbox = self.inbox, wake = self.wake
            worker.async {
                let r = app.clear(id, reputation)
                inbox.withValue { $0.append(.cleared(id, r)) }
                wake.signal()
            }
        }
    }

    func allDueDone(_ now: Int64) -> Bool {
        guard clearing.isEmpty else { return false }
        let due = app.due(ledger.state, now) + submitted.sorted()
        return due.allSatisfy { isRecorded($0) || failed[$0] != nil }
    }

    /// Steps the replica with `input` and executes the `Ready` before the next step, then
    /// the inputs that execution produced (state-transfer answers, endorsements of blocks
    /// already held), until nothing is left. (Group commit — merging the `Ready`s of a whole
    /// inbox drain into one state write and one ledger append — was measured without a gain:
    /// with one block in flight a replica persists about twice per block either way.)
    func feed(_ input: Input) throws {
        var inputs = [input]
        while !inputs.isEmpty {
            inputs += try execute(replica.step(inputs.removeFirst()))
        }
    }
}
