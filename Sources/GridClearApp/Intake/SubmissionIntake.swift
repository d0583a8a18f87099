import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// A participant's file that did not take part in the cycle, and why.
public struct RejectedSubmission: Sendable, Equatable {
    /// The participant named by the file (`bids/<participant>.csv`).
    public var participant: String
    /// The file relative to the cycle folder, e.g. `bids/alice.csv`.
    public var file: String
    /// The one-line error (file:line:column: what), as `gridclear validate` prints it.
    public var error: String
}

/// A cycle's inputs at gate closure: the files clearing uses and the submissions left out.
public struct IntakeResult: Sendable {
    /// What clears: the single files, or the merged valid participant files.
    public var files: CycleFiles
    /// True when a side was given as one file per participant.
    public var perParticipant: Bool
    /// Participant files that take part (relative names, in merge order).
    public var accepted: [String]
    /// Participant files that were rejected, in merge order.
    public var rejected: [RejectedSubmission]

    /// The ledger entries naming the rejected files (recorded with the cycle's entry).
    public var ledgerEntries: [LedgerEntry] {
        rejected.map { .rejectedSubmission(RejectedSubmissionEntry(cycleID: files.cycleID, participantID: $0.participant,
                                                                   file: $0.file, reason: $0.error)) }
    }
}

/// Files-first intake (issue 15). Each side of a cycle folder is either one file
/// (`offers.csv`, `bids.csv`: SPEC §2, all-or-nothing) or a folder with one file per
/// participant (`offers/<participant>.csv`, `bids/<participant>.csv`, written by atomic
/// rename; names starting with "." and names not ending in ".csv" are ignored, so a writer's
/// temporary file is never read). Both forms for one side is an error.
///
/// Each participant file is validated alone by `SubmissionParser` with the cycle's grid,
/// exactly as the single-file form parses (so its error is the line `gridclear validate`
/// prints); its participant id must satisfy the SPEC §2 id charset and every row's
/// `seller_id`/`buyer_id` must equal it. Files are taken in a fixed order (offers, then bids;
/// by file name, byte order); a file reusing a row id of a file taken before it is rejected.
/// With `reputationFromLedger` (clearing against a ledger, which supplies every participant's
/// reputation, SPEC §3.7) a file's `reputation` column is optional, as clearing then parses it.
/// Valid files are merged into one `offers.csv`/`bids.csv` (`SubmissionParser.merge`), which
/// is what clears and what the ledger records; the market-wide bounds (side totals, pairs)
/// apply to the merged cycle, all-or-nothing. The market files (market.json, grid.json)
/// must be valid: else the whole cycle is invalid, as in the single-file form.
public enum SubmissionIntake {
    public static let rejectedFileName = "rejected.json"

    /// Gathers the cycle folder's inputs. Throws `AppError.invalidInputs` for a cycle-wide fault.
    /// `reputationFromLedger`: the cycle clears against a ledger (participant files may leave
    /// out the `reputation` column).
    public static func gather(cycleDirectory dir: String, marketFile: String? = nil,
                              reputationFromLedger: Bool = false) throws(AppError) -> IntakeResult {
        var files: CycleFiles
        do { files = try CycleFiles.loadMarket(cycleDirectory: dir, marketFile: marketFile) } catch {
            throw CycleService.clearingError(error, cycle: dir)
        }
        let cycleDir = String(files.offersName.dropLast("/offers.csv".count))
        let grid = try marketGrid(files)
        var result = IntakeResult(files: files, perParticipant: false, accepted: [], rejected: [])
        var ids: [String: String] = [:]
        for side in SubmissionSide.allCases {
            let single = FileSystem.join(cycleDir, side.rawValue + ".csv"), folder = FileSystem.join(cycleDir, side.rawValue)
            if FileSystem.isDirectory(folder) {
                if FileSystem.exists(single) {
                    throw .invalidInputs(cycle: files.cycleID, message: "\(single): the cycle also has the folder \(folder)/ of participant files; give one form per side")
                }
                result.perParticipant = true
                let merged = try gatherFolder(folder, side: side, grid: grid, reputationFromLedger: reputationFromLedger, ids: &ids, into: &result)
                let name = folder + "/*.csv (merged)"
                if side == .offers { (result.files.offersCSV, result.files.offersName) = (merged, name) } else { (result.files.bidsCSV, result.files.bidsName) = (merged, name) }
            } else {
                guard FileSystem.exists(single) else {
                    throw .invalidInputs(cycle: files.cycleID, message: "\(single): missing file (each cycle folder needs offers.csv and bids.csv, or the folders offers/ and bids/ with one file per participant)")
                }
                let bytes: [UInt8]
                do { bytes = try CycleFiles.readInput(single) } catch { throw CycleService.clearingError(error, cycle: files.cycleID) }
                if side == .offers { result.files.offersCSV = bytes } else { result.files.bidsCSV = bytes }
            }
        }
        return result
    }

    /// Validates and merges one side's participant folder.
    static func gatherFolder(_ folder: String, side: SubmissionSide, grid: GridTopology?, reputationFromLedger: Bool,
                             ids: inout [String: String], into result: inout IntakeResult) throws(AppError) -> [UInt8] {
        let names: [String]
        do { names = try FileSystem.list(folder) } catch { throw .file("\(folder): \(error)") }
        var parts: [ValidatedSubmission] = []
        let files = names.filter { !$0.hasPrefix(".") && $0.hasSuffix(".csv") }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard files.count <= InputBounds.maxRowsPerSide else {
            throw .invalidInputs(cycle: result.files.cycleID, message: "\(folder): \(files.count) participant files; a side holds at most \(InputBounds.maxRowsPerSide) (one row each at least)")
        }
        for name in files {
            let participant = String(name.dropLast(4)), relative = side.rawValue + "/" + name
            switch validateFile(FileSystem.join(folder, name), side: side, participant: participant, grid: grid,
                                reputationFromLedger: reputationFromLedger) {
            case .failure(let e):
                result.rejected.append(RejectedSubmission(participant: participant, file: relative, error: e.description))
            case .success(let v):
                if let clash = v.ids.first(where: { ids[$0.id] != nil }) {
                    let col = (v.columns.firstIndex(of: side.idColumn) ?? 0) + 1
                    let e = InputError(file: v.file, line: clash.line, column: col, field: side.idColumn,
                                       "duplicate id '\(clash.id)' (first used in \(ids[clash.id]!), a participant file taken before this one)")
                    result.rejected.append(RejectedSubmission(participant: participant, file: relative, error: e.description))
                    continue
                }
                for i in v.ids { ids[i.id] = relative }
                parts.append(v)
                result.accepted.append(relative)
            }
        }
        return SubmissionParser.merge(parts, side: side)
    }

    /// One file validated alone (`path` is also its name in errors). A per-participant file
    /// passes its `participant`; a name that is not a valid id is itself the error.
    /// `reputationFromLedger`: the `reputation` column is optional (a ledger supplies it).
    public static func validateFile(_ path: String, side: SubmissionSide, participant: String?, grid: GridTopology?,
                                    reputationFromLedger: Bool = false) -> Result<ValidatedSubmission, InputError> {
        if let participant, let problem = InputBounds.identifierProblem(participant, what: "participant id (the file name)") {
            return .failure(InputError(file: path, line: 0, column: 0, problem))
        }
        do {
            let bytes = try CycleFiles.readInput(path)
            return .success(try SubmissionParser.validate(bytes, file: path, side: side, participant: participant, grid: grid,
                                                                reputationRequired: !reputationFromLedger))
        } catch let e as InputError {
            return .failure(e)
        } catch {
            return .failure(InputError(file: path, line: 0, column: 0, "\(error)"))
        }
    }

    /// The cycle's grid (market.json must parse too): a fault here is cycle-wide.
    static func marketGrid(_ files: CycleFiles) throws(AppError) -> GridTopology? {
        do {
            var market = MarketConfig()
            if let m = files.marketJSON { market = try market.applying(json: m, file: files.marketName) }
            if let m = files.cycleMarketJSON { market = try market.applying(json: m, file: files.cycleMarketName) }
            return try files.gridJSON.map { try GridTopology.parse(json: $0, file: files.gridName) }
        } catch { throw CycleService.clearingError(error, cycle: files.cycleID) }
    }
}
