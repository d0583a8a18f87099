import GridClearCore

/// A client request: a batch of ledger entries that must land whole in one block, exactly
/// once. `id` names it (for a cleared cycle: the cycle id); a committed id is never ordered again.
///
/// An operator's key replacement (`init(replacing:)`) carries no entries of its own: the
/// primary derives them when it cuts the block (`Membership.keyReplacementEntries`, from the
/// signed request and the ledger at that height) and every replica derives them again to vote.
public struct Request: Sendable, Hashable {
    public var id: String
    public var entries: [LedgerEntry]
    public var keyReplacement: KeyReplacement?
    public init(id: String, entries: [LedgerEntry]) { self.id = id; self.entries = entries }
    public init(replacing k: KeyReplacement) { id = k.requestID; entries = []; keyReplacement = k }
}

/// Where one request sits in a proposed block: its id and how many consecutive entries it has.
public struct RequestRef: Sendable, Hashable {
    public var id: String
    public var entryCount: UInt32
    public init(id: String, entryCount: UInt32) { self.id = id; self.entryCount = entryCount }
}

/// What a primary proposes at one sequence number: a complete ledger block (header, entries,
/// the proposer's Ed25519 signature over the block hash) and the request boundaries. The
/// block hash is view-independent, so a block re-proposed after a view change keeps its hash.
public struct Proposal: Sendable, Hashable {
    public var block: Block
    public var requests: [RequestRef]
    public init(block: Block, requests: [RequestRef]) { self.block = block; self.requests = requests }
    public var digest: [UInt8] { LedgerHash.blockHash(block.header) }
}

/// PRE-PREPARE ⟨v, n, block⟩ from the primary of view v.
public struct PrePrepare: Sendable, Hashable {
    public var view: UInt64
    public var seq: UInt64
    public var proposal: Proposal
    public init(view: UInt64, seq: UInt64, proposal: Proposal) { self.view = view; self.seq = seq; self.proposal = proposal }
}

/// PREPARE or COMMIT ⟨v, n, d⟩: a replica's vote for block hash d at sequence n in view v.
public struct Vote: Sendable, Hashable {
    public var view: UInt64
    public var seq: UInt64
    public var digest: [UInt8]
    public init(view: UInt64, seq: UInt64, digest: [UInt8]) { self.view = view; self.seq = seq; self.digest = digest }
}

/// CHECKPOINT ⟨n, d⟩: the replica executed block n, whose hash (which chains the whole
/// ledger up to n) is d.
public struct Checkpoint: Sendable, Hashable {
    public var seq: UInt64
    public var digest: [UInt8]
    public init(seq: UInt64, digest: [UInt8]) { self.seq = seq; self.digest = digest }
}

/// A stable checkpoint: `quorum` signed CHECKPOINT messages for one (n, d). Sequence 0 (the
/// genesis block every member starts from) is stable by definition and carries no votes.
public struct CheckpointProof: Sendable, Hashable {
    public var seq: UInt64
    public var digest: [UInt8]
    public var votes: [SignedMessage]
    public init(seq: UInt64, digest: [UInt8], votes: [SignedMessage]) { self.seq = seq; self.digest = digest; self.votes = votes }
    public static func genesis(_ hash: [UInt8]) -> CheckpointProof { CheckpointProof(seq: 0, digest: hash, votes: []) }
}

/// Proof that a block was prepared in some view: the primary's signed PRE-PREPARE and
/// `quorum` signed PREPAREs for its hash, same view and sequence, distinct senders.
public struct PreparedCertificate: Sendable, Hashable {
    public var prePrepare: SignedMessage
    public var prepares: [SignedMessage]
    public init(prePrepare: SignedMessage, prepares: [SignedMessage]) { self.prePrepare = prePrepare; self.prepares = prepares }
}

/// VIEW-CHANGE ⟨v+1, stable checkpoint, prepared certificates above it⟩.
public struct ViewChange: Sendable, Hashable {
    public var newView: UInt64
    public var checkpoint: CheckpointProof
    public var prepared: [PreparedCertificate]
    public init(newView: UInt64, checkpoint: CheckpointProof, prepared: [PreparedCertificate]) {
        self.newView = newView; self.checkpoint = checkpoint; self.prepared = prepared
    }
}

/// NEW-VIEW ⟨v, V, O⟩: `quorum` VIEW-CHANGEs for v and the PRE-PREPAREs for v that every
/// replica recomputes from them (`NewViewPlan`).
public struct NewView: Sendable, Hashable {
    public var view: UInt64
    public var viewChanges: [SignedMessage]
    public var prePrepares: [SignedMessage]
    public init(view: UInt64, viewChanges: [SignedMessage], prePrepares: [SignedMessage]) {
        self.view = view; self.viewChanges = viewChanges; self.prePrepares = prePrepares
    }
}

/// One protocol message. `kind` is its tag in the encoding and in the signing domain.
public enum Message: Sendable, Hashable {
    case prePrepare(PrePrepare)
    case prepare(Vote)
    case commit(Vote)
    case checkpoint(Checkpoint)
    case viewChange(ViewChange)
    case newView(NewView)
    /// State transfer: "send me your certified blocks from this height on".
    case fetch(fromHeight: UInt64)
    /// State transfer answer: consecutive certified blocks (self-authenticating).
    case blocks([CertifiedBlock])

    public enum Kind: UInt8, Sendable, CaseIterable {
        case prePrepare = 1, prepare = 2, commit = 3, checkpoint = 4, viewChange = 5, newView = 6, fetch = 7, blocks = 8
    }

    public var kind: Kind {
        switch self {
        case .prePrepare: return .prePrepare
        case .prepare: return .prepare
        case .commit: return .commit
        case .checkpoint: return .checkpoint
        case .viewChange: return .viewChange
        case .newView: return .newView
        case .fetch: return .fetch
        case .blocks: return .blocks
        }
    }

    /// The view a normal-case or view-change message belongs to.
    public var view: UInt64? {
        switch self {
        case .prePrepare(let p): return p.view
        case .prepare(let v), .commit(let v): return v.view
        case .viewChange(let vc): return vc.newView
        case .newView(let nv): return nv.view
        case .checkpoint, .fetch, .blocks: return nil
        }
    }
}
