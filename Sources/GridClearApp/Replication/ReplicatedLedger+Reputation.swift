import Clearing
import GridClearCore
import LedgerLite

/// Participants' reputation in the BFT mode (SPEC §7: "reputation is computed only from
/// committed data"). A replica clears a cycle with the reputation its committed ledger holds
/// (`LedgerReputation`: the fold of the reputation-change entries), never with the CSV
/// `reputation` columns of its inputs, and records it as the cycle's `reputation.json` input;
/// endorsement requires exactly that input for every cycle in a proposal — the ledger before
/// the block, then the block's earlier entries — so every replica clears with the same value
/// and `replay` rebuilds it from the ledger prefix.
extension ReplicatedLedger {
    /// `reputation` as the canonical `reputation.json` bytes a cycle is cleared with.
    public func reputationJSON() -> [UInt8] { reputation.canonicalJSON() }

    /// The `reputation.json` input each cleared cycle of `block` (the next block) must carry:
    /// the committed reputation, then the reputation changes of the block's earlier entries.
    public func expectedReputationInputs(of block: Block) -> [String: [UInt8]] {
        var snap = reputation
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
