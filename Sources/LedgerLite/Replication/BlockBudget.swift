import GridClearCore

/// How many bytes of requests one block may carry in a committee, derived from the largest
/// message the transport carries (`frameBytes`), so that every message that carries blocks
/// stays under it — the NEW-VIEW, which carries the most, included.
///
/// A request's *cost* (`cost(of:)`) is exactly what it adds to a PRE-PREPARE body: each entry
/// as the block stores it (u32 length and bytes) and its boundary (text id and u32 count). A
/// PRE-PREPARE body is `prePrepareFixed` + the cost of its block's requests (the epoch entry
/// and its boundary included). `requestBytes` bounds that cost.
///
/// Why a block within the budget fits everywhere, with n members, `quorum` and `window` (each
/// count is a rule the core checks on what it accepts: `viewChangeProblem`, `checkpointProblem`,
/// `preparedProblem` — votes of distinct members, at most one certificate per sequence number
/// within the window above the checkpoint):
/// - a VIEW-CHANGE holds a checkpoint proof (≤ n votes) and ≤ `window` prepared certificates,
///   each a PRE-PREPARE and ≤ n PREPAREs;
/// - an honest primary's NEW-VIEW holds `quorum` VIEW-CHANGEs and ≤ `window` PRE-PREPAREs
///   (`NewViewPlan`: contiguous above the highest checkpoint, each from a certificate);
/// so its size is `newViewBytes(requestBytes:)` at most, linear in the request bytes; the
/// budget is the largest value that keeps it ≤ `frameBytes` (`BlockBudgetTests` builds that
/// worst case and encodes it). A PRE-PREPARE, a VIEW-CHANGE and the state file (≤ `window`
/// certificates) are smaller; BLOCKS batches are cut by bytes at the sender (the driver's
/// 16 MiB) and one block of the budget is far below the frame.
public struct BlockBudget: Sendable, Equatable {
    /// The largest message the transport carries (`TransportLimits.maxPeerFrameBytes`).
    public let frameBytes: Int
    /// Most request bytes (sum of `cost(of:)`) one block may carry; 0 when this committee
    /// and window leave no room in a frame.
    public private(set) var requestBytes = 0
    /// PRE-PREPARE body bytes besides its requests (views, counts, block header, signature).
    public let prePrepareFixed: Int
    let envelope: Int, vote: Int, checkpointVote: Int, viewChangeFixed: Int, newViewFixed: Int
    let n: Int, quorum: Int, window: Int

    public init(frameBytes: Int, window: UInt64, committee: Committee) {
        self.frameBytes = frameBytes
        // More certificates than this never fit in a 4 GiB frame anyway.
        self.window = Int(min(max(window, 1), 1 << 20))
        n = committee.n; quorum = committee.quorum
        // Sizes measured with the codec itself (fixed-size fields; the chain name is the
        // committee's, as in every envelope of this committee).
        let zero32 = [UInt8](repeating: 0, count: 32), zero64 = [UInt8](repeating: 0, count: 64)
        envelope = SignedMessage(committee: committee.id, sender: 0, message: .fetch(fromHeight: 0), body: [], signature: zero64).encoded().count
        vote = envelope + Message.prepare(Vote(view: 0, seq: 0, digest: zero32)).encodedBody().count
        checkpointVote = envelope + Message.checkpoint(Checkpoint(seq: 0, digest: zero32)).encodedBody().count
        let header = BlockHeader(height: 0, previousHash: zero32, timeMillis: 0, entryCount: 0, entriesRoot: zero32,
                                 treeSize: 0, treeRoot: zero32, signer: zero32)
        let empty = Proposal(block: Block(header: header, entries: [], signature: zero64), requests: [])
        prePrepareFixed = Message.prePrepare(PrePrepare(view: 0, seq: 0, proposal: empty)).encodedBody().count
        viewChangeFixed = Message.viewChange(ViewChange(newView: 0, checkpoint: .genesis(zero32), prepared: [])).encodedBody().count
        newViewFixed = Message.newView(NewView(view: 0, viewChanges: [], prePrepares: [])).encodedBody().count
        let fixed = newViewBytes(requestBytes: 0)
        requestBytes = fixed < frameBytes ? (frameBytes - fixed) / ((quorum + 1) * self.window) : 0
    }

    /// The largest NEW-VIEW an honest primary of this committee can send when every block
    /// carries `r` request bytes (see the type's comment); `Int.max` when it would overflow.
    public func newViewBytes(requestBytes r: Int) -> Int {
        func mul(_ a: Int, _ b: Int) -> Int { let (x, o) = a.multipliedReportingOverflow(by: b); return o ? .max : x }
        func add(_ xs: Int...) -> Int {
            xs.reduce(0) { s, x in let (y, o) = s.addingReportingOverflow(x); return o ? .max : y }
        }
        let prePrepare = add(envelope, prePrepareFixed, max(0, r))
        let certificate = add(prePrepare, 4, mul(n, vote))
        let viewChange = add(envelope, viewChangeFixed, mul(n, checkpointVote), mul(window, certificate))
        return add(envelope, newViewFixed, mul(quorum, viewChange), mul(window, prePrepare))
    }

    /// The bytes `r` adds to a PRE-PREPARE body (its entries and its boundary).
    public static func cost(of r: Request) -> Int { cost(id: r.id, entries: r.entries) }

    /// The bytes a request boundary `id` with `entries` adds to a PRE-PREPARE body — the one
    /// rule for queued requests (`cost(of:)`) and for what the primary adds itself (a key
    /// replacement's derived entries, the epoch entry).
    public static func cost(id: String, entries: [LedgerEntry]) -> Int {
        cost(id: id) + entries.reduce(0) { $0 + cost(of: $1) }
    }

    /// The bytes one entry adds to a block (u32 length and its stored encoding).
    public static func cost(of e: LedgerEntry) -> Int { 4 + e.encoded().count }

    /// The bytes one request boundary adds (text id and u32 entry count).
    public static func cost(id: String) -> Int { 4 + id.utf8.count + 4 }

    /// The request bytes a received PRE-PREPARE carries (its body beyond the fixed part).
    public func requestBytes(of prePrepare: SignedMessage) -> Int { prePrepare.body.count - prePrepareFixed }
}

/// A request that can never be ordered: its entries alone exceed what one block of the
/// committee may carry (`BlockBudget`). Returned at submission (`Replica.admit`), before the
/// request is queued anywhere.
public struct RequestTooLarge: Error, Sendable, Equatable, CustomStringConvertible {
    public var id: String
    /// The request's cost (`BlockBudget.cost(of:)`).
    public var bytes: Int
    /// What a block may carry for one request (the budget less the room kept for an epoch entry).
    public var limit: Int
    public var frameBytes: Int

    public var description: String {
        "request \(id) needs \(bytes) bytes in a block, over the \(limit) bytes one block of this committee may carry "
            + "(derived from the \(frameBytes)-byte frame limit: a NEW-VIEW must hold quorum × window blocks); "
            + "it is not ordered — clear the cycle with fewer offers and bids (smaller entries)"
    }
}
