/// ConsensusFactor: RCI distributed clearing with encrypted consensus-factor exchange (SPEC §5).
public enum ConsensusFactorModule {}
