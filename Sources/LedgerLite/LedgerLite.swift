/// LedgerLite: append-only hash-chained ledger, Merkle proofs, audit (SPEC §6).
///
/// Layout of the module:
/// - `Codec/`     CRC-32C and the canonical big-endian byte writer/reader (no Crypto).
/// - `Format/`    framed records, ledger entries and blocks, their canonical encodings (no Crypto).
/// - `Merkle/`    RFC 6962 / RFC 9162 tree hashing, inclusion and consistency proofs.
/// - `Signing/`   block hashing with domain separation and Ed25519 node keys.
/// - `Store/`     the ledger directory: durable appends, torn-tail recovery.
/// - `Ordering/`  the orderer protocol and the embedded single-node orderer (block cutting).
/// - `Audit/`     offline verification of a whole ledger.
/// - `Proof/`     self-contained trade inclusion proofs.
/// - `Schedule/`  the pure scheduler core (which cycles are due, when to wake).
///
/// The library never prints, never reads the clock and never draws global randomness:
/// times are passed in and key material comes from the caller (or the system CSPRNG).
public enum LedgerLiteModule {}
