import ArgumentParser
import Clearing
import GridClearApp
import GridClearCore

/// `gridclear validate <file-or-cycle-dir>` — checks a submission before gate closure with
/// the errors clearing would give (`SubmissionIntake.validate`); writes nothing.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a participant file or a cycle folder before gate closure.",
        discussion: """
        A participant file (Inputs/<cycle>/bids/<participant>.csv or offers/<participant>.csv) is checked on its own, as clearing checks it: the columns and bounds of README.md's input format, the cycle's grid.json, and every row's buyer_id or seller_id equal to the participant named by the file. A single bids.csv or offers.csv is checked the same way without the participant rule. A cycle folder is checked whole: every participant file, then the merged cycle. Each error is one line naming file, line and column, exactly the line clearing would record. With --reputation-from-ledger the files are checked as clearing against a ledger checks them (clear --ledger, schedule, serve): the reputation column is optional, as the ledger supplies every participant's reputation. Nothing is written. Exit codes: 0 valid, 1 invalid, 64 usage.

        Examples:
          gridclear validate Inputs/20261120T1000Z
          gridclear validate Inputs/20261120T1000Z/bids.csv
          gridclear validate Inputs/20261120T1000Z/bids/P1.csv
          gridclear validate Inputs/20261120T1000Z --reputation-from-ledger
        """)

    @Argument(help: "A participant file, a bids.csv/offers.csv, or a cycle folder.")
    var path: String

    @Option(help: "bids or offers, for a file whose name or folder does not say.")
    var side: String?

    @OptionGroup var market: MarketFileOption

    @Flag(help: "Check as clearing with a ledger does (clear --ledger, schedule, serve): the reputation column is optional.")
    var reputationFromLedger = false

    @OptionGroup var json: JSONOutputOption

    func run() throws {
        try reportingErrors {
            var s: SubmissionSide?
            if let side {
                guard let x = SubmissionSide(rawValue: side) else { throw CLIFailure("--side '\(side)': expected bids or offers", exitCode: 64) }
                s = x
            }
            let v = try SubmissionIntake.validate(path: path, side: s, marketFile: market.market, reputationFromLedger: reputationFromLedger)
            try json.finishCheck(document: {
                var w = JSONWriter()
                w.add("path", path); w.add("valid", v.errors.isEmpty)
                w.add("checked", raw: "[" + v.checked.map(CanonicalText.jsonString).joined(separator: ", ") + "]")
                w.add("errors", raw: "[" + v.errors.map(CanonicalText.jsonString).joined(separator: ", ") + "]")
                return w.render()
            }, text: { v.errors.isEmpty ? ["\(path): valid (\(v.checked.count) file(s) checked)"] : [] }, problems: v.errors)
        }
    }
}
