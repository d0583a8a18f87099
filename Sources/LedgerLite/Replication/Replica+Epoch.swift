import GridClearCore

/// Committee epochs inside the core (SPEC §7, docs/replication.md "Epochs in the running
/// committee"). When a replica is given the ledger's `Membership`, the core itself decides
/// every epoch change, from committed data only:
/// - the primary of a block at a multiple of `epochBlocks` appends the epoch entry (tag 8)
///   that `Membership.nextEpochEntry` selects (reputation, lottery on the previous hash, the
///   block's trading parties excluded), as the request `epoch:<e>`; a replica endorses such a
///   block only if it holds exactly that entry (and no epoch entry anywhere else) — or, with
///   `epochBlocks` = 1 only, an operator's key replacement alone in its place;
/// - executing the block that holds it ends the epoch: nothing more happens in that `step`
///   (so the driver appends the block before anything of the new epoch is persisted or sent),
///   and the replica continues as member `index(ofKey:)` of the new committee — view 0, an
///   empty signing guard (every signature names the epoch), the stable checkpoint at the
///   boundary block — or as an observer when it was not chosen;
/// - FETCH and BLOCKS travel in the *roster domain* (committee id with epoch `rosterEpoch`,
///   sender = index in the roster, ascending node ids), so a replica that missed an epoch
///   change, or an observer, catches up across any number of epochs: every block is verified
///   against the committee in force at its height before it is applied.
/// Without a membership (`membership == nil`) the replica runs one fixed committee as before.
extension Replica {
    /// The replica id of a node outside the committee in force (an observer).
    public static let observerID = ReplicaID.max
    /// The epoch number of the roster domain (state transfer across epochs).
    public static let rosterEpoch = UInt64.max

    /// True when this replica is a member of the committee in force.
    public var isMember: Bool { committee.key(of: id) == config.signer.publicKey }

    static func rosterDomain(_ m: Membership) -> Committee? {
        try? Committee(id: CommitteeID(chain: m.chain, epoch: rosterEpoch), keys: m.roster.map(\.publicKey))
    }

    /// Sets up the replica for the membership's committee (at start or after an epoch entry).
    mutating func adopt(_ m: Membership) {
        membership = m
        rosterDomain = Self.rosterDomain(m)
        config.committee = m.committee
        config.id = m.committee.index(ofKey: config.signer.publicKey) ?? Self.observerID
        epochStart = (m.epochStartHeight, m.epochStartHeight == tip.height ? tip.hash : m.epochStartHash)
    }

    /// The durable state of the epoch starting at `epochStart`: view 0, nothing signed.
    func freshDurable() -> DurableState {
        var d = DurableState(genesisHash: epochStart.hash.isEmpty ? [UInt8](repeating: 0, count: 32) : epochStart.hash)
        d.stableCheckpoint = CheckpointProof(seq: epochStart.height, digest: d.stableCheckpoint.digest, votes: [])
        return d
    }

    /// Whether a persisted state belongs to the committee in force (a state of an earlier
    /// epoch is obsolete once the ledger holds the block that ended that epoch).
    func belongsToEpoch(_ d: DurableState) -> Bool {
        guard d.stableCheckpoint.seq >= epochStart.height else { return false }
        let messages = d.stableCheckpoint.votes + d.prepared.values.flatMap { [$0.prePrepare] + $0.prepares }
        return messages.allSatisfy { $0.committee == committee.id }
    }

    /// Folds an executed block into the membership; starts the next epoch when the block
    /// holds an epoch entry. Returns true when it did.
    mutating func applyMembership(_ cb: CertifiedBlock) -> Bool {
        guard var m = membership else { return false }
        let entry: CommitteeEpochEntry?
        do { entry = try m.apply(cb.block, certificate: cb.certificate, verified: knownVerification(in: cb.block)) } catch {
            event(.dropped(from: nil, reason: "certified block \(cb.height) breaks the membership rules: \(error)"))
            return false
        }
        membership = m
        pruneKeyReplacements()
        if cb.block.entries.contains(where: { $0.tag == .membership }) { rosterDomain = Self.rosterDomain(m) }
        guard entry != nil else { return false }
        adopt(m)
        durable = freshDurable()
        slots = [:]; executedHashes = [tip.height: tip.hash]
        checkpointVotes = [:]; viewChanges = [:]; senderViews = [:]
        installedNewView = nil; ownViewChange = nil; ownCheckpoint = nil; lastCommitVote = nil
        endorsements = [:]; timerDeadline = nil; backoff = 1; helped = [:]
        lagHint = nil; fetchAttempts = 0; behindEpoch = false
        event(.epochStarted(committee: committee, member: isMember ? id : nil, fromHeight: tip.height + 1))
        if isMember { armTimerIfNeeded() }
        return true
    }

    /// The epoch entry block `seq` must hold (with `entries`, its other entries), or nil.
    func boundaryEntry(seq: UInt64, entries: [LedgerEntry]) -> CommitteeEpochEntry? {
        guard let m = membership, m.params.epochBlocks > 0, seq % m.params.epochBlocks == 0 else { return nil }
        return try? m.nextEpochEntry(previousHash: tip.hash, blockEntries: entries,
                                     reason: "epoch \(m.committee.id.epoch + 1) from block \(seq + 1)")
    }

    /// Why the proposal for the block on the tip breaks the epoch rules, or nil.
    mutating func epochProblem(_ p: Proposal) -> String? {
        guard let m = membership else { return nil }
        if let why = verifyProposedReplacement(p.block) { return why }
        if let why = m.proposalProblem(p.block, verified: knownVerification(in: p.block)) { return why }
        let given = p.block.entries.compactMap { e -> CommitteeEpochEntry? in if case .committeeEpoch(let c) = e { return c }; return nil }
        let expected = boundaryEntry(seq: p.block.header.height, entries: p.block.entries.filter { $0.tag != .committeeEpoch })
        guard var want = expected else {
            // No reputation epoch is due: only an operator's key replacement may start one
            // (`proposalProblem` checked it against `Membership.keyReplacementEntries`).
            return given.allSatisfy({ $0.selection == .operatorDecision }) ? nil
                : "block \(p.block.header.height) holds an epoch entry where none is due"
        }
        // An epoch every block: an operator's key replacement alone (its two derived entries,
        // checked by `proposalProblem`) may take the reputation entry's place (`proposeIfPrimary`).
        if m.params.epochBlocks == 1, given.count == 1, given[0].selection == .operatorDecision,
           p.block.entries.allSatisfy({ $0.tag == .membership || $0.tag == .committeeEpoch }) { return nil }
        guard given.count == 1 else { return "block \(p.block.header.height) must hold the entry of epoch \(want.epoch) exactly once" }
        want.reason = given[0].reason
        return want == given[0] ? nil : "the epoch entry is not the committee the membership selects"
    }

    /// A FETCH or BLOCKS of the roster domain.
    mutating func receiveRoster(_ m: SignedMessage) {
        guard let domain = rosterDomain, (try? m.verify(in: domain, scheme: config.scheme)) != nil else {
            event(.dropped(from: nil, reason: "roster message from an unknown node or badly signed")); return
        }
        guard domain.key(of: m.sender) != config.signer.publicKey else { return }
        switch m.message {
        case .fetch(let h):
            if h <= tip.height { out.requests.append(.serveBlocks(to: m.sender, fromHeight: h)) }
        case .blocks(let bs): onBlocks(from: m.sender, bs)
        default: event(.dropped(from: nil, reason: "only FETCH and BLOCKS travel in the roster domain"))
        }
    }

    /// Sends `m` (FETCH or BLOCKS) to roster node `r`.
    mutating func sendRoster(_ m: Message, to r: ReplicaID) {
        guard let domain = rosterDomain, let me = rosterIndex(in: domain), r != me else { return }
        do {
            let s = try SignedMessage.sign(m, committee: domain.id, sender: me, signer: config.signer)
            out.messages.append(Outbound(to: .roster(r), message: s))
        } catch { event(.dropped(from: nil, reason: "\(error)")) }
    }

    /// State transfer with a membership: asks a member of the committee in force (rotating)
    /// for the blocks after the tip — an observer always, a member when it saw that it is
    /// behind (a later height, or a later epoch) or while it is changing views (its peers may
    /// have moved to a later epoch and no longer send it anything it can verify).
    mutating func fetchFromRoster() {
        let behind = lagHint.map { $0.height > tip.height } ?? false
        if !behind { lagHint = nil }
        guard !isMember || behind || behindEpoch || !isActive, let domain = rosterDomain else { return }
        let me = rosterIndex(in: domain)
        let others = committee.keys.compactMap { domain.index(ofKey: $0) }.filter { $0 != me && domain.key(of: $0) != config.signer.publicKey }
        guard !others.isEmpty else { return }
        var start = 0
        if let lag = lagHint, let k = committee.key(of: lag.peer), let r = domain.index(ofKey: k), let i = others.firstIndex(of: r) { start = i }
        let peer = others[(start + Int(fetchAttempts % UInt64(others.count))) % others.count]
        fetchAttempts += 1
        if behindEpoch && fetchAttempts > 2 * UInt64(others.count) { behindEpoch = false }
        sendRoster(.fetch(fromHeight: tip.height + 1), to: peer)
    }

    /// An observer's step: it only follows the chain (and keeps requests for when it is chosen).
    mutating func observe(_ input: Input) {
        switch input {
        case .received(let bytes):
            if let m = try? SignedMessage.decode(bytes) { observe(.message(m)) }
        case .message(let m):
            if m.committee.epoch == Self.rosterEpoch { receiveRoster(m) }
        case .tick(let t):
            now = max(now, t)
            if now >= nextRetransmit { nextRetransmit = now + config.retransmitMillis; fetchFromRoster() }
        case .request(let r):
            if !committedIDs.contains(r.id), !pending.contains(where: { $0.id == r.id }), admissible(r) { pending.append(r) }
        case .endorsed: break
        case .serveBlocks(let to, let blocks):
            if !blocks.isEmpty { sendRoster(.blocks(blocks), to: to) }
        }
    }
}
