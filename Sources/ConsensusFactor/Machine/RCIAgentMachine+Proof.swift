import Privacy

/// The result-proof phase of an agent's machine (see `RCIResultProof`): settlements from
/// generators to consumers, one bundle per agent to every partner, verdicts to the platform.
extension RCIAgentMachine {
    /// Payload tags of `resultProof` messages.
    enum ProofTag: UInt8 { case settlement = 0, bundle = 1, unproven = 2 }

    mutating func beginProofs(into ready: inout RCIAgentReady) throws {
        guard let core else { return }
        committed = RCIResultProof.committedKW(core.trades, minKW: RCIResultProof.kW(spec.pMin), maxKW: RCIResultProof.kW(spec.pMax))
        if spec.role == .generator {
            // the pair's blinding: generator → consumer; each side commits its own trade
            for (i, p) in partners.enumerated() {
                let o = PedersenOpening(value: committed[i], blinding: .random(using: &rng))
                let payload = [ProofTag.settlement.rawValue] + RCIResultProof.encodeBlinding(o.blinding)
                ready.messages.append(RCIEnvelope(to: .agent(p), message: .resultProof(RCIResultProofMessage(from: spec.id, payload: payload))))
                openings.append(o)
            }
            sendBundle(into: &ready)
        } else {
            phase = .settling
            try drain(into: &ready)
        }
    }

    /// A result outside the agent's own bounds (e.g. after max iterations) cannot be proven:
    /// the agent says so (tag 2) instead of aborting, and its partners record the failure.
    private mutating func sendBundle(into ready: inout RCIAgentReady) {
        let t = meter.start()
        defer { meter.charge(\.proofs, since: t) }
        let payload: [UInt8]
        do {
            let settled = zip(partners, openings).map { ($0, $1) }
            var b = try RCIResultProof.Bundle.make(agent: spec, settled: settled, certified: registrarKey.isEmpty ? nil : certified, using: &rng)
            if let fake = faults.claimedUpperBound {  // test flag: prove against a bound nobody certified
                var claimed = spec
                claimed.pMax = fake
                b = try RCIResultProof.Bundle.make(agent: claimed, settled: settled, certified: nil, using: &rng)
                b.certificate = certified?.certificate
            }
            bundle = b; payload = [ProofTag.bundle.rawValue] + b.bytes
        } catch {
            bundle = nil; payload = [ProofTag.unproven.rawValue] + Array("cannot prove its result: \(error)".utf8)
        }
        for p in partners {
            ready.messages.append(RCIEnvelope(to: .agent(p), message: .resultProof(RCIResultProofMessage(from: spec.id, payload: payload))))
        }
        // The platform checks the range proofs once for everybody; partners check the rest.
        ready.messages.append(RCIEnvelope(to: .platform, message: .resultProof(RCIResultProofMessage(from: spec.id, payload: payload))))
        phase = .verifying
    }

    /// One message from every partner in the current proof phase.
    mutating func proofStep(heads: [RCIMessage], into ready: inout RCIAgentReady) throws {
        var payloads: [[UInt8]] = []
        for (i, m) in heads.enumerated() {
            guard case .resultProof(let r) = m, r.from == partners[i], let tag = r.payload.first else {
                throw RCIError.protocolViolation("\(partners[i]) sent \(m.kind) instead of its result proof")
            }
            if case .settling = phase, tag != ProofTag.settlement.rawValue {
                throw RCIError.protocolViolation("\(partners[i]) sent no settlement")
            }
            if case .verifying = phase, tag == ProofTag.settlement.rawValue {
                throw RCIError.protocolViolation("\(partners[i]) sent a second settlement")
            }
            payloads.append(Array(r.payload.dropFirst()))
        }
        if case .settling = phase {
            for (i, p) in payloads.enumerated() {
                let r = try RCIResultProof.decodeBlinding(p)
                openings.append(PedersenOpening(value: committed[i], blinding: -r))
            }
            sendBundle(into: &ready)
            try drain(into: &ready)
            return
        }
        var verified: [String] = [], failed: [String: String] = [:]
        let t = meter.start()
        let table = RCIResultProof.Bundle.pairTable(toleranceKW: pairToleranceKW)
        for (i, p) in partners.enumerated() {
            let tag = (heads[i].resultProofPayload ?? [255]).first
            do {
                guard tag == ProofTag.bundle.rawValue else { throw RCIError.protocolViolation(String(decoding: payloads[i], as: UTF8.self)) }
                guard let bundle else { throw RCIError.protocolViolation("own result unproven; pairwise check skipped") }
                let b = try RCIResultProof.Bundle(bytes: payloads[i])
                guard b.agent == p else { throw RCIError.protocolViolation("bundle names \(b.agent)") }
                try b.verify(verifier: spec.id, mine: bundle.commitments[i].commitment, pairToleranceKW: pairToleranceKW,
                             registrar: registrarKey.isEmpty ? nil : registrarKey, pairTable: table, ranges: false)
                verified.append(p)
            } catch {
                failed[p] = "\(error)"
            }
        }
        meter.charge(\.proofs, since: t)
        ready.messages.append(RCIEnvelope(to: .platform, message: .verification(id: spec.id, verified: verified, failed: failed.keys.sorted())))
        phase = .done
        guard let core else { return }
        ready.result = RCIAgentResult(outcome: core.outcome, converged: runConverged,
                                      settledKW: Dictionary(uniqueKeysWithValues: zip(partners, openings.map(\.value))),
                                      verified: verified, failed: failed, lastReport: core.lastReport,
                                      finalReciprocityHolds: core.wantsReciprocityTest ? verdict : nil, costs: meter.costs)
    }
}

extension RCIMessage {
    var resultProofPayload: [UInt8]? {
        if case .resultProof(let r) = self { return r.payload }
        return nil
    }
}
