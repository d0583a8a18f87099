/// Privacy: Paillier over GMP, Pedersen commitments and ZK proofs over Ristretto255,
/// blind-signature pseudonyms, threshold sharing (SPEC §4). See `docs/privacy.md`.
public enum PrivacyModule {}
