import GridClearCore
import Privacy
import Testing
@testable import ConsensusFactor

/// Per-iteration proofs (issue 19 item 4) on the protocol machines, in process: proven runs
/// compute exactly the unproven run's result, the platform checks the scheduled iterations,
/// and an agent sending a wrong update in a proven iteration is caught in that iteration.
@Suite struct RCIIterationProofTests {
    static let key = try! PaillierPrivateKey.generate(bits: 512)

    static func run(_ algorithm: RCIAlgorithm, proofs: RCIIterationProofOptions, masking: Bool = true, iterations: Int = 12,
                    faults: [String: RCIAgentFaults] = [:]) throws -> (RCIOutcome, RCIPlatformSummary) {
        var params = RCIParameters(algorithm: algorithm)
        params.maxIterations = iterations
        var run = try RCIInProcessRun(case: try loadCase("case_2x3"), parameters: params, encryption: (key, masking), seed: 5,
                                      faults: faults, proofs: proofs)
        let outcome = try run.run()
        return (outcome, try #require(run.summary))
    }

    @Test(arguments: [RCIAlgorithm.admm, .rci], [1, 3])
    func provenRunEqualsUnprovenAndChecksEveryKth(algorithm: RCIAlgorithm, every: Int) throws {
        let (plain, s0) = try Self.run(algorithm, proofs: RCIIterationProofOptions())
        let (proven, s1) = try Self.run(algorithm, proofs: RCIIterationProofOptions(proveEvery: every))
        #expect(plain == proven)  // bit-identical: the proven slots are the same integers
        #expect(s0.checkedProofIterations.isEmpty)
        #expect(s1.checkedProofIterations == Array(stride(from: 0, to: s1.iterations, by: every)))
    }

    @Test func unmaskedProvenRunEqualsUnproven() throws {
        let (plain, _) = try Self.run(.admm, proofs: RCIIterationProofOptions(), masking: false)
        let (proven, s) = try Self.run(.admm, proofs: RCIIterationProofOptions(proveEvery: 2), masking: false)
        #expect(plain == proven && !s.checkedProofIterations.isEmpty)
    }

    @Test(arguments: [RCIAlgorithm.admm, .rci])
    func wrongUpdateIsCaughtInItsIteration(algorithm: RCIAlgorithm) throws {
        var faults = RCIAgentFaults()
        faults.cheatUpdateAt = 6
        do {
            _ = try Self.run(algorithm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: ["C2": faults])
            Issue.record("the wrong update was not caught")
        } catch let RCIError.cheating(agent, iteration, what) {
            #expect(agent == "C2" && iteration == 6)
            #expect(what.contains("does not match its commitments"))
        }
        // In an iteration that is not proven the same deviation goes unnoticed (by design of every-k).
        faults.cheatUpdateAt = 7
        _ = try Self.run(algorithm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: ["C2": faults])
    }

    @Test func auditChecksASampleChosenAfterTheRun() throws {
        let (plain, _) = try Self.run(.admm, proofs: RCIIterationProofOptions())
        let (audited, s) = try Self.run(.admm, proofs: RCIIterationProofOptions(auditSample: 4, auditSeed: 9))
        #expect(plain == audited)
        #expect(s.checkedProofIterations.count == 4 && Set(s.checkedProofIterations).count == 4)
        #expect(s.checkedProofIterations.allSatisfy { $0 < s.iterations })
        let (_, again) = try Self.run(.admm, proofs: RCIIterationProofOptions(auditSample: 4, auditSeed: 9))
        #expect(again.checkedProofIterations == s.checkedProofIterations)  // the seed decides the sample
    }

    @Test func bundleAndContributionCodecsRoundTripAndRefuseGarbage() throws {
        let g = RCIIterationProof.pedersen.g, h = RCIIterationProof.pedersen.h
        let b = RCIIterationProofBundle(own: [.init(power: g, lambda: nil, mask: h), .init(power: nil, lambda: h, mask: g)],
                                        assembled: [.init(ciphertext: [1, 2], proof: [3], ownerCommitment: g)])
        let again = try RCIIterationProofBundle(bytes: b.bytes)
        #expect(again.bytes == b.bytes)
        #expect(throws: RCIError.self) { _ = try RCIIterationProofBundle(bytes: b.bytes + [0]) }
        #expect(throws: RCIError.self) { _ = try RCIIterationProofBundle(bytes: Array(b.bytes.dropLast())) }
        let c = RCIUpdateContribution(ciphertext: [9], randomness: [8], blinding: .one, ownCommitment: h)
        #expect(try RCIUpdateContribution(bytes: c.bytes).bytes == c.bytes)
        #expect(throws: RCIError.self) { _ = try RCIUpdateContribution(bytes: [0, 0]) }
    }
}
