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
        let head = Scalar(Int64(try RCIIterationProof.initialLambda(parameters))) * RCIIterationProof.pedersen.g
        for a in joined { proofState.chain[a.id] = Array(repeating: head, count: RCIRosterEntry.partners(of: a.role, in: joined).count) }
    }

    /// Stores an agent's bundle for iteration `k`.
    mutating func acceptIterationProof(from id: String, iteration it: Int, current k: Int, payload: [UInt8]) throws {
        guard it == k, proofState.bundles[id] == nil, iterationProofs.agentsProveEvery.commitsMasks(k) else {
            throw RCIError.protocolViolation("agent \(id) sent an unexpected iteration proof for \(it) during \(k)")
        }
        proofState.bundles[id] = try RCIIterationProofBundle(bytes: payload)
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
                guard let bm = proofState.bundles[m], let j = RCIRosterEntry.partners(of: n.role == .generator ? .consumer : .generator, in: joined).firstIndex(of: n.id),
                      j < bm.assembled.count else {
                    throw RCIError.cheating(agent: m, iteration: k, what: "no proven slot for \(n.id)'s update")
                }
                let c = try PaillierCiphertext(bytes: bm.assembled[j].ciphertext, publicKey: pk)
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

    /// Verifies every slot of iteration `k`: the owner's commitment combination (its own
    /// commitments, and under ADMM the chained C(Λ)) must be the one its partner assembled
    /// against, and the partner's proof that the slot encrypts that combination plus the
    /// partner term (from the partner's own commitments) must hold.
    func verifyIteration(_ k: Int, bundles: [String: RCIIterationProofBundle], chain: [String: [Point?]]) throws {
        guard let cipher else { return }
        let pk = cipher.privateKey.publicKey
        let (lc, pc) = try RCIIterationProof.coefficients(parameters, iteration: k)
        let kappa = Scalar(parameters.algorithm == .rci ? Int128(RCIFixedPoint.coefficientScale - lc) : 1)
        for n in joined {
            let partners = RCIRosterEntry.partners(of: n.role, in: joined)
            guard let bn = bundles[n.id], bn.own.count == partners.count, bn.assembled.count == partners.count else {
                throw RCIError.cheating(agent: n.id, iteration: k, what: "no iteration proof for every partner")
            }
            for (i, m) in partners.enumerated() {
                let ownerSide = RCIRosterEntry.partners(of: n.role == .generator ? .consumer : .generator, in: joined)
                guard let bm = bundles[m], let j = ownerSide.firstIndex(of: n.id), j < bm.own.count, j < bm.assembled.count else {
                    throw RCIError.cheating(agent: m, iteration: k, what: "no iteration proof for \(n.id)")
                }
                let own = bn.own[i], slot = bm.assembled[j]
                let lambdaOwn: Point?
                if parameters.algorithm == .rci { lambdaOwn = own.lambda } else { lambdaOwn = chain[n.id].flatMap { i < $0.count ? $0[i] : nil } }
                guard let power = own.power, let lambdaOwn else {
                    throw RCIError.cheating(agent: n.id, iteration: k, what: "its commitments for the update with \(m) are incomplete or unchained")
                }
                let dn = kappa * lambdaOwn + Scalar(pc) * power + own.mask
                guard slot.ownerCommitment == dn else {
                    throw RCIError.cheating(agent: n.id, iteration: k,
                                           what: "its update contribution to \(m) differs from its commitments to the platform (or \(m) misreports it)")
                }
                guard let partnerPower = bm.own[j].power, lc == 0 || bm.own[j].lambda != nil else {
                    throw RCIError.cheating(agent: m, iteration: k, what: "its commitments for the update of \(n.id) are incomplete")
                }
                var d = dn + Scalar(pc) * partnerPower
                if lc != 0, let l = bm.own[j].lambda { d = d + Scalar(lc) * l }
                do {
                    let c = try PaillierCiphertext(bytes: slot.ciphertext, publicKey: pk)
                    try PaillierSlotEqualityProof(bytes: slot.proof, publicKey: pk)
                        .verify(c, shift: RCIAgentCipher.slotBits * (i % PaillierPacking.slots(of: pk, slotBits: RCIAgentCipher.slotBits)),
                                PedersenCommitment(point: d), publicKey: pk,
                                context: RCIIterationProof.context(runID: runID, iteration: k, owner: n.id, assembler: m))
                } catch {
                    throw RCIError.cheating(agent: m, iteration: k, what: "its proof of \(n.id)'s update does not verify (\(error))")
                }
            }
        }
    }
}
