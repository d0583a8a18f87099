/// LedgerLite: append-only hash-chained ledger, Merkle proofs, audit, replication (SPEC §6–7).
public enum LedgerLiteModule {}
