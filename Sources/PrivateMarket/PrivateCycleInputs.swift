import Clearing
import GridClearApp
import GridClearCore
import LedgerLite

/// A private cycle's inputs, taken as the embedded `clear --ledger` takes them (SPEC §3.7).
///
/// Without a ledger: the files parsed with their CSV `reputation` columns. With a ledger: the
/// files parsed first (the `reputation` columns optional; invalid inputs never open or create
/// a ledger), then the ledger opened once, a cycle it already holds refused (before any key
/// is made or process started), and every participant's reputation taken from the ledger's
/// reputation-change entries (`CycleService.ledgerReputationJSON`): `files.reputationJSON` is
/// that snapshot, recorded with the cycle as its input `reputation.json` so `replay` re-clears
/// with it; a CSV value that differs is ignored, with one warning in `inputs.warnings`. A
/// ledger that provides no reputation (replicated modes) leaves the CSV columns, required then.
public struct PrivateCycleInputs {
    /// The cycle's files as the ledger records them (`reputationJSON` set from the ledger).
    public var files: CycleFiles
    /// The inputs every role clears with: reputations from `reputation` when it is set.
    public var inputs: CycleInputs
    /// The ledger's reputation snapshot the cycle clears with (nil: the CSV columns).
    public var reputation: ReputationSnapshot?
    /// The open ledger the cycle is recorded in (nil without one), and the time of the append.
    public var ledger: CycleLedger?
    public var now: UTCTime?

    public static func load(cycleDirectory: String, marketFile: String?, ledger target: PrivateLedgerTarget?) throws -> PrivateCycleInputs {
        var files = try CycleFiles.load(cycleDirectory: cycleDirectory, marketFile: marketFile)
        guard let target else {
            return PrivateCycleInputs(files: files, inputs: try CyclePipeline.parse(files), reputation: nil, ledger: nil, now: nil)
        }
        let parsed = try CycleParser.parseAwaitingReputation(files)
        let ledger = try target.open()
        if let h = ledger.recordedHeight(ofCycle: parsed.cycleID) {
            throw PrivateMarketError.usage("cycle \(parsed.cycleID) is already recorded in the ledger at block \(h); a cycle is recorded once — nothing appended, no outputs written")
        }
        files.reputationJSON = try CycleService.ledgerReputationJSON(ofCycle: parsed.cycleID, in: ledger)
        let snapshot = try files.reputationJSON.map { try ReputationSnapshot(json: $0, file: files.reputationName) }
        return PrivateCycleInputs(files: files, inputs: try parsed.reputed(by: snapshot), reputation: snapshot, ledger: ledger, now: target.now)
    }

    /// The reputation, in 0.001 points, that `participant`'s own role applies to its row (as
    /// `ReputationSnapshot(base:)`); nil: its CSV value.
    public func reputationMilli(of participant: String) -> Int64? {
        reputation.map { $0.scores[participant] ?? $0.base }
    }

    /// Records the cleared cycle and `entries` in the ledger opened by `load`, as one batch,
    /// durable on return; nil without a ledger.
    public func record(result: ClearingResult, entries: [LedgerEntry]) throws -> UInt64? {
        guard let ledger, let now else { return nil }
        return try PrivateLedgerRecord.record(files: files, inputs: inputs, result: result, entries: entries, in: ledger, now: now)
    }
}
