import Clearing
import Foundation
import GridClearTestSupport
import GridClearApp
import GridClearCore
import LedgerLite
import Testing

/// Per-participant intake (issue 15): each file alone, deterministic merge, the single-file
/// form unchanged (all-or-nothing), one form per side.
@Suite struct SubmissionIntakeTests {
    static let offerHeader = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation"
    static let bidHeader = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation"

    /// A workspace whose sample cycle is split into one file per participant, and the cycle's
    /// folder in it.
    func split(_ extraBids: [String: String] = [:]) throws -> (TemporaryFolder, String) {
        let folder = try workspace(tag: "SubmissionIntakeTests"), ws = folder.path
        let dir = ws + "/Inputs/" + sampleCycle
        let fm = FileManager.default
        for side in ["offers", "bids"] {
            let lines = try String(contentsOfFile: dir + "/\(side).csv", encoding: .utf8).split(separator: "\n").map(String.init)
            try fm.removeItem(atPath: dir + "/\(side).csv")
            try fm.createDirectory(atPath: dir + "/" + side, withIntermediateDirectories: true)
            for row in lines.dropFirst() {
                let who = row.split(separator: ",")[1]
                try (lines[0] + "\n" + row + "\n").write(toFile: dir + "/\(side)/\(who).csv", atomically: true, encoding: .utf8)
            }
        }
        for (name, text) in extraBids { try text.write(toFile: dir + "/bids/" + name, atomically: true, encoding: .utf8) }
        return (folder, dir)
    }

    @Test func splitCycleClearsExactlyAsTheSingleFiles() throws {
        let singleFolder = try workspace(tag: "SubmissionIntakeTests"), single = singleFolder.path
        let (ws, dir) = try split()
        defer { ws.remove() }
        let a = try SubmissionIntake.gather(cycleDirectory: single + "/Inputs/" + sampleCycle)
        let b = try SubmissionIntake.gather(cycleDirectory: dir)
        #expect(!a.perParticipant && a.rejected.isEmpty && b.perParticipant && b.rejected.isEmpty)
        #expect(b.accepted == ["offers/S1.csv", "offers/S2.csv", "offers/S3.csv", "bids/P1.csv", "bids/P2.csv", "bids/P3.csv"])
        // The same rows in the same order: the trades are identical (oracle: the single-file form).
        let service = CycleService()
        let ta = try service.clear(a.files, options: ClearOptions(solver: "simplex")).tradesCSV
        let tb = try service.clear(b.files, options: ClearOptions(solver: "simplex")).tradesCSV
        #expect(ta == tb)
        // Deterministic: gathering again gives the same bytes.
        #expect(try SubmissionIntake.gather(cycleDirectory: dir).files == b.files)
    }

    @Test func badFilesAreRejectedOneByOne() throws {
        let (ws, dir) = try split([
            "bad name.csv": Self.bidHeader + "\nX1,bad name,0.7,10,39.9,116.4,70\n",
            "P9.csv": Self.bidHeader + "\nB1,P9,0.7,10,39.9,116.4,70\n",          // B1 is P1's id
            "P8.csv": Self.bidHeader + "\nB8,P8,0.7,10,39.9,116.4,70\nB9,P7,0.7,10,39.9,116.4,70\n",
            "notes.txt": "ignored",
            ".P7.csv.tmp": "ignored",
        ])
        defer { ws.remove() }
        let r = try SubmissionIntake.gather(cycleDirectory: dir)
        #expect(r.rejected.map(\.file) == ["bids/P8.csv", "bids/P9.csv", "bids/bad name.csv"])
        #expect(r.rejected[0].error.hasSuffix("bids/P8.csv:3:2: column 'buyer_id': 'P7' is not the file's participant 'P8'; a participant's file holds only its own rows"), "\(r.rejected[0].error)")
        #expect(r.rejected[1].error.contains("bids/P9.csv:2:1: column 'bid_id': duplicate id 'B1' (first used in bids/P1.csv"), "\(r.rejected[1].error)")
        #expect(r.rejected[2].error.contains("participant id (the file name) 'bad name' contains U+0020"), "\(r.rejected[2].error)")
        #expect(r.ledgerEntries.count == 3 && r.ledgerEntries.allSatisfy { $0.tag == .rejectedSubmission })
        let v = try SubmissionIntake.validate(path: dir + "/bids/P8.csv")
        #expect(v.errors == [r.rejected[0].error])
    }

    @Test func aSideWithNoValidFileClearsEmptyAndKeepsTheRejections() throws {
        let (ws, dir) = try split()
        defer { ws.remove() }
        for p in ["P1", "P2", "P3"] {
            try (Self.bidHeader + "\nX\(p),\(p),free,10,39.9,116.4,70\n").write(toFile: dir + "/bids/\(p).csv", atomically: true, encoding: .utf8)
        }
        let r = try SubmissionIntake.gather(cycleDirectory: dir)
        #expect(r.rejected.count == 3 && r.accepted.count == 3)
        let inputs = try CycleParser.parse(r.files)
        #expect(inputs.bids.isEmpty && inputs.offers.count == 3)
    }

    /// Under a ledger the reputation comes from it (SPEC §3.7): a participant file without the
    /// column is rejected only when the CSV supplies reputation; with `reputationFromLedger` it is
    /// accepted, validated alike, and clears with the ledger's value.
    @Test func underALedgerAParticipantFileNeedsNoReputationColumn() throws {
        let (ws, dir) = try split(["P4.csv": "bid_id,buyer_id,price,quantity_kwh,lat,lon\nB4,P4,0.7,10,39.9,116.4\n"])
        defer { ws.remove() }
        let plain = try SubmissionIntake.gather(cycleDirectory: dir)
        #expect(plain.rejected.map(\.file) == ["bids/P4.csv"] && plain.rejected.first?.error.hasSuffix("missing required column 'reputation'") == true,
                "\(plain.rejected)")
        #expect(try SubmissionIntake.validate(path: dir + "/bids/P4.csv").errors == plain.rejected.map(\.error))
        let ledgered = try SubmissionIntake.gather(cycleDirectory: dir, reputationFromLedger: true)
        #expect(ledgered.rejected.isEmpty && ledgered.accepted.contains("bids/P4.csv"), "\(ledgered.rejected)")
        #expect(try SubmissionIntake.validate(path: dir + "/bids/P4.csv", reputationFromLedger: true).errors.isEmpty)
        #expect(try SubmissionIntake.validate(path: dir, reputationFromLedger: true).errors.isEmpty)
        let now = UTCTime(commandLine: "2026-11-20T09:50Z")!
        let ledger = try NodeLedger(directory: ws.path + "/Ledger", keyFile: nil, now: now)
        let r = try CycleService().intakeClearAndRecord(cycleDirectory: dir, options: ClearOptions(solver: "simplex"), openLedger: { ledger },
                                                        outputRoot: nil, now: now)
        #expect(!r.partial && r.result.record == .appended(height: 1))
        #expect(r.result.cleared.inputs.bids.first { $0.buyerID == "P4" }?.reputation == ReputationSnapshot().points(of: "P4"))
    }

    @Test func bothFormsForOneSideIsAnError() throws {
        let (ws, dir) = try split()
        defer { ws.remove() }
        try (Self.bidHeader + "\n").write(toFile: dir + "/bids.csv", atomically: true, encoding: .utf8)
        #expect(throws: AppError.self) { try SubmissionIntake.gather(cycleDirectory: dir) }
    }

    @Test func singleFileValidationGivesTheClearingError() throws {
        let wsFolder = try workspace(tag: "SubmissionIntakeTests"), ws = wsFolder.path
        let bids = ws + "/Inputs/\(sampleCycle)/bids.csv"
        try (Self.bidHeader + "\nB1,P1,0.7,-3,39.9,116.4,70\n").write(toFile: bids, atomically: true, encoding: .utf8)
        let v = try SubmissionIntake.validate(path: bids)
        var clearing = ""
        do { _ = try CycleService().clear(try CycleService().load(cycleDirectory: ws + "/Inputs/" + sampleCycle), options: ClearOptions()) } catch {
            clearing = error.description
        }
        #expect(v.errors == [clearing] && !clearing.isEmpty, "\(v.errors) vs \(clearing)")
    }

    @Test func rejectedSubmissionEntryRoundTrips() throws {
        let e = LedgerEntry.rejectedSubmission(RejectedSubmissionEntry(cycleID: sampleCycle, participantID: "P1", file: "bids/P1.csv",
                                                                      reason: String(repeating: "x", count: 2000)))
        let bytes = e.encoded()
        #expect(bytes.first == 13)
        #expect(try LedgerEntry.decode(bytes) == e)
        if case .rejectedSubmission(let r) = e { #expect(r.reason.utf8.count == RejectedCycleEntry.maxReasonBytes) }
        #expect(e.cycleID == sampleCycle)
    }
}
