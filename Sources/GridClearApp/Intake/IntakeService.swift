import Clearing
import GridClearCore
import GridClearSystem
import LedgerLite

/// A cycle cleared from its folder through the intake.
public struct IntakeOutcome: Sendable {
    public var result: ClearAndRecordResult
    public var intake: IntakeResult
    /// `<out>/<cycle>/rejected.json` when written (per-participant form with an output root).
    public var rejectedPath: String?
    /// True when some submission was left out (the exit code 2 of the command line).
    public var partial: Bool { !intake.rejected.isEmpty }
}

extension CycleService {
    /// Gathers a cycle folder through `SubmissionIntake` (with a ledger, whose reputation the
    /// cycle clears with, a participant file's `reputation` column is optional), clears it,
    /// records it with one `RejectedSubmissionEntry` per rejected file in the same batch (durable first), then
    /// publishes the outputs and, for the per-participant form, `rejected.json` — after the
    /// ledger entry, like every output.
    public func intakeClearAndRecord(cycleDirectory: String, marketFile: String? = nil, options: ClearOptions,
                                     openLedger: LedgerOpener?, outputRoot: String?, now: UTCTime) throws(AppError) -> IntakeOutcome {
        let intake = try SubmissionIntake.gather(cycleDirectory: cycleDirectory, marketFile: marketFile, reputationFromLedger: openLedger != nil)
        let r = try clearAndRecord(intake.files, options: options, openLedger: openLedger, outputRoot: outputRoot, now: now,
                                   extraEntries: intake.ledgerEntries)
        var path: String?
        if let outputRoot {
            do throws(AppError) { path = try SubmissionIntake.publishRejected(intake, root: outputRoot) } catch {
                if case .publishFailed(let c, _, let m) = error { throw .publishFailed(cycle: c, height: r.record?.height, message: m) }
                throw error
            }
        }
        return IntakeOutcome(result: r, intake: intake, rejectedPath: path)
    }
}

extension SubmissionIntake {
    /// Writes `<root>/<cycle>/rejected.json` (atomically) for a cycle gathered from
    /// per-participant files; nothing for the single-file form. Call it only once the cycle's
    /// ledger entry (and its `RejectedSubmissionEntry`s) is durable. Returns the path written.
    @discardableResult
    public static func publishRejected(_ intake: IntakeResult, root: String) throws(AppError) -> String? {
        guard intake.perParticipant else { return nil }
        let p = FileSystem.join(FileSystem.join(root, intake.files.cycleID), rejectedFileName)
        do { try AtomicFile.write(Array(rejectedJSON(intake).utf8), to: p) } catch {
            throw .publishFailed(cycle: intake.files.cycleID, height: nil, message: "\(p): \(error)")
        }
        return p
    }

    /// `rejected.json`: the cycle, the accepted participant files and each rejected one with
    /// its error line.
    public static func rejectedJSON(_ r: IntakeResult) -> String {
        var w = JSONWriter()
        w.add("cycle", r.files.cycleID)
        w.add("accepted", raw: "[" + r.accepted.map { CanonicalText.jsonString($0) }.joined(separator: ", ") + "]")
        let items = r.rejected.map { x -> String in
            var o = JSONWriter()
            o.add("participant", x.participant); o.add("file", x.file); o.add("error", x.error)
            return "    " + o.renderCompact()
        }
        w.add("rejected", raw: items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]")
        return w.render() + "\n"
    }

    /// What `gridclear validate` reports: the files checked and every error line.
    public struct Validation: Sendable {
        public var checked: [String] = []
        public var errors: [String] = []
    }

    /// Checks a submission before gate closure, with the errors clearing would give: a cycle
    /// folder (every participant file, then the merged cycle as clearing parses it), a
    /// participant file (`<cycle>/bids/<participant>.csv`), or a single `bids.csv`/`offers.csv`.
    /// `side` is needed only for a file named otherwise. `reputationFromLedger`: checked as
    /// clearing against a ledger checks it (the `reputation` column optional, SPEC §3.7).
    public static func validate(path: String, side: SubmissionSide? = nil, marketFile: String? = nil,
                                reputationFromLedger: Bool = false) throws(AppError) -> Validation {
        var v = Validation()
        if FileSystem.isDirectory(path) {
            let intake = try gather(cycleDirectory: path, marketFile: marketFile, reputationFromLedger: reputationFromLedger)
            v.checked = intake.perParticipant ? intake.accepted + intake.rejected.map(\.file) : ["offers.csv", "bids.csv"]
            v.errors = intake.rejected.map(\.error)
            do {
                if reputationFromLedger { _ = try CycleParser.parseAwaitingReputation(intake.files) } else { _ = try CycleParser.parse(intake.files) }
            } catch { v.errors.append(CycleService.clearingError(error, cycle: path).description) }
            return v
        }
        let parent = FileSystem.parent(of: path), name = String(path.split(separator: "/").last ?? "")
        let parentName = String(parent.split(separator: "/").last ?? "")
        var s = side, participant: String?, cycleDir: String?
        if let folderSide = SubmissionSide(rawValue: parentName), name.hasSuffix(".csv") {
            s = s ?? folderSide; participant = String(name.dropLast(4)); cycleDir = FileSystem.parent(of: parent)
        } else if let fileSide = SubmissionSide(rawValue: String(name.dropLast(4))), name.hasSuffix(".csv") {
            s = s ?? fileSide; cycleDir = parent
        }
        guard let s else {
            throw .usage("\(path): cannot tell bids from offers; name it bids.csv or offers.csv, put it in a bids/ or offers/ folder, or give --side")
        }
        var grid: GridTopology?
        if let d = cycleDir, CycleID(String(d.split(separator: "/").last ?? "")) != nil, FileSystem.isDirectory(d) {
            do { grid = try marketGrid(try CycleFiles.loadMarket(cycleDirectory: d, marketFile: marketFile)) } catch {
                throw CycleService.clearingError(error, cycle: d)
            }
        }
        v.checked = [path]
        if case .failure(let e) = validateFile(path, side: s, participant: participant, grid: grid, reputationFromLedger: reputationFromLedger) {
            v.errors = [e.description]
        }
        return v
    }
}
