import ArgumentParser
import LedgerLite

/// `gridclear proof <ledger-dir> --trade <id>` — exports a self-contained inclusion proof
/// for one trade (checked offline by `verify-proof`).
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Export an inclusion proof for one trade.",
        discussion: """
        A trade is named by '<bid_id>/<offer_id>' (the first trades.csv row with that pair) or
        by its row number '#N' (1-based, header excluded); --cycle picks the cycle when the ids
        occur in several. The ledger is audited first (against --keys, or the genesis keys).

        Examples:
          gridclear proof Ledger --trade B1/O1 --out trade-proof.json
          gridclear proof Ledger --trade '#2' --cycle 20261120T1000Z
        """)

    @Argument(help: "The ledger directory.")
    var ledgerDir: String

    @Option(help: "The trade: '<bid_id>/<offer_id>' or '#<row>'.")
    var trade: String

    @Option(help: "The cycle id (needed when the trade id occurs in several cycles).")
    var cycle: String?

    @Option(help: "Output file (default: <cycle>-row<N>.proof.json).")
    var out: String?

    @Option(help: "Trusted keys for the audit before export (default: the genesis keys).")
    var keys: String?

    func run() throws {
        try reportingErrors {
            let trusted = try keys.map(LedgerGlue.trustedKeys)
            var matches: [(Block, Int, Int, String)] = []  // block, entry index, row, cycle
            let wantRow: Int? = trade.hasPrefix("#") ? Int(trade.dropFirst()) : nil
            if trade.hasPrefix("#") && (wantRow == nil || wantRow! < 1) { throw CLIFailure("--trade '\(trade)': expected '#<row>' with row ≥ 1") }
            let pair = trade.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            if wantRow == nil && pair.count != 2 { throw CLIFailure("--trade '\(trade)': expected '<bid_id>/<offer_id>' or '#<row>'") }
            let result = try LedgerAuditor.audit(directory: ledgerDir, trusted: trusted) { block, _ in
                for (i, e) in block.entries.enumerated() {
                    guard case .clearedCycle(let c) = e, cycle == nil || cycle == c.cycleID else { continue }
                    let table = c.trades
                    if let r = wantRow {
                        if r <= table.rows.count { matches.append((block, i, r, c.cycleID)) }
                        continue
                    }
                    guard let bi = table.columns.firstIndex(of: "bid_id"), let oi = table.columns.firstIndex(of: "offer_id") else { continue }
                    for (n, f) in table.rows.enumerated() where f[bi] == pair[0] && f[oi] == pair[1] {
                        matches.append((block, i, n + 1, c.cycleID)); break
                    }
                }
            }
            if case .failure(let f) = result { throw CLIFailure("the ledger does not audit (offset \(f.offset): \(f.message)); no proof exported") }
            guard !matches.isEmpty else { throw CLIFailure("no trade '\(trade)'\(cycle.map { " in cycle \($0)" } ?? "") in \(ledgerDir)") }
            guard matches.count == 1 else {
                throw CLIFailure("trade '\(trade)' occurs in cycles \(matches.map(\.3).joined(separator: ", ")); pick one with --cycle")
            }
            let (block, idx, row, cyc) = matches[0]
            let proof = try TradeProof.make(block: block, entryIndex: idx, row: row)
            let path = out ?? "\(cyc)-row\(row).proof.json"
            try FileBytes.writeAtomically(try proof.jsonBytes(), to: path)
            print("wrote \(path): trade row \(row) of cycle \(cyc) in block \(block.header.height)")
        }
    }
}
