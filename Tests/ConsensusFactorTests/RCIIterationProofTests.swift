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
        var run = try Self.prepare(algorithm, proofs: proofs, masking: masking, iterations: iterations, faults: faults)
        let outcome = try run.run()
        return (outcome, try #require(run.summary))
    }

    static func prepare(_ algorithm: RCIAlgorithm, proofs: RCIIterationProofOptions, masking: Bool = true, iterations: Int = 12,
                        faults: [String: RCIAgentFaults] = [:]) throws -> RCIInProcessRun {
        var params = RCIParameters(algorithm: algorithm)
        params.maxIterations = iterations
        return try RCIInProcessRun(case: try loadCase("case_2x3"), parameters: params, encryption: (key, masking), seed: 5,
                                   faults: faults, proofs: proofs)
    }

    /// Runs until the platform blames: the error and the verdict of its evidence, re-checked
    /// offline from the signed bytes and the registered keys alone.
    static func blame(_ algorithm: RCIAlgorithm, faults: [String: RCIAgentFaults]) throws -> (RCIError, RCIError?, RCIBlameEvidence) {
        var run = try prepare(algorithm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: faults)
        do {
            _ = try run.run()
        } catch let e as RCIError {
            let evidence = try RCIBlameEvidence(bytes: try #require(run.blameEvidence))
            return (e, try evidence.verdict(keys: run.registeredKeys), evidence)
        }
        throw RCIError.protocolViolation("nobody was blamed")
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
        // the blame rests on C2's signed contribution: the evidence convicts C2 offline
        let (_, verdict, _) = try Self.blame(algorithm, faults: ["C2": RCIAgentFaults(cheatUpdateAt: 6)])
        guard case .cheating("C2", 6, _)? = verdict else { Issue.record("offline verdict \(String(describing: verdict))"); return }
        // In an iteration that is not proven the same deviation goes unnoticed (by design of every-k).
        faults.cheatUpdateAt = 7
        _ = try Self.run(algorithm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: ["C2": faults])
    }

    /// Issue 19 item 4: in a proven iteration each share's Enc(P) comes with a proof that it
    /// hides the committed P; a wrong share is caught by its receiver and blamed on its sender in
    /// that iteration (offline too); unproven iterations do not check it.
    @Test(arguments: [RCIAlgorithm.admm, .rci])
    func wrongShareIsCaughtInItsIteration(algorithm: RCIAlgorithm) throws {
        let (error, verdict, evidence) = try Self.blame(algorithm, faults: ["G2": RCIAgentFaults(cheatShareAt: 6)])
        guard case .cheating("G2", 6, let what) = error else { Issue.record("blamed: \(error)"); return }
        #expect(what.contains("share") && what.contains("does not encrypt the trade it committed"), "\(what)")
        guard case .cheating("G2", 6, _)? = verdict else { Issue.record("offline verdict \(String(describing: verdict))"); return }
        #expect(evidence.owner == "G2" && ["C1", "C2", "C3"].contains(evidence.assembler))
        // not proven: the same wrong share is not checked, the run completes (by design of every-k)
        let (_, summary) = try Self.run(algorithm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: ["G2": RCIAgentFaults(cheatShareAt: 7)])
        #expect(summary.iterations > 7)
    }

    /// The added cost of the share proofs per proven iteration, printed: one slot encryption +
    /// proof per share (sender) and one verification (receiver); 2×3 has 12 shares.
    @Test func shareProofCost() throws {
        let pk = Self.key.publicKey, ctx = RCIIterationProof.shareContext(runID: [1], iteration: 0, sender: "G1", recipient: "C1")
        let clock = ContinuousClock(), n = 20
        var shares: [(PaillierSlotOpening, RCIOpening, PaillierSlotEqualityProof)] = []
        let proving = try clock.measure {
            for i in 0..<n {
                let p = RCIOpening.fresh(Int128(i * 1000 - 7000))
                let e = PaillierSlotOpening.encrypt(p.value, shift: 128, publicKey: pk)
                shares.append((e, p, try PaillierSlotEqualityProof.prove(e, blinding: p.blinding, commitment: PedersenCommitment(point: p.point),
                                                                         publicKey: pk, context: ctx)))
            }
        }
        var ok = true
        let verifying = clock.measure {
            for (e, p, proof) in shares {
                ok = ok && (try? proof.verify(e.ciphertext, shift: 128, PedersenCommitment(point: p.point), publicKey: pk, context: ctx)) != nil
            }
        }
        #expect(ok)
        func ms(_ d: Duration) -> Double { (Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) / 1e15) / Double(n) }
        print("share proof (512-bit test key): encrypt+prove \(ms(proving)) ms, verify \(ms(verifying)) ms per share")
    }

    /// Issue 19: a partner that alters the owner's contribution header it forwards to the
    /// platform (to frame the owner as an equivocator) is blamed itself — the owner's signature
    /// does not cover the altered bytes — and the evidence says so offline.
    @Test(arguments: [RCIAlgorithm.admm, .rci])
    func aPartnerTamperingWithAForwardedContributionIsBlamedNotTheOwner(algorithm: RCIAlgorithm) throws {
        let (error, verdict, evidence) = try Self.blame(algorithm, faults: ["C2": RCIAgentFaults(tamperForwardedAt: 3)])
        guard case .cheating("C2", 3, let what) = error else { Issue.record("blamed: \(error)"); return }
        #expect(what.contains("not signed by") && what.contains("is not blamed"), "\(what)")
        guard case .cheating("C2", 3, _)? = verdict else { Issue.record("offline verdict \(String(describing: verdict))"); return }
        #expect(evidence.assembler == "C2" && ["G1", "G2"].contains(evidence.owner))
        // a platform that alters the signed bundles to frame the owner: the evidence is refused
        var forged = evidence
        forged.ownerBundle[forged.ownerBundle.count / 2] ^= 1
        #expect(throws: (any Error).self) { _ = try forged.verdict(keys: try Self.prepare(algorithm, proofs: RCIIterationProofOptions()).registeredKeys) }
    }

    /// A contribution altered between its signer and its partner (a hop) fails the signature
    /// check: the run aborts naming the hop, and the signer is not blamed.
    @Test func aContributionAlteredInTransitAbortsNamingTheHop() throws {
        do {
            _ = try Self.run(.admm, proofs: RCIIterationProofOptions(proveEvery: 3), faults: ["G1": RCIAgentFaults(alteredInTransitAt: 3)])
            Issue.record("the altered contribution was accepted")
        } catch let RCIError.tampered(from, to, iteration, what) {
            #expect(from == "G1" && ["C1", "C2", "C3"].contains(to) && iteration == 3)
            #expect(what.contains("G1 is not blamed"), "\(what)")
        }
    }

    /// Signing and checking cost per proven iteration, printed (2×3: 6 pairs, 12 slots).
    @Test func signaturesCostLittle() throws {
        let id = RCIIdentity.generate(), message = Array(repeating: UInt8(7), count: 200)
        let clock = ContinuousClock()
        var sig: [UInt8] = []
        let n = 200
        let signing = clock.measure { for _ in 0..<n { sig = (try? id.sign(message)) ?? [] } }
        var ok = true
        let verifying = clock.measure { for _ in 0..<n { ok = ok && RCIIdentity.isValid(sig, by: id.publicKey, of: message) } }
        #expect(ok)
        func us(_ d: Duration) -> Double { Double(d.components.attoseconds) / 1e12 / Double(n) + Double(d.components.seconds) * 1e6 / Double(n) }
        // NE31: 420 slots → 420 signed contributions + 31 signed bundles per proven iteration;
        // agents check 420 contribution signatures, the platform 31 bundles and 420 forwarded headers.
        print("Ed25519 sign \(us(signing)) µs, verify \(us(verifying)) µs; NE31 per proven iteration ≈ "
              + "\(Int((451 * us(signing) + 871 * us(verifying)) / 1000)) ms CPU summed over all processes")
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
        let b = RCIIterationProofBundle(own: [.init(partner: "C1", power: g, lambda: nil, mask: h), .init(partner: "C2", power: nil, lambda: h, mask: g)],
                                        assembled: [.init(owner: "C1", shift: 101, ciphertext: [1, 2], proof: [3], ownerCommitment: g,
                                                          ownerPower: h, ownerDigest: [4], ownerSignature: [5])], signature: [6])
        let again = try RCIIterationProofBundle(bytes: b.bytes)
        #expect(again.bytes == b.bytes)
        #expect(throws: RCIError.self) { _ = try RCIIterationProofBundle(bytes: b.bytes + [0]) }
        #expect(throws: RCIError.self) { _ = try RCIIterationProofBundle(bytes: Array(b.bytes.dropLast())) }
        let c = RCIUpdateContribution(ciphertext: [9], randomness: [8], blinding: .one, ownCommitment: h, powerCommitment: g,
                                      shareCiphertext: [6], shareProof: [5], signature: [7])
        #expect(try RCIUpdateContribution(bytes: c.bytes).bytes == c.bytes)
        #expect(throws: RCIError.self) { _ = try RCIUpdateContribution(bytes: [0, 0]) }
    }
}
