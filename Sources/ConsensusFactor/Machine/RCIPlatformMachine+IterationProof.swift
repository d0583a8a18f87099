import GridClearCore
import Privacy

/// The platform's per-iteration proof state (protocol in `RCIIterationProof`).
struct RCIPlatformProofState: Sendable {
    var options = RCIIterationProofOptions()
    /// This iteration's bundles by agent.
    var bundles: [String: RCIIterationProofBundle] = [:]
    /// ADMM: C(Λ_nm^k) per agent, per partner (nil: unknown, its masks were not committed).
    var chain: [String: [Point?]] = [:]
    /// Audit mode: every iteration's bundles and chain, checked after the run for a sample.
    var kept: [Int: (bundles: [String: RCIIterationProofBundle], chain: [String: [Point?]])] = [:]
    /// Proof iterations checked (inline or audited).
    var checked: [Int] = []
}

extension RCIPlatformMachine {
    /// The per-iteration proof schedule (set before the run; `proveEvery` is sent in the setup).
    public var iterationProofs: RCIIterationProofOptions {
        get { proofState.options }
        set { proofState.options = newValue }
    }

    /// The iterations whose proofs were checked, in order (after the run).
    public var checkedProofIterations: [Int] { proofState.checked }

    /// Starts the chain at the public Λ⁰ for every pair.
    mutating func startIterationProofChain() throws {
        guard iterationProofs.agentsProveEvery > 0 else { return }
        guard cipher != nil else { throw RCIError.protocolViolation("per-iteration proofs need the encrypted protocol (--encrypted)") }
        guard !registered.isEmpty else {
            throw RCIError.protocolViolation("per-iteration proofs need registered agent identities (their contributions are signed)")
        }
        let head = Scalar(Int64(try RCIIterationProof.initialLambda(parameters))) * RCIIterationProof.pedersen.g
        for a in joined { proofState.chain[a.id] = Array(repeating: head, count: RCIRosterEntry.partners(of: a.role, in: joined).count) }
    }

    /// Stores an agent's bundle for iteration `k` once its signature is the agent's: a bundle
    /// that is not was altered between the agent and the platform (the run aborts naming the hop).
    mutating func acceptIterationProof(from id: String, iteration it: Int, current k: Int, payload: [UInt8]) throws {
        guard it == k, proofState.bundles[id] == nil, iterationProofs.agentsProveEvery.commitsMasks(k) else {
            throw RCIError.protocolViolation("agent \(id) sent an unexpected iteration proof for \(it) during \(k)")
        }
        let t = meter.start()
        defer { meter.charge(\.iterationVerifying, since: t) }
        let bundle = try RCIIterationProofBundle(bytes: payload)
        guard let key = registered[id]?.publicKey, bundle.isSigned(by: id, key: key, runID: runID, iteration: k) else {
            throw RCIError.tampered(from: id, to: "platform", iteration: k, what: "the iteration-proof bundle is not signed by \(id)'s registered key")
        }
        proofState.bundles[id] = bundle
    }

    /// Agent `accuser`'s accusation of partner `owner` in iteration `k`: the verdict on the
    /// signed contribution (`RCISlotCheck.accusation`), with its evidence kept for offline checking.
    mutating func judgeAccusation(by accuser: String, owner: String, iteration k: Int, contribution bytes: [UInt8]) -> RCIError {
        guard let cipher, let ownerKey = registered[owner]?.publicKey,
              let role = joined.first(where: { $0.id == owner })?.role,
              let i = RCIRosterEntry.partners(of: role, in: joined).firstIndex(of: accuser),
              let accuserRole = joined.first(where: { $0.id == accuser })?.role,
              let j = RCIRosterEntry.partners(of: accuserRole, in: joined).firstIndex(of: owner),
              let contribution = try? RCIUpdateContribution(bytes: bytes) else {
            return .cheating(agent: accuser, iteration: k, what: "its accusation of \(owner) is malformed or names no partner")
        }
        let pk = cipher.privateKey.publicKey
        let slots = PaillierPacking.slots(of: pk, slotBits: RCIAgentCipher.slotBits)
        let shift = RCIAgentCipher.slotBits * (i % slots), shareShift = RCIAgentCipher.slotBits * (j % slots)
        var evidence = RCIBlameEvidence(kind: .accusation, runID: runID, iteration: k, parameters: parameters, publicKey: pk.serialize(),
                                        owner: owner, assembler: accuser)
        evidence.contribution = bytes; evidence.shift = shift; evidence.shareShift = shareShift
        blameEvidence = evidence.bytes
        return RCISlotCheck(runID: runID, iteration: k, parameters: parameters, publicKey: pk)
            .accusation(owner: owner, ownerKey: ownerKey, accuser: accuser, contribution: contribution, shift: shift, shareShift: shareShift)
    }

    /// In a proof iteration: checks every slot (inline mode) and returns each agent's packed
    /// ciphertexts assembled from its partners' proven slots; nil otherwise.
    mutating func provenPackedLambdas(_ k: Int) throws -> [String: [[UInt8]]]? {
        let every = iterationProofs.agentsProveEvery
        guard every.provesIteration(k), let cipher else { return nil }
        let t = meter.start()
        defer { meter.charge(\.iterationVerifying, since: t) }
        if iterationProofs.auditSample > 0 {
            proofState.kept[k] = (proofState.bundles, proofState.chain)
        } else {
            try verifyIteration(k, bundles: proofState.bundles, chain: proofState.chain)
            proofState.checked.append(k)
        }
        let pk = cipher.privateKey.publicKey
        let slots = PaillierPacking.slots(of: pk, slotBits: RCIAgentCipher.slotBits)
        var out: [String: [[UInt8]]] = [:]
        for n in joined {
            let partners = RCIRosterEntry.partners(of: n.role, in: joined)
            var packed: [PaillierCiphertext] = []
            for (i, m) in partners.enumerated() {
                        guard let slot = proofState.bundles[m]?.assembled.first(where: { $0.owner == n.id }) else {
                    throw RCIError.cheating(agent: m, iteration: k, what: "no proven slot for \(n.id)'s update")
                }
                let c = try PaillierCiphertext(bytes: slot.ciphertext, publicKey: pk)
                if i % slots == 0 { packed.append(c) } else { packed[packed.count - 1] = pk.add(packed[packed.count - 1], c) }
            }
            out[n.id] = packed.map(\.bytes)
        }
        return out
    }

    /// After decrypting agent `id`'s slots y = Λ^{k+1} + mask: the chain C(Λ^{k+1}) = y·G − C(mask).
    mutating func advanceIterationProofChain(_ id: String, values: [Int128]) {
        guard iterationProofs.agentsProveEvery > 0 else { return }
        let own = proofState.bundles[id]?.own
        proofState.chain[id] = values.indices.map { i in
            guard let own, i < own.count else { return nil }
            return Scalar(values[i]) * RCIIterationProof.pedersen.g - own[i].mask
        }
    }

    /// Clears the bundles at the end of an iteration.
    mutating func endIterationProofs() { proofState.bundles = [:] }

    /// Audit mode, at the stop: checks `auditSample` iterations drawn with `auditSeed` (all
    /// when fewer were run), in order; the first failure names the agent and the iteration.
    mutating func auditIterationProofs() throws {
        guard iterationProofs.auditSample > 0 else { return }
        let t = meter.start()
        defer { meter.charge(\.iterationVerifying, since: t) }
        var pool = proofState.kept.keys.sorted()
        var rng = SplitMix64(seed: iterationProofs.auditSeed)
        var sample: [Int] = []
        while sample.count < iterationProofs.auditSample && !pool.isEmpty {
            sample.append(pool.remove(at: Int(rng.next() % UInt64(pool.count))))
        }
        for k in sample.sorted() {
            guard let kept = proofState.kept[k] else { continue }
            try verifyIteration(k, bundles: kept.bundles, chain: kept.chain)
            proofState.checked.append(k)
        }
        proofState.kept = [:]
    }

    /// Verifies every slot of iteration `k` from what the agents signed (`RCISlotCheck`): the
    /// owner's D_n as it signed it for its partner must combine its signed commitments (and,
    /// under ADMM, the λ this platform decrypted), and the partner's proof that the slot
    /// encrypts that combination plus the partner term must hold. The first failure names the
    /// agent whose signed contribution fails and keeps the evidence (`blameEvidence`).
    mutating func verifyIteration(_ k: Int, bundles: [String: RCIIterationProofBundle], chain: [String: [Point?]]) throws {
        guard let cipher else { return }
        let pk = cipher.privateKey.publicKey
        let check = RCISlotCheck(runID: runID, iteration: k, parameters: parameters, publicKey: pk)
        let slots = PaillierPacking.slots(of: pk, slotBits: RCIAgentCipher.slotBits)
        for n in joined {
            let partners = RCIRosterEntry.partners(of: n.role, in: joined)
            guard let bn = bundles[n.id], bn.own.map(\.partner) == partners, bn.assembled.count == partners.count,
                  let ownerKey = registered[n.id]?.publicKey else {
                throw RCIError.cheating(agent: n.id, iteration: k, what: "no signed iteration proof for every partner")
            }
            for (i, m) in partners.enumerated() {
                guard let bm = bundles[m] else { throw RCIError.cheating(agent: m, iteration: k, what: "no iteration proof for \(n.id)") }
                var point: Point?
                if parameters.algorithm == .admm {
                    guard let c = chain[n.id].flatMap({ i < $0.count ? $0[i] : nil }) else {
                        throw RCIError.cheating(agent: n.id, iteration: k, what: "its commitments for the update with \(m) are unchained")
                    }
                    point = c
                }
                do {
                    try check.check(owner: n.id, ownerBundle: bn, ownerKey: ownerKey, assembler: m, assemblerBundle: bm,
                                    shift: RCIAgentCipher.slotBits * (i % slots), chain: point)
                } catch {
                    var evidence = RCIBlameEvidence(kind: .slot, runID: runID, iteration: k, parameters: parameters, publicKey: pk.serialize(),
                                                    owner: n.id, assembler: m)
                    evidence.ownerBundle = bn.bytes; evidence.assemblerBundle = bm.bytes; evidence.chain = point?.bytes ?? []
                    blameEvidence = evidence.bytes
                    throw error
                }
            }
        }
    }
}
