import Privacy

/// One iteration of an agent's machine: partner shares in, request out; reply in, advance.
extension RCIAgentMachine {
    /// All partners' messages for iteration `k` are in: evaluate the plans and ask the platform.
    mutating func exchange(k: Int, heads: [RCIMessage], into ready: inout RCIAgentReady) throws {
        guard core != nil else { return }
        var incoming: [RCIShare] = [], encrypted: [RCIEncryptedShare] = []
        if cipher == nil { incoming.reserveCapacity(heads.count) } else { encrypted.reserveCapacity(heads.count) }
        for (i, m) in heads.enumerated() {
            switch m {
            case .share(let s) where cipher == nil && s.iteration == k: incoming.append(s)
            case .encryptedShare(let s) where cipher != nil && s.iteration == k: encrypted.append(s)
            default: throw RCIError.protocolViolation("\(partners[i]) sent \(m.kind) instead of its share for iteration \(k)")
            }
        }
        var t = meter.start()
        let plans = try takePlans(k: k)
        meter.charge(\.algorithm, since: t)
        t = meter.start()
        defer { meter.charge(\.homomorphic, since: t) }
        let wants = core!.wantsReciprocityTest
        var flag = core!.converged
        var masks: [Int128] = []
        verdict = nil
        let request: RCIMessage
        if let cipher {
            var tests: [[UInt8]] = []
            let reciprocity = wants ? try core!.reciprocityTests() : []
            var packed: [[UInt8]] = []
            if proofs?.every.provesIteration(k) == true {
                switch try assembleIterationProof(k: k, shares: encrypted) {
                case .proven(let bundle, let m):
                    ready.messages.append(RCIEnvelope(to: .platform, message: bundle))
                    masks = m
                case .accusation(let accusation):
                    // the platform verifies the signed evidence and names the cheater; nothing else is sent
                    ready.messages.append(RCIEnvelope(to: .platform, message: accusation))
                    phase = .accusing(k)
                    return
                }
                t = meter.start()  // metered as iteration proving/verifying, not homomorphic
            } else {
                (packed, masks) = try cipher.evaluate(plans, on: encrypted, using: &rng)
                if let bundle = try maskCommitments(k: k, masks: masks) { ready.messages.append(RCIEnvelope(to: .platform, message: bundle)) }
            }
            if wants {
                for i in partners.indices {
                    tests += try cipher.blindedTest(reciprocity[i], partnerPower: encrypted[i].power, slot: cipher.slot(ofPartner: i), using: &rng)
                }
            }
            request = .request(iteration: k, converged: flag, lambdas: packed, tests: tests, wantsTest: wants)
        } else {
            // Plaintext: the agent decides the reciprocity part itself, on these very shares.
            if wants {
                verdict = zip(try core!.reciprocityTests(), incoming).allSatisfy { $0.holds(partnerPower: $1.power) }
                flag = flag && verdict == true
            }
            request = .request(iteration: k, converged: flag, lambdas: [], tests: [], wantsTest: false)
        }
        ready.messages.append(RCIEnvelope(to: .platform, message: request))
        phase = .awaitingReply(k, masks: masks, incoming: incoming, plans: plans)
    }

    /// The platform's reply to iteration `k`: stop (→ result proofs) or the new consensus factors.
    mutating func handleReply(k: Int, stop: Bool, values: [Int128], verdict: Bool?, masks: [Int128],
                              incoming: [RCIShare], plans: [RCIUpdatePlan], into ready: inout RCIAgentReady) throws {
        guard core != nil else { return }
        if stop {
            if cipher != nil { self.verdict = verdict }
            runConverged = core!.converged && (!core!.wantsReciprocityTest || self.verdict == true)
            try beginProofs(into: &ready)
            return
        }
        var lambdas: [Int64]
        var holds: Bool? = nil
        let wants = core!.wantsReciprocityTest
        if cipher != nil {
            guard values.count == partners.count, verdict != nil || !wants else {
                throw RCIError.protocolViolation("short reply from the platform for iteration \(k)")
            }
            lambdas = try zip(values, masks).map { x, m in
                guard let l = Int64(exactly: x - m) else { throw RCIError.arithmeticOverflow("unmasked consensus factor") }
                return l
            }
            holds = wants ? verdict : nil
            advanceIterationProofChain(k: k, values: values)
        } else {
            lambdas = try zip(plans, incoming).map { try $0.evaluate(partnerLambda: $1.lambda, partnerPower: $1.power) }
            holds = wants ? self.verdict : nil
        }
        let t = meter.start()
        try core!.advance(newLambdas: lambdas, reciprocityHolds: holds)
        meter.charge(\.algorithm, since: t)
        try beginIteration(into: &ready)
    }
}
