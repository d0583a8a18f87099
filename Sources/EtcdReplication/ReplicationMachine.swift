/// The etcd mode's replication driver as a pure state machine (the etcd-io/raft `Ready`
/// contract): inputs are the answers of etcd calls, watch notifications, results of the
/// application layer and clock ticks; each `step` returns a `Ready` listing what to do, in
/// order — appends to the local ledger first (persist), then the etcd requests and the
/// clear requests (act). No I/O, no clock, no randomness: tests drive it directly.
///
/// Guarantees (given an edge that executes `Ready` in order and reports every outcome):
/// - Only a node that holds the election key under a lease it believes alive, and whose
///   ledger has caught up with etcd's head, asks for a block to be produced and committed.
/// - A commit names the election revision the node won; etcd applies it only if that key
///   is still current and `block/h` is absent (the fence), so a paused, expired leader
///   cannot commit, whatever its local clock believes.
/// - Blocks are appended in height order, each once; the applied height is reported to
///   etcd after the append is durable.
/// - The lease is treated as lost one TTL after the last keep-alive was *sent* (not when
///   it was answered), before etcd can expire it.
public struct ReplicationMachine: Sendable {
    public let config: ReplicationConfig
    public private(set) var state: ReplicationState

    public init(config: ReplicationConfig, ledgerNextHeight: UInt64) {
        self.config = config
        state = ReplicationState(next: ledgerNextHeight)
    }

    public mutating func step(_ input: ReplicationInput) -> Ready {
        var r = Ready()
        switch input {
        case .tick(let now, let due, let canLead):
            state.now = now
            state.canLead = canLead
            tick(due: due, &r)
        case .registered(let ok):
            state.registered = ok
            if !ok { r.note("registration failed; retrying") }
        case .leaseGranted(let id, let ttl, let sentAt):
            state.lease = Lease(id: id, expiresAtMillis: sentAt + ttl * 1000, lastKeepAliveMillis: sentAt)
            r.note("lease \(id) granted (TTL \(ttl) s)")
        case .keepAlive(let alive, let sentAt):
            guard var l = state.lease else { break }
            if alive {
                l.expiresAtMillis = max(l.expiresAtMillis, sentAt + config.leaseTTLSeconds * 1000)
                state.lease = l
            } else {
                loseLease("etcd says lease \(l.id) expired", &r)
            }
        case .campaigned(let won, let leaderID, let electionRevision):
            state.knownLeader = leaderID
            if won, let l = state.lease, state.now < l.expiresAtMillis {
                if state.electionRevision != electionRevision { r.note("leader (election revision \(electionRevision))") }
                state.electionRevision = electionRevision
            }
        case .fetched(let blocks, let head, let failed):
            state.failed = failed
            if let head { state.head = max(state.head ?? 0, head) }
            for b in blocks where b.height == state.next {
                r.commands.append(.append(height: b.height, payload: b.payload))
                state.next = b.height + 1
            }
            state.needFetch = state.head.map { $0 >= state.next } ?? false
            state.caughtUp = !state.needFetch
        case .headChanged(let h):
            state.head = max(state.head ?? 0, h)
            if h >= state.next { state.needFetch = true; state.caughtUp = false }
        case .produced(let h, let payload, let cycle):
            state.producing = nil
            guard let rev = state.electionRevision, h == state.next, state.caughtUp else {
                r.note("dropping block \(h) produced for \(cycle ?? "genesis"): no longer leader or not at the head")
                break
            }
            state.committing = PendingCommit(height: h, payload: payload, cycle: cycle)
            r.commands.append(.commit(height: h, payload: payload, electionRevision: rev))
        case .productionFailed(let cycle, let reason):
            state.producing = nil
            if let cycle, state.electionRevision != nil {
                state.failed.insert(cycle)
                r.commands.append(.markFailed(cycle: cycle, reason: reason))
                r.note("cycle \(cycle) failed: \(reason)")
            }
        case .productionDeferred(let reason):
            state.producing = nil
            state.lastProduceMillis = state.now
            r.note(reason)
        case .commitResult(let h, let outcome):
            let pending = state.committing
            state.committing = nil
            switch outcome {
            case .committed:
                guard let p = pending, p.height == h, h == state.next else { break }
                r.commands.insert(.append(height: h, payload: p.payload), at: 0)
                state.next = h + 1
                state.head = max(state.head ?? 0, h)
                r.note("committed block \(h)\(p.cycle.map { " (cycle \($0))" } ?? " (genesis)")")
            case .heightTaken:
                state.needFetch = true; state.caughtUp = false
                r.note("block \(h) was already committed by another leader; fetching it")
            case .fenced:
                r.note("fenced: the election key is no longer ours; block \(h) not committed, stepping down")
                state.electionRevision = nil
                state.needFetch = true; state.caughtUp = false
            case .unknown(let why):
                // The txn may or may not have been applied: read etcd before doing anything else.
                r.note("commit of block \(h) has an unknown outcome (\(why)); re-reading etcd")
                state.needFetch = true; state.caughtUp = false
            }
        case .appliedRecorded(let h):
            state.appliedRecorded = h
        case .callFailed(let what, let why):
            r.note("\(what) failed: \(why)")
            if what == "fetch" { state.needFetch = true }
        case .stop:
            state.stopping = true
            if let l = state.lease { r.commands.append(.revokeLease(l.id)) }
            state.lease = nil; state.electionRevision = nil
        }
        return r
    }

    /// Forgets the lease and leadership. The lease is also revoked (best effort): if etcd
    /// still had it, the election key goes at once instead of one TTL later.
    private mutating func loseLease(_ why: String, _ r: inout Ready) {
        if state.electionRevision != nil { r.note("stepping down: \(why)") }
        if let l = state.lease { r.commands.append(.revokeLease(l.id)) }
        state.lease = nil
        state.electionRevision = nil
    }

    private mutating func tick(due: [String], _ r: inout Ready) {
        let now = state.now
        guard !state.stopping else { return }
        if !state.registered, now - state.lastRegisterMillis >= config.retryMillis {
            state.lastRegisterMillis = now
            r.commands.append(.register)
        }
        if let l = state.lease, now >= l.expiresAtMillis { loseLease("lease \(l.id) not renewed within its TTL", &r) }
        if state.lease == nil {
            if now - state.lastGrantMillis >= config.retryMillis {
                state.lastGrantMillis = now
                r.commands.append(.grantLease(ttlSeconds: config.leaseTTLSeconds, sentAtMillis: now))
            }
        } else if var l = state.lease, now - l.lastKeepAliveMillis >= config.keepAliveEveryMillis {
            l.lastKeepAliveMillis = now
            state.lease = l
            r.commands.append(.keepAlive(lease: l.id, sentAtMillis: now))
        }
        if state.needFetch || now - state.lastFetchMillis >= config.pollEveryMillis {
            state.lastFetchMillis = now
            r.commands.append(.fetch(fromHeight: state.next))
        }
        if let l = state.lease, state.registered, state.electionRevision == nil, state.caughtUp, state.canLead,
           now - state.lastCampaignMillis >= config.campaignEveryMillis {
            state.lastCampaignMillis = now
            r.commands.append(.campaign(lease: l.id))
        }
        if state.electionRevision != nil, let l = state.lease, state.caughtUp, state.producing == nil, state.committing == nil,
           now + config.commitMarginMillis < l.expiresAtMillis, now - state.lastProduceMillis >= config.retryMillis / 2 {
            if state.next == 0 {
                state.producing = 0
                r.commands.append(.produce(height: 0, cycle: nil))
            } else if let c = due.first(where: { !state.failed.contains($0) }) {
                state.producing = state.next
                r.commands.append(.produce(height: state.next, cycle: c))
            }
        }
        if state.electionRevision != nil, now - state.lastPruneMillis >= config.pruneEveryMillis {
            state.lastPruneMillis = now
            r.commands.append(.prune)
        }
        if state.appliedRecorded != state.next, state.next > 0, now - state.lastAppliedMillis >= config.appliedEveryMillis {
            state.lastAppliedMillis = now
            r.commands.append(.recordApplied(nextHeight: state.next))
        }
        if now - state.lastStatusMillis >= config.statusEveryMillis {
            state.lastStatusMillis = now
            r.commands.append(.checkStatus)
        }
    }

    /// True when this node has nothing left to do for `due` (the cycles due now that its
    /// ledger does not hold): caught up with etcd and every one of them failed. Used by
    /// `--once`.
    public func isIdle(due: [String]) -> Bool {
        state.caughtUp && state.producing == nil && state.committing == nil && due.allSatisfy { state.failed.contains($0) }
    }
}
