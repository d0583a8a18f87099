import Foundation
import GridClearTestSupport
import LedgerLite
import Testing

/// Issue 15 through the real binary: per-participant intake (50 files, one malformed → 49
/// clear, rejected.json + ledger entry, exit 2; `validate` prints the same error line and
/// exits 1), `--json` outputs carrying the numbers of the text outputs, JSON-lines logs, and
/// `--help` that reads well.
@Suite(.serialized) struct ServiceIntakeCLITests {
    static let cycle = "20261120T1000Z"
    static let offerHeader = "offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation"
    static let bidHeader = "bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation"

    /// A workspace with `Inputs/market.json` and a cycle of 25 seller and 25 buyer files (removed
    /// when the returned folder is released).
    static func participantWorkspace(badBuyer: Int? = nil) throws -> TemporaryFolder {
        let folder = try TemporaryFolder("ServiceIntakeCLITests"), root = folder.url
        let dir = root.appendingPathComponent("Inputs/\(cycle)")
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("offers"), withIntermediateDirectories: true)
        try fm.createDirectory(at: dir.appendingPathComponent("bids"), withIntermediateDirectories: true)
        try fm.copyItem(at: packageRoot.appendingPathComponent("Inputs/market.json"), to: root.appendingPathComponent("Inputs/market.json"))
        for k in 1...25 {
            let s = String(format: "S%02d", k), b = String(format: "B%02d", k)
            let lat = String(format: "39.%02d", 90 + k % 10)
            let offer = "\(offerHeader)\nO\(k),\(s),0.\(40 + k % 20),\(10 + k),solar,\(lat),116.4,80\n"
            let price = k == badBuyer ? "cheap" : "0.\(60 + k % 30)"
            let bid = "\(bidHeader)\nBID\(k),\(b),\(price),\(12 + k),\(lat),116.4,75\n"
            try Data(offer.utf8).write(to: dir.appendingPathComponent("offers/\(s).csv"))
            try Data(bid.utf8).write(to: dir.appendingPathComponent("bids/\(b).csv"))
        }
        // A writer's temporary file (atomic rename pending) is never read.
        try Data("garbage".utf8).write(to: dir.appendingPathComponent("bids/.B99.csv.tmp"))
        return folder
    }

    static func json(_ s: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any], "not a JSON object: \(s)")
    }

    @Test func fiftyParticipantFilesOneMalformedClearsFortyNine() throws {
        let tmp = try Self.participantWorkspace(badBuyer: 17), ws = tmp.url
        let r = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "Outputs", "--ledger", "Ledger", "--quiet"], cwd: ws)
        #expect(r.status == 2, "exit \(r.status): \(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("49 participant file(s) cleared, 1 rejected"), "\(r.stdout)")
        // rejected.json names the file and its error; the summary shows 49 participants.
        let rejected = try Self.json(String(contentsOf: ws.appendingPathComponent("Outputs/\(Self.cycle)/rejected.json"), encoding: .utf8))
        let items = try #require(rejected["rejected"] as? [[String: Any]])
        #expect(items.count == 1 && (rejected["accepted"] as? [String])?.count == 49)
        let item = try #require(items.first)
        #expect(item["participant"] as? String == "B17" && item["file"] as? String == "bids/B17.csv")
        let error = try #require(item["error"] as? String)
        #expect(error == "Inputs/\(Self.cycle)/bids/B17.csv:2:3: column 'price': expected a price in CNY/kWh as a plain decimal like 12.5, found 'cheap'", "\(error)")
        #expect(r.stderr.contains("rejected bids/B17.csv: \(error)"), "\(r.stderr)")
        let summary = try Self.json(String(contentsOf: ws.appendingPathComponent("Outputs/\(Self.cycle)/summary.json"), encoding: .utf8))
        #expect(summary["bids"] as? Int == 24 && summary["offers"] as? Int == 25, "\(summary)")
        // The ledger holds the cycle and, in the same batch, the rejected submission.
        var entries: [LedgerEntry] = []
        let audit = try LedgerAuditor.audit(directory: ws.appendingPathComponent("Ledger").path, trusted: nil) { b, _ in entries += b.entries }
        guard case .success = audit else { Issue.record("audit: \(audit)"); return }
        let subs = entries.compactMap { if case .rejectedSubmission(let s) = $0 { return s }; return nil }
        #expect(subs == [RejectedSubmissionEntry(cycleID: Self.cycle, participantID: "B17", file: "bids/B17.csv", reason: error)])
        let cleared = entries.compactMap { if case .clearedCycle(let c) = $0 { return c }; return nil }
        #expect(cleared.count == 1 && cleared.first?.inputs.first { $0.name == "bids.csv" }.map { String(decoding: $0.bytes, as: UTF8.self).split(separator: "\n").count } == 25)
        // The recorded (merged) cycle replays identically.
        let replay = try runGridclear(["replay", "Ledger", Self.cycle, "--json"], cwd: ws)
        let replayDoc = try Self.json(replay.stdout)
        #expect(replay.status == 0 && replayDoc["identical"] as? Bool == true, "\(replay.stdout) \(replay.stderr)")
        // `validate` on that file: exit 1 with the same error line.
        let v = try runGridclear(["validate", "Inputs/\(Self.cycle)/bids/B17.csv"], cwd: ws)
        #expect(v.status == 1 && v.stderr == "error: \(error)\n", "\(v.status) \(v.stderr)")
        let ok = try runGridclear(["validate", "Inputs/\(Self.cycle)/bids/B16.csv"], cwd: ws)
        #expect(ok.status == 0 && ok.stderr.isEmpty, "\(ok.stderr)")
        let whole = try runGridclear(["validate", "Inputs/\(Self.cycle)", "--json"], cwd: ws)
        let wholeDoc = try Self.json(whole.stdout)
        #expect(whole.status == 1 && wholeDoc["errors"] as? [String] == [error], "\(whole.stdout)")
        // Clearing again: already recorded, nothing appended, still exit 2 (the file is still bad).
        let again = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "Outputs", "--ledger", "Ledger", "--quiet"], cwd: ws)
        #expect(again.status == 2 && again.stdout.contains("already recorded"), "\(again.stdout)")
    }

    @Test func scheduleOnceRejectsAParticipantFileWithExit2AndJSON() throws {
        let tmp = try Self.participantWorkspace(badBuyer: 3), ws = tmp.url
        // A row for another buyer in B05's file: the whole file is rejected (a file holds only its owner's rows).
        let b05 = ws.appendingPathComponent("Inputs/\(Self.cycle)/bids/B05.csv")
        try Data("\(Self.bidHeader)\nBID5,B06,0.7,10,39.95,116.4,75\n".utf8).write(to: b05)
        let r = try runGridclear(["schedule", "--inputs", "Inputs", "--ledger", "Ledger", "--out", "Outputs", "--once", "--now", "2026-11-20T10:00Z",
                                  "--solver", "simplex", "--json", "--log-format", "json"], cwd: ws)
        #expect(r.status == 2, "exit \(r.status): \(r.stderr)")
        let doc = try Self.json(r.stdout)
        #expect(doc["cleared"] as? [String] == [Self.cycle] && doc["exit_code"] as? Int == 2)
        let subs = try #require(doc["rejected_submissions"] as? [[String: Any]])
        #expect(subs.map { $0["file"] as? String } == ["bids/B03.csv", "bids/B05.csv"])
        #expect((subs[1]["error"] as? String)?.contains("bids/B05.csv:2:2: column 'buyer_id': 'B06' is not the file's participant 'B05'") == true, "\(subs)")
        // Logs (stderr, as stdout carries the document): JSON lines; the cycle's start and end once.
        let lines = r.stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("{") }
        var events: [String] = []
        for l in lines {
            let o = try Self.json(l)
            #expect(o["ts"] is String && o["level"] is String && o["message"] is String && o["metadata"] is [String: Any], "\(l)")
            if let e = (o["metadata"] as? [String: Any])?["event"] as? String { events.append(e) }
        }
        #expect(events.filter { $0 == "cycle_start" }.count == 1 && events.filter { $0 == "cycle_end" }.count == 1, "\(events)")
        #expect(events.filter { $0 == "submission_rejected" }.count == 2, "\(events)")
        let end = try #require(lines.map(Self.json).first { ($0["metadata"] as? [String: Any])?["event"] as? String == "cycle_end" })
        let meta = try #require(end["metadata"] as? [String: Any])
        #expect(meta["bids"] as? String == "23" && meta["offers"] as? String == "25" && meta["ledger_height"] as? String == "1", "\(meta)")
    }

    /// Under `--ledger` the ledger supplies reputation (SPEC §3.7): a participant file without
    /// the column clears with `clear --ledger` and `schedule`; without a ledger it is rejected;
    /// `validate --reputation-from-ledger` accepts it, plain `validate` gives clearing's line.
    @Test func underALedgerAParticipantFileNeedsNoReputationColumn() throws {
        let tmp = try Self.participantWorkspace(), ws = tmp.url
        let b07 = "Inputs/\(Self.cycle)/bids/B07.csv"
        try Data("bid_id,buyer_id,price,quantity_kwh,lat,lon\nBID7,B07,0.67,19,39.97,116.4\n".utf8).write(to: ws.appendingPathComponent(b07))
        let error = "\(b07):1:7: missing required column 'reputation'"
        let plain = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "Plain", "--quiet"], cwd: ws)
        #expect(plain.status == 2 && plain.stderr.contains("rejected bids/B07.csv: \(error)"), "\(plain.status) \(plain.stderr)")
        let cleared = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "Outputs", "--ledger", "Ledger", "--quiet"], cwd: ws)
        #expect(cleared.status == 0 && cleared.stdout.contains("50 participant file(s) cleared, 0 rejected"), "\(cleared.stdout) \(cleared.stderr)")
        let sched = try runGridclear(["schedule", "--inputs", "Inputs", "--ledger", "Ledger2", "--out", "Outputs2", "--once", "--now", "2026-11-20T10:00Z",
                                      "--solver", "simplex"], cwd: ws)
        #expect(sched.status == 0 && !sched.stderr.contains("B07"), "\(sched.status) \(sched.stderr)")
        let v = try runGridclear(["validate", b07], cwd: ws)
        #expect(v.status == 1 && v.stderr == "error: \(error)\n", "\(v.status) \(v.stderr)")
        for path in [b07, "Inputs/\(Self.cycle)"] {
            let ok = try runGridclear(["validate", path, "--reputation-from-ledger"], cwd: ws)
            #expect(ok.status == 0 && ok.stderr.isEmpty, "\(path): \(ok.stdout) \(ok.stderr)")
        }
    }

    /// `--log-level` filters, `--log-format text` lines carry time and level.
    @Test func logLevelAndTextFormat() throws {
        let tmp = try TemporaryFolder("ServiceIntakeCLITests-log"), ws = tmp.url
        try FileManager.default.createDirectory(at: ws.appendingPathComponent("Inputs"), withIntermediateDirectories: true)
        for f in ["market.json", Self.cycle] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Inputs/\(f)"), to: ws.appendingPathComponent("Inputs/\(f)"))
        }
        let quiet = try runGridclear(["schedule", "--ledger", "L1", "--once", "--now", "2026-11-20T10:00Z", "--solver", "simplex", "--log-level", "warning"], cwd: ws)
        #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(quiet.stdout) \(quiet.stderr)")
        let text = try runGridclear(["schedule", "--ledger", "L2", "--once", "--now", "2026-11-20T10:00Z", "--solver", "simplex"], cwd: ws)
        let end = try #require(text.stdout.split(separator: "\n").first { $0.contains("event=cycle_end") }).description
        #expect(end.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info cleared 20261120T1000Z: "#, options: .regularExpression) != nil, "\(end)")
        #expect(end.contains("ledger_height=1") && end.contains("mechanism=cmap") && end.contains("bids=3"), "\(end)")
        #expect(try runGridclear(["schedule", "--ledger", "L3", "--once", "--log-level", "loud"], cwd: ws).status == 64)
    }

    /// `clear --json`, `audit --json`, `replay --json` carry the numbers of the text outputs.
    @Test func jsonOutputsCarryTheTextNumbers() throws {
        let tmp = try TemporaryFolder("ServiceIntakeCLITests-json"), ws = tmp.url
        try FileManager.default.createDirectory(at: ws.appendingPathComponent("Inputs"), withIntermediateDirectories: true)
        for f in ["market.json", Self.cycle] {
            try FileManager.default.copyItem(at: packageRoot.appendingPathComponent("Inputs/\(f)"), to: ws.appendingPathComponent("Inputs/\(f)"))
        }
        let text = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "A", "--ledger", "Ledger"], cwd: ws)
        let json = try runGridclear(["clear", "Inputs/\(Self.cycle)", "--solver", "simplex", "--out", "B", "--json"], cwd: ws)
        #expect(text.status == 0 && json.status == 0, "\(text.stderr) \(json.stderr)")
        let doc = try Self.json(json.stdout)
        func num(_ k: String) -> String { (doc[k] as? NSNumber).map { "\($0)" } ?? "?" }
        // "matched 250.000 kWh in 2 trades · from grid 250.000 kWh · to grid 200.000 kWh · rejected 200.000 kWh"
        let line = try #require(text.stdout.split(separator: "\n").first { $0.contains(" trades · from grid ") }).description
        let nums = line.split(whereSeparator: { $0 == " " }).compactMap { Double($0) }
        #expect(nums.count == 5, "\(line)")
        #expect(nums == [doc["matched_kwh"], doc["trades"], doc["grid_buy_kwh"], doc["grid_sell_kwh"], doc["rejected_kwh"]].map { ($0 as? NSNumber)?.doubleValue ?? -1 }, "\(line) vs \(json.stdout)")
        let clean = try #require(text.stdout.split(separator: "\n").first { $0.contains("clean share") }).description
        #expect(clean.contains("clean share \(String(format: "%.1f", (doc["clean_share_pct"] as? NSNumber)?.doubleValue ?? -1)) %"), "\(clean)")
        #expect(clean.contains("APET \(String(format: "%.4f", (doc["apet_cny_per_kwh"] as? NSNumber)?.doubleValue ?? -1))"), "\(clean)")
        #expect(text.stdout.contains("\(doc["bids"]!) bids (demand \(String(format: "%.3f", (doc["demand_kwh"] as? NSNumber)?.doubleValue ?? -1)) kWh)"), "\(text.stdout)")

        let auditText = try runGridclear(["audit", "Ledger"], cwd: ws), auditJSON = try runGridclear(["audit", "Ledger", "--json"], cwd: ws)
        let a = try Self.json(auditJSON.stdout)
        #expect(auditText.status == 0 && auditJSON.status == 0 && a["ok"] as? Bool == true)
        #expect(auditText.stdout.contains("blocks \(a["blocks"]!) (heights 0–\((a["blocks"] as! Int) - 1)) · entries \(a["entries"]!) · cycles \(a["cycles"]!)"), "\(auditText.stdout) \(a)")
        #expect(auditText.stdout.contains("head \(a["head"]!) · tree size \(a["tree_size"]!) root \(a["tree_root"]!)"))

        let replayText = try runGridclear(["replay", "Ledger", Self.cycle], cwd: ws), replayJSON = try runGridclear(["replay", "Ledger", Self.cycle, "--json"], cwd: ws)
        let rj = try Self.json(replayJSON.stdout)
        for f in try #require(rj["files"] as? [[String: Any]]) {
            #expect(replayText.stdout.contains("\(f["name"]!): identical (\(f["bytes"]!) bytes, sha256 \(f["sha256"]!))"), "\(replayText.stdout)")
        }
        #expect(replayText.stdout.contains("(block \(rj["block"]!), mechanism \(rj["mechanism"]!), solver \(rj["solver"]!), seed \(rj["seed"]!))"))
    }

    /// Every command's --help: no hard line breaks inside a paragraph of the discussion (the
    /// parser wraps), no reference to a file outside the repository.
    @Test func helpTextIsSelfContainedAndUnwrapped() throws {
        let top = try runGridclear(["--help"])
        var commands: [[String]] = []
        let subs = try #require(top.stdout.range(of: "SUBCOMMANDS:\n"))
        for line in top.stdout[subs.upperBound...].split(separator: "\n") where line.hasPrefix("  ") && !line.hasPrefix("   ") {
            guard let name = line.split(separator: " ").first.map(String.init), !name.hasPrefix("-"), name != "help" else { continue }
            commands.append([name])
            let sub = try runGridclear([name, "--help"])
            if let r = sub.stdout.range(of: "SUBCOMMANDS:\n") {
                for l in sub.stdout[r.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
                    if l.isEmpty { break }
                    guard l.hasPrefix("  "), !l.hasPrefix("   "), let s = l.split(separator: " ").first.map(String.init),
                          !s.hasPrefix("-"), s != "help" else { continue }
                    commands.append([name, s])
                }
            }
        }
        #expect(commands.count >= 12 && commands.contains(["serve"]) && commands.contains(["validate"]), "\(commands)")
        for c in [[]] + commands {
            let h = try runGridclear(c + ["--help"])
            #expect(h.status == 0, "\(c)")
            for bad in ["SPEC", "/work/", "shared/", "seeds/"] { #expect(!h.stdout.contains(bad), "\(c) --help mentions \(bad)") }
            // The parser wraps at the terminal width (80 by default in a pipe); a paragraph line
            // that ends well short of it and is followed by more of the same paragraph was
            // broken by hand in the source.
            let lines = h.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let start = lines.firstIndex(where: { $0 == "OVERVIEW:" || $0.hasPrefix("OVERVIEW:") }),
                  let end = lines.firstIndex(where: { $0.hasPrefix("USAGE:") }) else { continue }
            let body = Array(lines[start..<end])
            for (k, l) in body.enumerated().dropLast() where k > 0 {
                let next = body[k + 1]
                let inParagraph = !l.isEmpty && !next.isEmpty && !l.hasPrefix("  ") && !next.hasPrefix("  ") && !l.hasSuffix(":")
                #expect(!(inParagraph && l.count < 55 && next.first?.isLowercase == true), "\(c) --help: hard-wrapped line '\(l)'")
            }
        }
    }
}
