import GridClearCore

/// One PBFT replica as a pure state machine (Castro & Liskov, OSDI '99 / TOCS '02, with
/// signatures): no I/O, no clock, no randomness. Inputs go in through `step`; everything the
/// driver must do comes out as a `Ready` (persist, append, send, ask the application).
///
/// What is ordered: ledger blocks. Sequence number n is block height n (genesis is 0). A
/// replica prepares block n only on top of its own executed block n − 1 (pipeline depth one),
/// which makes the chain linkage of every proposal checkable by every replica and keeps the
/// new-view sets gap-free.
///
/// Guarantees, with at most f Byzantine members of n ≥ 3f + 1:
/// - safety: no two honest replicas commit different blocks at one height, across views,
///   crashes and restarts (given the driver persists `Ready.persist` before sending);
/// - every committed block comes with a `QuorumCertificate` of `quorum` commit signatures;
/// - a replica votes for a block only if its application endorsed it (seed 002);
/// - liveness under partial synchrony: after the network heals, pending requests commit.
/// Hostile or malformed input is dropped and reported as `ReplicaEvent.dropped`, never a trap.
public struct Replica: Sendable {
    /// The committee and this replica's index in it change at epoch boundaries (`Replica+Epoch`).
    public internal(set) var config: ReplicaConfig
    public internal(set) var durable: DurableState
    public internal(set) var tip: ChainTip

    /// Normal-case state of one sequence number in the current view.
    struct Slot: Sendable {
        var prePrepare: SignedMessage?
        var proposal: Proposal?
        var digest: [UInt8]?
        var prepares: [ReplicaID: SignedMessage] = [:]
        var commits: [ReplicaID: SignedMessage] = [:]
        var endorsementAsked = false
        var sentPrepare: SignedMessage?
        var sentCommit: SignedMessage?
        var prepared = false
    }

    var slots: [UInt64: Slot] = [:]
    /// Hashes of executed blocks above the stable checkpoint (and the checkpoint itself).
    var executedHashes: [UInt64: [UInt8]] = [:]
    var committedIDs: Set<String>
    var pending: [Request] = []
    /// `BlockBudget.cost` of queued requests (computed once, at submission or at the first cut).
    var requestCost: [String: Int] = [:]
    /// Operator key replacements whose signature this replica verified, by request id: those
    /// queued and those of proposals above the tip; the rest dropped after each block
    /// (`Replica+KeyReplacement`). Each request's signature is verified once.
    var verifiedReplacements: [String: VerifiedKeyReplacement] = [:]
    var checkpointVotes: [UInt64: [ReplicaID: SignedMessage]] = [:]
    var viewChanges: [UInt64: [ReplicaID: SignedMessage]] = [:]
    /// Highest VIEW-CHANGE view seen from each member (the f + 1 join rule).
    var senderViews: [ReplicaID: UInt64] = [:]
    var installedNewView: SignedMessage?
    var ownViewChange: SignedMessage?
    var ownCheckpoint: SignedMessage?
    var lastCommitVote: SignedMessage?
    /// Block hash → did the application endorse it.
    var endorsements: [[UInt8]: Bool] = [:]
    var now: Int64 = 0
    var timerDeadline: Int64?
    var backoff: Int64 = 1
    var nextRetransmit: Int64 = 0
    var helped: [ReplicaID: Int64] = [:]
    /// Highest height some member showed it has executed, and who (state transfer target).
    var lagHint: (height: UInt64, peer: ReplicaID)?
    var fetchAttempts: UInt64 = 0
    var out = Ready()
    /// The ledger's membership, folded up to the tip (nil: one fixed committee).
    public internal(set) var membership: Membership?
    /// The whole roster as the signing domain of FETCH and BLOCKS (with a membership).
    var rosterDomain: Committee?
    /// The block after which the committee in force started (genesis: 0).
    var epochStart: (height: UInt64, hash: [UInt8]) = (0, [])
    /// A message of a later epoch of this chain arrived: this replica missed an epoch change.
    var behindEpoch = false

    public var id: ReplicaID { config.id }
    public var committee: Committee { config.committee }
    public var view: UInt64 { durable.view }
    /// True in normal operation; false between sending VIEW-CHANGE and accepting NEW-VIEW.
    public var isActive: Bool { durable.active }
    public var isPrimary: Bool { committee.primary(ofView: view) == id }
    public var lowWatermark: UInt64 { durable.stableCheckpoint.seq }
    public var highWatermark: UInt64 { lowWatermark + config.window }
    public var pendingRequests: [Request] { pending }

    /// A replica over a ledger whose last block is `tip`. `durable` is what the previous
    /// incarnation persisted (nil on first start). `committedRequestIDs`: request ids already
    /// in the ledger (e.g. its recorded cycle ids), never ordered again. `membership`: the
    /// ledger's membership at `tip` — then the committee and this replica's index come from it
    /// (`config.committee` and `config.id` are replaced), epochs change inside the core, and a
    /// `durable` state of an earlier epoch is discarded.
    public init(config: ReplicaConfig, tip: ChainTip, durable: DurableState?, committedRequestIDs: Set<String> = [],
                membership: Membership? = nil) {
        self.config = config
        self.tip = tip
        self.durable = DurableState(genesisHash: tip.height == 0 ? tip.hash : [UInt8](repeating: 0, count: 32))
        self.committedIDs = committedRequestIDs
        var d = durable ?? self.durable
        if let membership {
            adopt(membership)
            d = durable.flatMap { belongsToEpoch($0) ? $0 : nil } ?? freshDurable()
        }
        if d.stableCheckpoint.seq > tip.height {
            // The ledger lost blocks the checkpoint covered (restored from an old copy): keep the
            // proof for view changes, state transfer brings the blocks back.
            lagHint = (d.stableCheckpoint.seq, self.config.committee.primary(ofView: d.view))
        }
        d.prepared = d.prepared.filter { $0.key > d.stableCheckpoint.seq }
        self.durable = d
        executedHashes[tip.height] = tip.hash
    }

    /// Feeds one input; returns what the driver must do (see `Ready` for the order).
    public mutating func step(_ input: Input) -> Ready {
        if membership != nil && !isMember {
            observe(input)
            defer { out = Ready() }
            return out
        }
        switch input {
        case .received(let bytes):
            do { receive(try SignedMessage.decode(bytes)) } catch { event(.dropped(from: nil, reason: "\(error)")) }
        case .message(let m): receive(m)
        case .tick(let t): onTick(t)
        case .request(let r): onRequest(r)
        case .endorsed(let hash, let agrees, let reason): onEndorsed(hash, agrees, reason)
        case .serveBlocks(let to, let blocks):
            if membership != nil {
                if !blocks.isEmpty { sendRoster(.blocks(blocks), to: to) }
            } else if !blocks.isEmpty, to != id { send(.blocks(blocks), to: .replica(to)) }
        }
        #if DEBUG
        checkInvariants()
        #endif
        defer { out = Ready() }
        return out
    }

    // MARK: - plumbing

    mutating func event(_ e: ReplicaEvent) { out.events.append(e) }
    mutating func persist() { out.persist = durable }

    /// Signs and queues a message; returns it (nil when signing failed, reported).
    @discardableResult
    mutating func send(_ m: Message, to: Destination = .all) -> SignedMessage? {
        do {
            let s = try SignedMessage.sign(m, committee: committee.id, sender: id, signer: config.signer)
            out.messages.append(Outbound(to: to, message: s))
            return s
        } catch {
            event(.dropped(from: id, reason: "\(error)"))
            return nil
        }
    }

    mutating func resend(_ m: SignedMessage?, to: Destination = .all) {
        if let m { out.messages.append(Outbound(to: to, message: m)) }
    }

    /// Asks the guard; reports a refusal.
    mutating func guardPermits(view v: UInt64, seq: UInt64, digest: [UInt8]) -> Bool {
        if let why = durable.signingGuard.permit(view: v, seq: seq, digest: digest) {
            event(.refusedToSign(view: v, seq: seq, reason: why))
            return false
        }
        persist()
        return true
    }

    /// Verifies the envelope and routes the message. Own messages echoed back are ignored.
    mutating func receive(_ m: SignedMessage) {
        if membership != nil {
            if m.committee.epoch == Self.rosterEpoch { receiveRoster(m); return }
            if m.committee.chain == committee.id.chain, m.committee.epoch > committee.id.epoch { behindEpoch = true; return }
        }
        do { try m.verify(in: committee, scheme: config.scheme) } catch {
            event(.dropped(from: m.sender, reason: "\(error)")); return
        }
        guard m.sender != id else { return }
        switch m.message {
        case .prePrepare(let pp): onPrePrepare(m, pp)
        case .prepare(let v): onVote(m, v, isCommit: false)
        case .commit(let v): onVote(m, v, isCommit: true)
        case .checkpoint(let c): onCheckpoint(m, c)
        case .viewChange(let vc): onViewChange(m, vc)
        case .newView(let nv): onNewView(m, nv)
        case .fetch(let h):
            if h <= tip.height { out.requests.append(.serveBlocks(to: m.sender, fromHeight: h)) }
        case .blocks(let bs): onBlocks(from: m.sender, bs)
        }
    }

    mutating func onRequest(_ r: Request) {
        guard !committedIDs.contains(r.id), !pending.contains(where: { $0.id == r.id }), admissible(r) else { return }
        do { requestCost[r.id] = try admit(r) } catch { event(.dropped(from: nil, reason: error.description)); return }
        pending.append(r)
        armTimerIfNeeded()
        proposeIfPrimary()
    }

    /// Starts the view-change timer when there is outstanding work and no timer runs. During
    /// a view change the timer starts only once a quorum of VIEW-CHANGEs for the target view is
    /// in (PBFT's liveness rule): a replica alone in a view change waits for the others
    /// instead of running ahead into views nobody else will join.
    mutating func armTimerIfNeeded() {
        guard timerDeadline == nil else { return }
        if isActive {
            // Only unexecuted slots are outstanding work (executed ones stay until the next
            // stable checkpoint; counting them made an idle committee change views forever).
            let work = !pending.isEmpty || slots.contains { $0.key > tip.height && $0.value.prePrepare != nil }
            if work { timerDeadline = now + config.viewChangeTimeoutMillis * backoff }
        } else if (viewChanges[view]?.count ?? 0) >= committee.quorum {
            timerDeadline = now + config.viewChangeTimeoutMillis * backoff
        }
    }

    mutating func onTick(_ t: Int64) {
        now = max(now, t)
        if !isActive && ownViewChange == nil {
            // Restarted in the middle of a view change: announce it again.
            sendViewChange()
            tryNewView()
        }
        if let d = timerDeadline, now >= d {
            timerDeadline = nil
            startViewChange(to: view + 1)
        }
        if now >= nextRetransmit {
            nextRetransmit = now + config.retransmitMillis
            retransmit()
        }
        proposeIfPrimary()
    }

    /// Re-sends this replica's latest messages (the network may have lost them) and asks a
    /// peer for blocks when behind.
    mutating func retransmit() {
        if isActive {
            for s in slots.keys.sorted() where s > tip.height {
                guard let slot = slots[s] else { continue }
                if isPrimary { resend(slot.prePrepare) }
                resend(slot.sentPrepare); resend(slot.sentCommit)
            }
            resend(lastCommitVote)
        } else {
            resend(ownViewChange)
        }
        if let c = ownCheckpoint, case .checkpoint(let x) = c.message, x.seq > lowWatermark { resend(c) }
        if membership != nil { fetchFromRoster(); return }
        if let lag = lagHint {
            if lag.height > tip.height {
                // Ask the member that showed progress first, then rotate (it may be silent).
                let n = UInt64(committee.n)
                var peer = ReplicaID((UInt64(lag.peer) + fetchAttempts) % n)
                if peer == id { peer = ReplicaID((UInt64(peer) + 1) % n) }
                fetchAttempts += 1
                send(.fetch(fromHeight: tip.height + 1), to: .replica(peer))
            } else { lagHint = nil; fetchAttempts = 0 }
        }
    }

    /// Notes that `peer` has reached `height` (for state transfer).
    mutating func noteProgress(of peer: ReplicaID, height: UInt64) {
        guard height > tip.height else { return }
        if lagHint.map({ height > $0.height }) ?? true { lagHint = (height, peer) }
    }
}
