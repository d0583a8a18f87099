import ArgumentParser
import GridClearApp
import LedgerLite

/// `--keys`: the trust anchor a ledger is audited against before it is read (`audit`, `replay`,
/// `proof`, `bills`); without it the keys the genesis block records (integrity, not origin).
struct TrustedKeysOption: ParsableArguments {
    @Option(help: "Trusted Ed25519 public keys for the audit: a .pub or node key file from 'gridclear keygen --ed25519', or 'ed25519-public: <hex>' lines (default: the keys the genesis block records).")
    var keys: String?

    /// The loaded keys; nil without `--keys`.
    func load() throws -> TrustedKeys? { try keys.map { try TrustedKeyFile.load(path: $0) } }
}
