import Testing
@testable import ConsensusFactor

@Test func ConsensusFactorModuleLinks() {
    #expect(String(describing: ConsensusFactorModule.self) == "ConsensusFactorModule")
}
