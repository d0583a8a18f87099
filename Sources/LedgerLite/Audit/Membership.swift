import GridClearCore

/// The membership of a replicated ledger as its committed blocks define it: the genesis
/// committee, then every roster change (tag 7), committee epoch (tag 8) and recorded
/// disagreement (tag 9), folded block by block. Pure; every replica and every auditor that
/// folds the same blocks gets the same committees and the same reputation scores.
///
/// Rules (what `check` enforces for block h ≥ 1, before `apply`):
/// - the block carries a certificate of the committee in force at h (`committee`): the right
///   chain and epoch, height h, the block's hash, a quorum of valid distinct member signatures;
/// - the block's proposer (`header.signer`) is a member of that committee;
/// - a committee epoch entry names epoch + 1, members from the roster (with the roster's
///   keys, after this block's roster changes), scores equal to the replayed reputation after
///   closing the epoch, and for `.reputation` selection: sits at a height that is a multiple
///   of `epochBlocks`, excludes exactly the block's trading parties (`CommitteeExclusion`,
///   derived from its trades, never taken from the proposer) and equals
///   `CommitteeSelection.select` over the roster with the block's previous hash; it takes
///   effect from block h + 1;
/// - the roster (tag 7) changes only with an operator's key replacement: a block holding an
///   `.operatorDecision` epoch entry holds exactly the roster change and epoch entry that
///   `keyReplacementEntries` derives from the entry's signed `KeyReplacement` and the state
///   before the block, and no other tag 7 or tag 8 entry (one rule for the primary that builds
///   them, the replicas that vote and the auditor).
/// Reputation: +T_up to each member of the committee that certified a block, −T_down to the
/// node named by each disagreement entry that node signed, applied when an epoch closes (only
/// data every replica holds identically counts: certificates differ between replicas).
public struct Membership: Sendable {
    public let chain: String
    public let params: ReputationParams
    public private(set) var roster: [CommitteeMember]
    /// The committee that must certify the next block.
    public private(set) var committee: Committee
    public private(set) var members: [CommitteeMember]
    public private(set) var book: ReputationBook
    /// Height of the last block applied.
    public private(set) var height: UInt64 = 0
    /// Height and hash of the block whose epoch entry put `committee` in force (0 and empty:
    /// the genesis committee). The committee's first block is `epochStartHeight + 1`.
    public private(set) var epochStartHeight: UInt64 = 0
    public private(set) var epochStartHash: [UInt8] = []
    /// The key the genesis pins for operator key replacements (nil: keys cannot be replaced).
    public let operatorKey: [UInt8]?
    /// Nonce of every key replacement applied → height of the block that applied it.
    public private(set) var keyReplacements: [[UInt8]: UInt64] = [:]
    /// Node id → height of the block that last replaced its key (absent: its genesis key).
    /// The ledger is the authority on a node's current key: `roster` holds it, this says since when.
    public private(set) var keyReplacedAt: [String: UInt64] = [:]

    /// The genesis committee, or nil for an embedded ledger (no committee in its genesis).
    public init?(genesis g: GenesisEntry) throws {
        guard let c = g.committee else { return nil }
        try Self.validate(c.params)
        chain = g.ledgerID; params = c.params; operatorKey = c.operatorKey
        roster = c.members.sorted { $0.nodeID < $1.nodeID }
        members = c.members
        committee = try Committee(id: CommitteeID(chain: g.ledgerID, epoch: 0), keys: c.members.map(\.publicKey))
        book = ReputationBook(params: c.params, nodes: c.members.map(\.nodeID))
    }

    /// The reputation parameters a replicated ledger may use: `ReputationParams.validate`, except
    /// that committees of 1 … 3 members are allowed (no Byzantine member tolerated), and every
    /// value bounded (≤ 2^40) so no reputation arithmetic can overflow on hostile parameters.
    public static func validate(_ p: ReputationParams) throws(MembershipError) {
        var q = p
        q.committeeSize = max(4, p.committeeSize)
        do { try q.validate() } catch { throw MembershipError("\(error)") }
        let cap: Int64 = 1 << 40
        guard p.committeeSize >= 1, [p.tInit, p.tUp, p.tDown, p.tMax, p.tMin, p.lotteryRange].allSatisfy({ $0 <= cap }),
              p.epochBlocks <= UInt64(cap) else {
            throw MembershipError("reputation: committee size ≥ 1 and every value ≤ 2^40")
        }
    }

    /// Node id of replica `r` of the committee in force.
    public func nodeID(of r: ReplicaID) -> String? { Int(r) < members.count ? members[Int(r)].nodeID : nil }

    /// Checks that `block` (the next one) may follow under this membership with `certificate`.
    /// Throws a one-line reason.
    public func check(_ block: Block, certificate: QuorumCertificate?, scheme: SignatureScheme = Ed25519Scheme()) throws(MembershipError) {
        let h = block.header.height
        guard let qc = certificate else { throw MembershipError("block \(h) has no commit certificate") }
        guard qc.height == h else { throw MembershipError("the certificate is for height \(qc.height), not \(h)") }
        guard qc.blockHash == block.hash else { throw MembershipError("the certificate is for another block hash") }
        do { try qc.verify(against: committee, scheme: scheme) } catch {
            throw MembershipError("certificate of committee \(qc.committee) does not verify against committee \(committee.id): \(error)")
        }
        guard committee.index(ofKey: block.header.signer) != nil else {
            throw MembershipError("the block's proposer key \(Hex.encode(block.header.signer).prefix(16))… is not in committee \(committee.id)")
        }
        var probe = self
        _ = try probe.advance(block, certificate: qc)
    }

    /// Why the committee entries of a proposed block (tags 7–9) would not be accepted, or nil
    /// (what a replica checks before it endorses; the certificate comes later).
    /// `verified`: key replacements whose operator signature the caller already verified with
    /// this membership (`verifyKeyReplacement`; a replica remembers them per request).
    public func proposalProblem(_ block: Block, verified: [VerifiedKeyReplacement] = []) -> String? {
        var probe = self
        let none = QuorumCertificate(committee: committee.id, height: block.header.height, view: 0,
                                     blockHash: block.hash, votes: [])
        do throws(MembershipError) { _ = try probe.advance(block, certificate: none, verified: verified) } catch { return error.description }
        return nil
    }

    /// Applies a checked block. Returns the committee epoch entry it held, if any. `verified`
    /// as in `proposalProblem`.
    @discardableResult
    public mutating func apply(_ block: Block, certificate: QuorumCertificate,
                               verified: [VerifiedKeyReplacement] = []) throws(MembershipError) -> CommitteeEpochEntry? {
        try advance(block, certificate: certificate, verified: verified)
    }

    private mutating func advance(_ block: Block, certificate qc: QuorumCertificate,
                                  verified: [VerifiedKeyReplacement] = []) throws(MembershipError) -> CommitteeEpochEntry? {
        let h = block.header.height
        let signers = members.map(\.nodeID)
        try checkRosterChanges(block, verified: verified)
        var epochEntry: CommitteeEpochEntry?
        var wrong: [String] = []
        for e in block.entries {
            switch e {
            case .membership(let m):
                guard !m.roster.isEmpty else { throw MembershipError("block \(h): a roster change leaves no members") }
                roster = m.roster
            case .disagreement(let d):
                // Signed by the node itself: it counts; unsigned: on record only; forged: refused.
                guard !d.signature.isEmpty else { continue }
                guard let key = roster.first(where: { $0.nodeID == d.nodeID })?.publicKey,
                      NodeKey.verify(signature: d.signature, message: d.signingBytes(chain: chain), publicKey: key) else {
                    throw MembershipError("block \(h): the disagreement of \(d.nodeID) is not signed by that node's roster key")
                }
                wrong.append(d.nodeID)
            case .committeeEpoch(let c):
                guard epochEntry == nil else { throw MembershipError("block \(h) holds two committee epoch entries") }
                epochEntry = c
            case .genesis: throw MembershipError("block \(h) holds a genesis entry")
            default: break
            }
        }
        height = h
        // The epoch closes with what blocks before h recorded (the proposer of h cannot know
        // h's outcome); h's credit and disagreements count in the next epoch.
        if let c = epochEntry { try switchEpoch(c, block: block) }
        // Credit comes from data every replica holds byte for byte (blocks.gcl): each member of
        // the committee that certified h, as presumed endorser; a recorded (signed)
        // disagreement takes T_down. Not from the certificate's signers: replicas keep
        // different quorums for one block, so those would give different scores.
        book.record(matched: signers, wrong: wrong)
        return epochEntry
    }

    private mutating func switchEpoch(_ c: CommitteeEpochEntry, block: Block) throws(MembershipError) {
        let h = block.header.height
        guard c.epoch == committee.id.epoch + 1 else {
            throw MembershipError("block \(h): committee epoch \(c.epoch) does not follow epoch \(committee.id.epoch)")
        }
        for m in c.members where !roster.contains(m) {
            throw MembershipError("block \(h): committee member \(m.nodeID) (key \(Hex.encode(m.publicKey).prefix(16))…) is not in the roster with that key")
        }
        _ = book.closeEpoch()
        let scores = roster.map { NodeScore(nodeID: $0.nodeID, score: book.score($0.nodeID)) }
        guard scores == c.scores else {
            throw MembershipError("block \(h): the epoch entry's reputation scores differ from those replayed from the ledger (\(scores.map { "\($0.nodeID)=\($0.score)" }.joined(separator: ", ")))")
        }
        let next: Committee
        switch c.selection {
        case .reputation:
            let parties = CommitteeExclusion.tradingParties(in: block.entries, roster: roster)
            guard c.excluded == parties else {
                throw MembershipError("block \(h): the epoch entry excludes [\(c.excluded.joined(separator: ", "))] but the trading parties of the block on the roster are [\(parties.joined(separator: ", "))]")
            }
            guard h % params.epochBlocks == 0 else {
                throw MembershipError("block \(h): a reputation epoch may only start at a multiple of \(params.epochBlocks) blocks")
            }
            let sel: (committee: Committee, members: [Candidate])
            do {
                sel = try CommitteeSelection.select(candidates: roster.map { Candidate(nodeID: $0.nodeID, publicKey: $0.publicKey) }, book: book,
                                                    previousHash: block.header.previousHash, excluding: Set(c.excluded), chain: chain, epoch: c.epoch)
            } catch { throw MembershipError("block \(h): committee selection failed: \(error)") }
            guard sel.members.map(\.nodeID) == c.members.map(\.nodeID), sel.committee.primaryOffset == c.primaryOffset else {
                throw MembershipError("block \(h): the epoch's committee is not the one the reputation lottery selects (\(sel.members.map(\.nodeID).joined(separator: ", ")), offset \(sel.committee.primaryOffset))")
            }
            next = sel.committee
        case .operatorDecision:
            do {
                next = try Committee(id: CommitteeID(chain: chain, epoch: c.epoch), keys: c.members.map(\.publicKey), primaryOffset: c.primaryOffset)
            } catch { throw MembershipError("block \(h): \(error)") }
        }
        committee = next
        members = c.members
        if let k = c.authorization { keyReplacements[k.nonce] = h; keyReplacedAt[k.nodeID] = h }
        epochStartHeight = h
        epochStartHash = LedgerHash.blockHash(block.header)
    }

    /// The epoch entry a primary puts into the next block (height `height + 1`, which must be a
    /// multiple of `epochBlocks`) to start the next epoch: reputation selection over the roster
    /// with the scores replayed so far; `previousHash` is the hash of the block at `height`;
    /// `blockEntries` are the other entries of that block, whose trading parties are excluded
    /// (`CommitteeExclusion`). Pure.
    public func nextEpochEntry(previousHash: [UInt8], blockEntries: [LedgerEntry], reason: String) throws -> CommitteeEpochEntry {
        let excluding = Set(CommitteeExclusion.tradingParties(in: blockEntries, roster: roster))
        var b = book
        _ = b.closeEpoch()
        let epoch = committee.id.epoch + 1
        let sel = try CommitteeSelection.select(candidates: roster.map { Candidate(nodeID: $0.nodeID, publicKey: $0.publicKey) }, book: b,
                                                previousHash: previousHash, excluding: excluding, chain: chain, epoch: epoch)
        return CommitteeEpochEntry(epoch: epoch, selection: .reputation, primaryOffset: sel.committee.primaryOffset,
                                   members: sel.members.map { CommitteeMember(nodeID: $0.nodeID, publicKey: $0.publicKey) },
                                   scores: roster.map { NodeScore(nodeID: $0.nodeID, score: b.score($0.nodeID)) },
                                   excluded: Array(excluding), reason: reason)
    }
}

/// Why a block does not fit the membership in force (one line).
public struct MembershipError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ d: String) { description = d }
}
