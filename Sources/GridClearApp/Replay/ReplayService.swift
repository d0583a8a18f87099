import Clearing
import GridClearCore
import LedgerLite

/// The comparison of one recorded output with its re-cleared bytes.
public struct ReplayComparison: Sendable, Equatable {
    public var name: String
    public var recorded: [UInt8]
    public var replayed: [UInt8]
    public var identical: Bool { recorded == replayed }
    /// SHA-256 of the recorded bytes, hex (comparable with `sha256sum`).
    public var sha256: String { Hex.encode(Merkle.plainSHA256(recorded)) }
    /// The first differing line, for people (nil when identical).
    public var firstDifference: String? {
        guard !identical else { return nil }
        let la = recorded.split(separator: 10, omittingEmptySubsequences: false)
        let lb = replayed.split(separator: 10, omittingEmptySubsequences: false)
        for i in 0..<max(la.count, lb.count) {
            let x = i < la.count ? String(decoding: la[i], as: UTF8.self) : "<missing>"
            let y = i < lb.count ? String(decoding: lb[i], as: UTF8.self) : "<missing>"
            if x != y { return "line \(i + 1): ledger '\(x)' vs replay '\(y)'" }
        }
        return "lengths differ"
    }
}

/// What a replay found.
public struct ReplayReport: Sendable {
    public var entry: ClearedCycleEntry
    /// Height of the block recording the cycle (nil when replaying a bare entry).
    public var height: UInt64?
    /// `trades.csv`, then the canonical `summary.json`.
    public var comparisons: [ReplayComparison]
    public var identical: Bool { comparisons.allSatisfy(\.identical) }
}

/// Re-clearing a recorded cycle from what the ledger holds alone (raw inputs, mechanism,
/// solver, seed) and comparing the outputs byte for byte — what `gridclear replay` shows an
/// auditor, and what a replica checks before it endorses a proposed cycle (deterministic
/// re-execution, SPEC §1 and §7).
public enum ReplayService {
    /// Re-clears `entry` and compares. Pure (no I/O, no clock).
    /// `prefixReputation`: the reputation the ledger prefix before the entry holds; when the
    /// entry was cleared with the ledger's reputation (`reputation.json` input), that input is
    /// compared with it as a third output, so the reputation used is shown to follow from the
    /// ledger, not only to reproduce the trades.
    public static func replay(_ entry: ClearedCycleEntry, height: UInt64? = nil,
                              prefixReputation: ReputationSnapshot? = nil) throws(AppError) -> ReplayReport {
        let (files, options) = CycleRecord.files(of: entry)
        let again = try CycleService().clear(files, options: options)
        // The re-cleared result must satisfy every clearing invariant (exact Wh conservation,
        // limits, money = Wh × ticks), not only equal the recorded bytes.
        do { try again.result.validate(against: again.inputs) } catch {
            throw .clearingFailed(cycle: entry.cycleID, message: "replayed result breaks an invariant: \(error.description)")
        }
        var comparisons = [
            ReplayComparison(name: "trades.csv", recorded: entry.tradesCSV, replayed: again.tradesCSV),
            ReplayComparison(name: "summary.json", recorded: entry.summaryJSON, replayed: again.canonicalSummaryJSON),
        ]
        if let used = files.reputationJSON, let prefixReputation {
            comparisons.append(ReplayComparison(name: "reputation.json", recorded: used, replayed: prefixReputation.canonicalJSON()))
        }
        return ReplayReport(entry: entry, height: height, comparisons: comparisons)
    }

    /// Audits the ledger in `directory` (against `trusted`, or the genesis keys), finds
    /// `cycle` and replays it. A ledger that does not audit is not replayed.
    public static func replay(ledgerDirectory directory: String, cycle: String, trusted: TrustedKeys?) throws(AppError) -> ReplayReport {
        var found: (ClearedCycleEntry, UInt64, ReputationSnapshot)?
        var reputation = ReputationSnapshot()
        let result: Result<AuditReport, LedgerFault>
        do {
            result = try LedgerAuditor.audit(directory: directory, trusted: trusted) { block, _ in
                for e in block.entries {
                    if case .reputationChange(let r) = e { reputation.record(participant: r.participantID, after: r.after) }
                    if case .clearedCycle(let c) = e, c.cycleID == cycle, found == nil { found = (c, block.header.height, reputation) }
                }
            }
        } catch { throw AppError.wrap(error, cycle: cycle) }
        if case .failure(let f) = result { throw .ledgerFault(f) }
        guard let (entry, height, prefix) = found else { throw .notInLedger("cycle \(cycle) is not in the ledger \(directory)") }
        return try replay(entry, height: height, prefixReputation: prefix)
    }
}
