import Clearing
import LedgerLite

/// Glue between clearing and the ledger for the CLI (owned by the LedgerLite work).
/// `clear --ledger DIR` calls `appendCycle`; the scheduler and replay use it too.
enum LedgerAppendOutcome {
    /// The cycle was appended at this block height.
    case appended(height: UInt64)
    /// The ledger already holds this cycle; nothing was written.
    case alreadyPresent(height: UInt64)
}

enum LedgerGlue {
    /// Appends a cleared cycle (with the raw input files it was cleared from) to the
    /// ledger in `ledgerDir`, creating the ledger (genesis block, node key) on first use.
    static func appendCycle(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions,
                            ledgerDir: String, keyFile: String?) throws -> LedgerAppendOutcome {
        throw CLIFailure("the ledger is not implemented yet")
    }
}
