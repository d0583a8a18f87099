import GridClearApp
import GridClearCore
import LedgerLite

/// The application side of a replica, injected by the front end (the CLI wires
/// `GridClearApp`'s scanner, planner, `CycleService` and `ReplayService`), so this target
/// stays free of clearing code. `clear` and `reexecute` run on a worker thread.
public struct ReplicaApplication: Sendable {
    /// Outcome of clearing one cycle locally.
    public enum Cleared: Sendable {
        /// The entries recording it (a cleared cycle, or a rejected cycle when its inputs are invalid).
        case entries([LedgerEntry])
        /// Not the cycle's fault (environment, options): not proposed by this replica in this run.
        case skipped(String)
    }

    /// Cycle ids due at `nowMillis` (UTC ms) that `state` does not record, in cycle order.
    public var due: @Sendable (_ state: ChainState, _ nowMillis: Int64) -> [String]
    /// Clears one cycle from this replica's own inputs, with the participants' reputation the
    /// committed ledger holds (canonical `reputation.json` bytes; the CSV columns are not used).
    public var clear: @Sendable (_ cycle: String, _ reputationJSON: [UInt8]) -> Cleared
    /// Re-executes a recorded cleared cycle (replay): nil when byte-identical, else why not.
    public var reexecute: @Sendable (_ entry: ClearedCycleEntry) -> String?
    /// Called after a block is durably appended (publish outputs, log).
    public var committed: @Sendable (_ block: Block) -> Void

    public init(due: @escaping @Sendable (ChainState, Int64) -> [String], clear: @escaping @Sendable (String, [UInt8]) -> Cleared,
                reexecute: @escaping @Sendable (ClearedCycleEntry) -> String?, committed: @escaping @Sendable (Block) -> Void) {
        self.due = due; self.clear = clear; self.reexecute = reexecute; self.committed = committed
    }
}

/// Endorsement (seed 002): a replica votes for a proposed block only if every cycle in it is
/// what this replica computes itself — compared byte for byte with its own clearing of its own
/// inputs when it has them, else re-cleared from the recorded inputs (`ReplayService`, via
/// `reexecute`) — and its committee entries (tags 7–9) are what the membership allows.
enum BlockEndorsement {
    /// nil when the proposal is endorsed, else the reason and the cycle concerned. `local`
    /// holds this replica's own results by request id; `reputation` the `reputation.json`
    /// input each cleared cycle must carry (`ReplicatedLedger.expectedReputationInputs`);
    /// `verified` the key replacement the core already verified (`Replica.knownVerification`).
    static func check(_ p: Proposal, local: [String: [LedgerEntry]], membership: Membership,
                      reputation: [String: [UInt8]], app: ReplicaApplication,
                      verified: [VerifiedKeyReplacement] = []) -> (reason: String, cycle: String?)? {
        var at = 0
        for ref in p.requests {
            let n = Int(ref.entryCount)
            guard at + n <= p.block.entries.count else { return ("request boundaries out of range", nil) }
            let entries = Array(p.block.entries[at..<(at + n)])
            at += n
            let isCycle = entries.allSatisfy { e in
                switch e { case .clearedCycle, .rejectedCycle: return true; default: return false }
            }
            guard isCycle else { continue }  // committee entries: checked below
            guard entries.allSatisfy({ $0.cycleID == ref.id }) else { return ("request \(ref.id) holds entries of another cycle", ref.id) }
            for case .clearedCycle(let c) in entries where c.inputs.first(where: { $0.name == "reputation.json" })?.bytes != reputation[c.cycleID] {
                return ("cycle \(ref.id): cleared with a reputation that is not the committed ledger's (its reputation.json input differs)", ref.id)
            }
            // Own results cleared with an older reputation do not count: clear again.
            let own = local[ref.id].flatMap { usesReputation($0, reputation) ? $0 : nil }
            if let mine = own ?? ownClearing(ref.id, reputation: reputation[ref.id] ?? [], app: app) {
                if mine == entries { continue }
                if isRejection(mine), isRejection(entries) { continue }
                if isRejection(mine) { return ("cycle \(ref.id): this replica finds the inputs invalid, the proposal clears them", ref.id) }
                if isRejection(entries) { return ("cycle \(ref.id): the proposal rejects inputs this replica clears", ref.id) }
                return ("cycle \(ref.id): the proposed inputs or result differ from this replica's own clearing", ref.id)
            }
            // The cycle is not in this replica's inputs: re-clear it from the recorded inputs.
            for e in entries {
                switch e {
                case .clearedCycle(let c):
                    if let why = app.reexecute(c) { return ("cycle \(ref.id): \(why)", ref.id) }
                default:
                    return ("cycle \(ref.id): rejected, and this replica has no inputs to check the rejection", ref.id)
                }
            }
        }
        if let problem = membership.proposalProblem(p.block, verified: verified) { return (problem, nil) }
        return nil
    }

    static func ownClearing(_ id: String, reputation: [UInt8], app: ReplicaApplication) -> [LedgerEntry]? {
        if case .entries(let e) = app.clear(id, reputation) { return e }
        return nil
    }

    /// Whether a result's cleared cycles carry the expected reputation inputs.
    static func usesReputation(_ es: [LedgerEntry], _ reputation: [String: [UInt8]]) -> Bool {
        es.allSatisfy { e in
            guard case .clearedCycle(let c) = e else { return true }
            return c.inputs.first { $0.name == "reputation.json" }?.bytes == reputation[c.cycleID]
        }
    }

    static func isRejection(_ es: [LedgerEntry]) -> Bool {
        es.count == 1 && { if case .rejectedCycle = es[0] { return true }; return false }()
    }
}
