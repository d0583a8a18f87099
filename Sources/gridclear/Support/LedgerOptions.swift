import ArgumentParser
import GridClearApp
import GridClearCore

/// `--key`: the node key that signs this node's ledger blocks. The one home of the key-custody
/// rule in the help: the default key lives beside the ledger directory, never inside it (a
/// ledger folder handed to an auditor must not carry the key that could re-sign it).
struct NodeKeyOption: ParsableArguments {
    @Option(help: "Node key file (made by 'gridclear keygen --ed25519'; default: <ledger>.key beside the ledger directory, never inside it).")
    var key: String?
}

/// `[--ledger DIR] [--key FILE]` of the commands that record in a ledger when asked (`clear`,
/// `settle`, `private run`): the ledger is opened only through `opener`, i.e. only once the
/// workflow has checked its inputs, so bad input never creates or touches a ledger.
struct LedgerOptions: ParsableArguments {
    @Option(help: "Also record the results in the ledger in this directory (created on first use); outputs are published only once the ledger entries are durable.")
    var ledger: String?

    @OptionGroup var signing: NodeKeyOption

    /// Opens (creating on first use) the ledger at `now`; nil without `--ledger`.
    func opener(now: UTCTime, events: @escaping AppEvents = report) -> LedgerOpener? {
        let key = signing.key
        return ledger.map { d in { try NodeLedger(directory: d, keyFile: key, now: now, events: events) } }
    }
}

/// `--ledger DIR [--key FILE]` of the commands that always record (`schedule`, `serve`).
struct RequiredLedgerOptions: ParsableArguments {
    @Option(help: "The ledger directory (created on first use).")
    var ledger: String

    @OptionGroup var signing: NodeKeyOption

    /// Opens (creating on first use) the ledger at `now`.
    func open(now: UTCTime, events: @escaping AppEvents) throws(AppError) -> NodeLedger {
        try NodeLedger(directory: ledger, keyFile: signing.key, now: now, events: events)
    }
}
