/// ConsensusFactor: RCI (and consensus-ADMM) distributed clearing with encrypted
/// consensus-factor exchange (SPEC §5).
///
/// Layers, innermost first:
/// - `Model/`: the case (agents' private cost and bounds) and its parsing;
/// - `Core/`: the numerical cores (`RCIAgent`, and `ADMMAgent` in `Variant/`) behind one
///   contract, `RCIConsensusCore`: shares → affine update plans → advance;
/// - `Exchange/`: the Paillier layer that evaluates the plans on ciphertexts;
/// - `Machine/`: the protocol as pure state machines (`RCIAgentMachine`,
///   `RCIPlatformMachine`): one `step(input)` returning a `Ready` value (messages, connection
///   requests, result) — the protocol order is coded only here (etcd-io/raft's `RawNode`);
/// - `Driver/`: the in-process transport (a FIFO queue) for `rci solve`, tests, benchmarks;
/// - `Wire/`, `Node/`: frames over unix/tcp sockets and the socket transport of the same
///   machines (OS-facing: the only files importing Glibc);
/// - `Proofs/`, `Result/`: result proofs, the published outcome, residuals and a KKT check.
public enum ConsensusFactorModule {}
