/// LedgerLite: append-only hash-chained ledger, Merkle proofs, audit (SPEC §6).
///
/// Layout of the module:
/// - `Format/`    framed records, ledger entries and blocks, their canonical encodings (the
///                byte codec and CRC-32C are GridClearCore's).
/// - `Merkle/`    RFC 6962 / RFC 9162 tree hashing, inclusion and consistency proofs.
/// - `Signing/`   block hashing with domain separation and Ed25519 node keys.
/// - `Store/`     the ledger directory: durable appends, torn-tail recovery, chain rules.
/// - `Ordering/`  the orderer protocol and the embedded single-node orderer (block cutting).
/// - `Audit/`     offline verification of a whole ledger.
/// - `Proof/`     self-contained trade inclusion proofs.
///
/// Imports only GridClearCore, GridClearSystem (files, locks, fsync) and swift-crypto; never
/// Foundation or Glibc. The library never prints, never reads the clock and never draws
/// global randomness: times are passed in and key material comes from the caller (or the
/// system CSPRNG).
public enum LedgerLiteModule {}
