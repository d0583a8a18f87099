/// One participant's submission file that was rejected at gate closure while the rest of the
/// cycle cleared (per-participant intake): whose file, which file (relative to the cycle
/// folder, e.g. `bids/alice.csv`) and the one-line error, at most
/// `RejectedCycleEntry.maxReasonBytes`. Recorded in the same batch as the cycle's
/// `ClearedCycleEntry`, so the ledger names every submission that did not take part.
public struct RejectedSubmissionEntry: Sendable, Hashable {
    public var cycleID: String
    public var participantID: String
    public var file: String
    public var reason: String
    public init(cycleID: String, participantID: String, file: String, reason: String) {
        self.cycleID = cycleID; self.participantID = participantID; self.file = file
        var r = reason
        while r.utf8.count > RejectedCycleEntry.maxReasonBytes { r.removeLast() }
        self.reason = r
    }
}
