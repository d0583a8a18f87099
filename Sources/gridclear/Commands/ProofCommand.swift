import ArgumentParser
import GridClearApp
import GridClearSystem

/// `gridclear proof <ledger-dir> --trade <id>` — exports a self-contained inclusion proof
/// for one trade (checked offline by `verify-proof`).
struct ProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proof",
        abstract: "Export an inclusion proof for one trade.",
        discussion: """
        A trade is named by '<bid_id>/<offer_id>' (the first trades.csv row with that pair) or by its row number '#N' (1-based, header excluded); --cycle picks the cycle when the ids occur in several. The ledger is audited first (against --keys, or the genesis keys).

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

    @OptionGroup var keys: TrustedKeysOption

    func run() throws {
        try reportingErrors {
            let trusted = try keys.load()
            let p = try ProofService.export(ledgerDirectory: ledgerDir, trade: try TradeSelector(parsing: trade), cycle: cycle, trusted: trusted)
            let path = out ?? "\(p.cycle)-row\(p.row).proof.json"
            try AtomicFile.write(p.proof.jsonBytes(), to: path)
            say("wrote \(path): trade row \(p.row) of cycle \(p.cycle) in block \(p.height)")
        }
    }
}
