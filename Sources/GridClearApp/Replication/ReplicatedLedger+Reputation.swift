import Clearing
import GridClearCore
import LedgerLite

/// Participants' reputation in the BFT mode (SPEC §7: "reputation is computed only from
/// committed data"). A replica clears a cycle with the reputation its committed ledger holds
/// (`LedgerReputation`: the fold of the reputation-change entries), never with the CSV
/// `reputation` columns of its inputs, and records it as the cycle's `reputation.json` input;
/// endorsement requires exactly that input for every cycle in a proposal — the ledger before
/// the block, then the block's earlier entries — so every replica clears with the same value
/// and `replay` rebuilds it from the ledger prefix. Driver thread only (the fold is cached).
extension ReplicatedLedger {
    /// The reputation after the last committed block (each new block is read once).
    public func reputationSnapshot() throws(AppError) -> ReputationSnapshot {
        var snap = reputationFold.snapshot
        var h = reputationFold.nextHeight
        let end = store.state.nextHeight
        while h < end {
            do {
                if let b = try store.block(at: h) {
                    for case .reputationChange(let r) in b.entries { snap.record(participant: r.participantID, after: r.after) }
                }
            } catch { throw AppError.wrap(error, cycle: "-") }
            h += 1
        }
        reputationFold = (end, snap)
        return snap
    }

    /// `reputationSnapshot` as the canonical `reputation.json` bytes a cycle is cleared with.
    public func reputationJSON() throws(AppError) -> [UInt8] { try reputationSnapshot().canonicalJSON() }

    /// The `reputation.json` input each cleared cycle of `block` (the next block) must carry:
    /// the committed reputation, then the reputation changes of the block's earlier entries.
    public func expectedReputationInputs(of block: Block) throws(AppError) -> [String: [UInt8]] {
        var snap = try reputationSnapshot()
        var out: [String: [UInt8]] = [:]
        for e in block.entries {
            switch e {
            case .reputationChange(let r): snap.record(participant: r.participantID, after: r.after)
            case .clearedCycle(let c): out[c.cycleID] = snap.canonicalJSON()
            default: break
            }
        }
        return out
    }
}
