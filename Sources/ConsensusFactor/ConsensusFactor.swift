/// ConsensusFactor: RCI distributed clearing with encrypted consensus-factor exchange (SPEC §5).
///
/// Layers, innermost first:
/// - `Model/`: the case (agents' private cost and bounds) and its parsing;
/// - `Core/`: one agent's RCI state machine (`RCIAgent`), pure: fed partners' shares and the
///   platform's decrypted prices, returns its next shares and update plans;
/// - `Exchange/`: the Paillier layer that evaluates the consensus-factor update on ciphertexts;
/// - `Driver/`: an in-process run of all agents (tests, benchmarks);
/// - `Wire/`, `Node/`: framed messages over unix/tcp sockets and the platform/agent processes;
/// - `Result/`: the published outcome, residuals and a KKT check.
public enum ConsensusFactorModule {}
