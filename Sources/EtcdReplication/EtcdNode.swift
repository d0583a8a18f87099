import Dispatch
import GridClearCore
import GridClearSystem
import LedgerLite
import EtcdClient

/// The edge of the etcd mode: runs a `ReplicationMachine` against a real etcd cluster (through
/// `EtcdClient`), the node's own `LedgerStore` and the application layer's clear function.
/// Everything it does is what the machine's `Ready` lists, in order: appends (durable) before
/// etcd calls. Clearing runs on a background thread so that keep-alives continue meanwhile.
///
/// Fatal (thrown from `run`): the ledger refuses a block (diverged), etcd pruned a block this
/// node still needs, the node id is registered with another key. Everything else (etcd
/// unreachable, timeouts, a member down) is reported in the log and retried.
public final class EtcdNode {
    public struct Options: Sendable {
        public var nodeID: String
        public var layout = EtcdLayout()
        public var leaseTTLSeconds: Int64 = 10
        /// The first leader writes the genesis block only once this many node keys are
        /// registered (they become the ledger's signers).
        public var genesisNodes = 1
        /// etcd's storage quota (`--quota-backend-bytes`, default 2 GiB): warn at 80 %.
        public var quotaBytes: Int64 = 2 << 30
        public var cutting = CuttingConfig()
        public init(nodeID: String) { self.nodeID = nodeID }
    }

    /// Clears one cycle on the application layer: the ledger entries recording it. `state` is
    /// the ledger the block will extend (the committed data the clearing may use, e.g. the
    /// participants' reputation its blocks hold); it runs off the node's thread.
    public typealias Clear = @Sendable (_ cycle: String, _ state: ChainState) throws -> [LedgerEntry]

    public let options: Options
    public let client: EtcdClient
    public let store: LedgerStore
    let key: NodeKey
    let clear: Clear
    public private(set) var machine: ReplicationMachine
    let inbox = Locked<[ReplicationInput]>([])
    var watch: EtcdWatch?
    var queue: [ReplicationInput] = []
    /// Wall time of each successful commit (chunks + fenced txn), in ms, for benchmarks.
    public internal(set) var commitMillis: [Double] = []
    /// Called after each block is durably appended (outputs, logs).
    public var onAppended: (Block) -> Void = { _ in }
    public var log: (String) -> Void = { print($0) }
    /// Monotonic milliseconds for lease timing (a wall-clock step must not extend a lease).
    public var clock: () -> Int64 = { Int64(SystemClock().monotonicNanos() / 1_000_000) }
    /// Wall-clock milliseconds for block times.
    public var wallClock: () -> Int64 = { SystemClock().now().millis }

    public init(options: Options, client: EtcdClient, store: LedgerStore, key: NodeKey, clear: @escaping Clear) {
        self.options = options; self.client = client; self.store = store; self.key = key; self.clear = clear
        var cfg = ReplicationConfig(nodeID: options.nodeID, leaseTTLSeconds: options.leaseTTLSeconds)
        cfg.pollEveryMillis = 1_000
        machine = ReplicationMachine(config: cfg, ledgerNextHeight: store.state.nextHeight)
    }

    var canLead: Bool { store.state.genesis.map { $0.signerKeys.contains(key.publicKey) } ?? true }

    /// Runs until `shouldStop()` (checked every few ms), or with `once` until every cycle
    /// `due` returns is in the ledger (or failed). On the way out the lease is revoked so
    /// that another node takes over at once.
    /// `crashed()` returning true makes `run` return at once without revoking anything (a
    /// test stand-in for kill -9).
    public func run(once: Bool, due: (ChainState) -> [String], shouldStop: () -> Bool, crashed: () -> Bool = { false }) throws {
        defer { watch?.cancel() }
        while true {
            if crashed() { return }
            if shouldStop() { try feed(.stop); return }
            // Clear results first, then what the watch saw: a leader resumed after a pause
            // (SIGSTOP) sends its pending commit before it learns of the newer head, and etcd's
            // fence is what refuses it (the machine's own checks are the second line).
            for i in inbox.withValue({ v in defer { v = [] }; return v }) { try feed(i) }
            pumpWatch()
            let d = due(store.state)
            try feed(.tick(nowMillis: clock(), due: d, canLead: canLead))
            if once && machine.isIdle(due: due(store.state)) && machine.state.appliedRecorded == machine.state.next {
                log("node \(options.nodeID): every due cycle is in the ledger (height \(machine.state.next == 0 ? "-" : String(machine.state.next - 1)))")
                try feed(.stop)
                return
            }
            // Idle wait of up to 20 ms, cut short when a clear result arrives.
            for _ in 0..<20 where inbox.withValue({ $0.isEmpty }) { _ = SystemClock().sleep(nanos: 1_000_000) }
        }
    }

    /// Steps the machine with `input` and executes its `Ready`, then every input that
    /// execution produced, in order.
    func feed(_ input: ReplicationInput) throws {
        queue.append(input)
        while !queue.isEmpty {
            let next = queue.removeFirst()
            let ready = machine.step(next)
            for n in ready.notes { log("node \(options.nodeID): \(n)") }
            for c in ready.commands {
                if let answer = try execute(c) { queue.append(answer) }
            }
        }
    }

    func pumpWatch() {
        guard let w = watch else { return }
        for m in w.poll() {
            switch m {
            case .success(let msg):
                for e in msg.events where e.kind == .put {
                    if let h = EtcdLayout.height(e.kv.value) { queue.append(.headChanged(h)) }
                }
                if msg.canceled { w.cancel(); watch = nil }
            case .failure: w.cancel(); watch = nil
            }
        }
        if w.isClosed { watch = nil }
    }

    // MARK: executing commands

    func execute(_ c: ReplicationCommand) throws -> ReplicationInput? {
        let L = options.layout, id = options.nodeID
        switch c {
        case .append(let h, let payload):
            try append(h, payload)
            return nil
        case .register:
            let pub = Array(Hex.encode(key.publicKey).utf8)
            return try call("register") {
                let t = try client.txn(TxnRequest(compare: [.absent(L.node(id))], success: [.put(key: L.node(id), value: pub, lease: 0)],
                                                  failure: [.range(RangeRequest(key: L.node(id)))]))
                if !t.succeeded, let kv = t.kvs(0).first, kv.value != pub { throw EtcdReplicationError.keyMismatch(id: id) }
                return .registered(true)
            }
        case .grantLease(let ttl, let sentAt):
            return try call("lease grant") {
                let g = try client.grantLease(ttlSeconds: ttl)
                return .leaseGranted(id: g.id, ttlSeconds: g.ttlSeconds, sentAtMillis: sentAt)
            }
        case .keepAlive(let lease, let sentAt):
            do {
                let k = try client.keepAlive(lease: lease)
                return .keepAlive(alive: k.ttlSeconds > 0, sentAtMillis: sentAt)
            } catch {
                if error.isLeaseNotFound { return .keepAlive(alive: false, sentAtMillis: sentAt) }
                return .callFailed("keep-alive", error.description)
            }
        case .campaign(let lease):
            return try call("campaign") {
                let t = try client.txn(TxnRequest(compare: [.absent(L.election)],
                                                  success: [.put(key: L.election, value: Array(id.utf8), lease: lease)],
                                                  failure: [.range(RangeRequest(key: L.election))]))
                if t.succeeded { return .campaigned(won: true, leaderID: id, electionRevision: t.header.revision) }
                guard let kv = t.kvs(0).first else { return .campaigned(won: false, leaderID: nil, electionRevision: 0) }
                let mine = kv.valueString == id && kv.lease == lease
                return .campaigned(won: mine, leaderID: kv.valueString, electionRevision: kv.createRevision)
            }
        case .fetch(let from):
            return try call("fetch") { try fetch(from: from) }
        case .produce(let h, let cycle):
            return try produce(h, cycle)
        case .commit(let h, let payload, let rev):
            let t0 = SystemClock().monotonicNanos()
            let outcome = commit(h, payload, rev)
            if outcome == .committed { commitMillis.append(Double(SystemClock().monotonicNanos() - t0) / 1e6) }
            return .commitResult(height: h, outcome)
        case .markFailed(let cycle, let reason):
            return try call("mark failed") {
                _ = try client.put(L.failed(cycle), Array(reason.utf8))
                return nil
            }
        case .recordApplied(let next):
            return try call("record applied height") {
                _ = try client.put(L.applied(id), Array(EtcdLayout.pad(next - 1).utf8))
                return .appliedRecorded(next)
            }
        case .prune:
            return try call("prune") { try prune(); return nil }
        case .checkStatus:
            return try call("status") {
                let s = try client.status()
                if s.dbSize * 10 >= options.quotaBytes * 8 {
                    log("ALARM node \(id): etcd database is \(s.dbSize) bytes, over 80 % of the \(options.quotaBytes)-byte quota (in use: \(s.dbSizeInUse)); check that every node applies blocks (gridclear node status), then `etcdctl defrag`")
                }
                for e in s.errors { log("ALARM node \(id): etcd reports: \(e)") }
                return nil
            }
        case .revokeLease(let lease):
            try? client.revoke(lease: lease)
            return nil
        }
    }

    /// Runs an etcd interaction; etcd errors become `.callFailed` inputs, our own fatal
    /// errors propagate.
    func call(_ what: String, _ body: () throws -> ReplicationInput?) throws -> ReplicationInput? {
        do { return try body() } catch let e as EtcdError {
            return .callFailed(what, e.description)
        }
    }

    func append(_ h: UInt64, _ payload: [UInt8]) throws {
        let block: Block
        do { block = try Block.decode(payload) } catch { throw EtcdReplicationError.diverged(height: h, reason: "undecodable block: \(error)") }
        guard block.header.height == h, block.encoded() == payload else {
            throw EtcdReplicationError.diverged(height: h, reason: "the block is not in canonical form or names height \(block.header.height)")
        }
        do { try store.append([block]) } catch let e as LedgerError {
            throw EtcdReplicationError.diverged(height: h, reason: "\(e)")
        }
        onAppended(block)
    }
}
