import GridClearCore

/// Which roster nodes may not sit on the committee chosen in a block (SPEC §7, seed 003 §5.4:
/// "excluding the trading parties"): a node is a trading party of a block when its node id
/// is the buyer or the seller of a trade of a cycle cleared in that block. Pure: derived from
/// the block's trades alone, so every replica (which re-executes those trades before it
/// endorses) and every auditor gets the same list — a proposer cannot choose it.
public enum CommitteeExclusion {
    /// The trade table columns naming the parties (`trades.csv`).
    public static let partyColumns = ["buyer_id", "seller_id"]

    /// Node ids of `roster` that trade in `entries`, ascending and distinct.
    public static func tradingParties(in entries: [LedgerEntry], roster: [CommitteeMember]) -> [String] {
        let nodes = Set(roster.map(\.nodeID))
        var found = Set<String>()
        for case .clearedCycle(let c) in entries {
            let columns = partyColumns.compactMap { c.trades.columns.firstIndex(of: $0) }
            for row in c.trades.rows {
                for i in columns where i < row.count && nodes.contains(row[i]) { found.insert(row[i]) }
            }
        }
        return found.sorted()
    }
}
