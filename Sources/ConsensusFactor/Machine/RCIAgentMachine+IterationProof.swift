import GridClearCore
import Privacy

/// An agent's per-iteration proof state (protocol in `RCIIterationProof`).
struct RCIAgentProofState: Sendable {
    let every: Int
    let runID: [UInt8]
    let parameters: RCIParameters
    /// ADMM: C(Λ_nm^k) per partner and its blinding, chained from the platform's last answer
    /// (nil when that answer's masks were not committed).
    var lambdaChain: [(point: Point, blinding: Scalar)?]
    /// This iteration's own openings per partner: P_nm, λ_nm (RCI only), mask + slot offset.
    var power: [RCIOpening] = [], lambda: [RCIOpening] = [], mask: [RCIOpening] = []
    /// The plans drawn when the contributions were made (used again by `exchange`).
    var plans: [RCIUpdatePlan]?
    /// ADMM: the chained C(Λ^k) per partner this iteration's contributions used (committed to the platform).
    var chainPoints: [Point] = []
    /// The iteration whose masks `mask` holds (−1: none).
    var maskIteration = -1
}

extension RCIAgentMachine {
    /// Sets up per-iteration proofs from the setup (needs encryption and public step sizes).
    mutating func acceptIterationProofs(_ setup: RCISetup) throws {
        guard setup.proveEvery > 0 else { proofs = nil; return }
        guard cipher != nil else { throw RCIError.protocolViolation("per-iteration proofs need the encrypted protocol (--encrypted)") }
        guard identity != nil, partnerKeys.count == partners.count else {
            throw RCIError.protocolViolation("per-iteration proofs need signed contributions: \(spec.id) needs its identity key and the setup every partner's registered key")
        }
        guard perturbation == nil else {
            throw RCIError.protocolViolation("per-iteration proofs need public step sizes: --perturb cannot be combined with --prove-every")
        }
        let head = Scalar(Int64(try RCIIterationProof.initialLambda(setup.parameters))) * RCIIterationProof.pedersen.g
        proofs = RCIAgentProofState(every: setup.proveEvery, runID: setup.runID, parameters: setup.parameters,
                                    lambdaChain: Array(repeating: (head, .zero), count: partners.count))
    }

    /// In a proof iteration: the plans of iteration `k` (kept for `exchange`), fresh commitments
    /// to this iteration's own values and, per partner, n's own part of its update slot with its
    /// opening, and the share's Enc(2^S·P_nm) proven to hide the committed P_nm (the share
    /// carries exactly this ciphertext). Empty otherwise.
    mutating func iterationContributions(k: Int, shares: [RCIShare]) throws -> [(contribution: [UInt8], power: [UInt8])] {
        guard var st = proofs, st.every.provesIteration(k), let cipher, core != nil else { return [] }
        let t = meter.start()
        defer { meter.charge(\.iterationProving, since: t) }
        let (lc, pc) = try RCIIterationProof.coefficients(st.parameters, iteration: k)
        let plans = try core!.plans()
        st.plans = plans
        st.power = []; st.lambda = []; st.mask = []; st.chainPoints = []
        var out: [(contribution: [UInt8], power: [UInt8])] = []
        let shareShift = RCIAgentCipher.slotBits * ownSlot
        for i in partners.indices {
            guard plans[i].lambdaCoefficient == lc, plans[i].powerCoefficient == pc else {
                throw RCIError.protocolViolation("\(spec.id)'s plan for iteration \(k) does not use the public step coefficients")
            }
            let mask = Self.drawMask(cipher.masking, using: &rng) + RCIAgentCipher.slotOffset
            let p = RCIOpening.fresh(Int128(shares[i].power)), m = RCIOpening.fresh(mask)
            let own: (point: Point, blinding: Scalar, kappa: Int128)
            if core!.sharesPrice {
                let l = RCIOpening.fresh(Int128(shares[i].lambda))
                st.lambda.append(l)
                own = (l.point, l.blinding, Int128(RCIFixedPoint.coefficientScale - lc))
            } else {
                guard let c = st.lambdaChain[i] else {
                    throw RCIError.protocolViolation("\(spec.id) holds no chained commitment to λ for iteration \(k)")
                }
                own = (c.point, c.blinding, 1)
            }
            let d = Scalar(own.kappa) * own.point + Scalar(pc) * p.point + m.point
            let beta = Scalar(own.kappa) * own.blinding + Scalar(pc) * p.blinding + m.blinding
            var v = Int128(plans[i].constant) + mask
            if faults.cheatUpdateAt == k { v += 1 }  // test flag: a wrong update, commitments left honest
            let shift = RCIAgentCipher.slotBits * cipher.slot(ofPartner: i)
            let e = PaillierSlotOpening.encrypt(v, shift: shift, publicKey: cipher.publicKey)
            // test flag: a wrong share (one unit of P), its commitment left honest
            let share = PaillierSlotOpening.encrypt(Int128(shares[i].power) + (faults.cheatShareAt == k ? 1 : 0), shift: shareShift,
                                                    publicKey: cipher.publicKey)
            let shareProof = try PaillierSlotEqualityProof.prove(share, blinding: p.blinding, commitment: PedersenCommitment(point: p.point),
                                                                 publicKey: cipher.publicKey,
                                                                 context: RCIIterationProof.shareContext(runID: st.runID, iteration: k,
                                                                                                         sender: spec.id, recipient: partners[i]))
            var c = RCIUpdateContribution(ciphertext: e.ciphertext.bytes, randomness: e.randomnessBytes, blinding: beta, ownCommitment: d,
                                          powerCommitment: p.point, shareCiphertext: share.ciphertext.bytes, shareProof: shareProof.bytes)
            c.signature = try identity!.sign(c.statement(runID: st.runID, iteration: k, sender: spec.id, recipient: partners[i], shift: shift,
                                                         publicKey: cipher.publicKey))
            if faults.alteredInTransitAt == k { c.blinding = c.blinding + .one }  // test flag: a hop alters the signed bytes
            out.append((c.bytes, c.shareCiphertext))
            st.power.append(p); st.mask.append(m)
            if !core!.sharesPrice { st.chainPoints.append(own.point) }
        }
        st.maskIteration = k
        proofs = st
        return out
    }

    /// The plans of iteration `k`: those drawn with the contributions in a proof iteration.
    mutating func takePlans(k: Int) throws -> [RCIUpdatePlan] {
        if let p = proofs?.plans { proofs!.plans = nil; return p }
        var plans = try core!.plans()
        // Unproven iteration: the same deviation (one step of the partner's term, so that ADMM's own
        // recovery of P_mn still divides evenly) is not detected.
        if faults.cheatUpdateAt == k, !plans.isEmpty { plans[0].constant &+= max(1, -plans[0].powerCoefficient) }
        return plans
    }

    /// What assembling a proof iteration gives: the signed bundle for the platform and the masks
    /// to remove from its answer, or an accusation (a partner's signed contribution failed).
    enum Assembly { case proven(RCIMessage, masks: [Int128]), accusation(RCIMessage) }

    /// In a proof iteration, with every partner's share of `k` in: checks each partner's
    /// signature on its contribution (a bad one: the hop altered it, nobody is blamed, the run
    /// aborts naming the hop), then the contribution against its commitment and the share's
    /// Enc(P) against its signed proof (a bad one: an
    /// accusation carrying the signed contribution, for the platform to verify and blame),
    /// assembles the slot of the partner's update (its part × this agent's fresh
    /// Enc(pc·P_nm + lc·λ_nm)) and proves it.
    mutating func assembleIterationProof(k: Int, shares: [RCIEncryptedShare]) throws -> Assembly {
        guard let st = proofs, let cipher, let core, let identity else { throw RCIError.protocolViolation("no proof state") }
        let pk = cipher.publicKey
        let (lc, pc) = try RCIIterationProof.coefficients(st.parameters, iteration: k)
        let own = try core.shares()
        let shift = RCIAgentCipher.slotBits * ownSlot
        var assembled: [RCIIterationProofBundle.Assembled] = []
        for (i, s) in shares.enumerated() {
            let m = partners[i]
            var t = meter.start()
            let contribution: RCIUpdateContribution
            do { contribution = try RCIUpdateContribution(bytes: s.contribution) } catch {
                throw RCIError.tampered(from: m, to: spec.id, iteration: k, what: "the update contribution is malformed (\(error))")
            }
            let statement = contribution.statement(runID: st.runID, iteration: k, sender: m, recipient: spec.id, shift: shift, publicKey: pk)
            guard let key = partnerKeys[m], RCIIdentity.isValid(contribution.signature, by: key, of: statement) else {
                throw RCIError.tampered(from: m, to: spec.id, iteration: k,
                                        what: "the update contribution is not signed by \(m)'s registered key (altered in transit; \(m) is not blamed)")
            }
            guard s.power == contribution.shareCiphertext else {
                throw RCIError.tampered(from: m, to: spec.id, iteration: k,
                                        what: "the share's Enc(P) is not the one \(m) signed (altered in transit; \(m) is not blamed)")
            }
            guard let part = contribution.opened(shift: shift, publicKey: pk),
                  contribution.shareHolds(shareShift: RCIAgentCipher.slotBits * cipher.slot(ofPartner: i), publicKey: pk,
                                          context: RCIIterationProof.shareContext(runID: st.runID, iteration: k, sender: m, recipient: spec.id)) else {
                meter.charge(\.iterationVerifying, since: t)
                return .accusation(.accusation(iteration: k, owner: m, contribution: s.contribution))
            }
            meter.charge(\.iterationVerifying, since: t)
            t = meter.start()
            let f = PaillierSlotOpening.encrypt(Int128(pc) * Int128(own[i].power) + Int128(lc) * Int128(own[i].lambda), shift: shift, publicKey: pk)
            let l = part.combined(with: f, publicKey: pk)
            var d = contribution.ownCommitment + Scalar(pc) * st.power[i].point
            var b = contribution.blinding + Scalar(pc) * st.power[i].blinding
            if lc != 0 { d = d + Scalar(lc) * st.lambda[i].point; b = b + Scalar(lc) * st.lambda[i].blinding }
            let proof = try PaillierSlotEqualityProof.prove(l, blinding: b, commitment: PedersenCommitment(point: d), publicKey: pk,
                                                            context: RCIIterationProof.context(runID: st.runID, iteration: k, owner: m, assembler: spec.id))
            var forwarded = contribution.ownCommitment
            if faults.tamperForwardedAt == k { forwarded = forwarded + RCIIterationProof.pedersen.g }  // test flag: misreport the partner's D_n
            assembled.append(.init(owner: m, shift: shift, ciphertext: l.ciphertext.bytes, proof: proof.bytes, ownerCommitment: forwarded,
                                   ownerPower: contribution.powerCommitment,
                                   ownerDigest: contribution.secretDigest, ownerSignature: contribution.signature))
            meter.charge(\.iterationProving, since: t)
        }
        let t = meter.start()
        defer { meter.charge(\.iterationProving, since: t) }
        var bundle = RCIIterationProofBundle(own: partners.indices.map {
            .init(partner: partners[$0], power: st.power[$0].point,
                  lambda: st.chainPoints.isEmpty ? (st.lambda.isEmpty ? nil : st.lambda[$0].point) : st.chainPoints[$0], mask: st.mask[$0].point)
        }, assembled: assembled)
        bundle.signature = try identity.sign(RCIContributionSignature.bundle(runID: st.runID, iteration: k, sender: spec.id, body: bundle.body))
        return .proven(.iterationProof(iteration: k, payload: bundle.bytes), masks: st.mask.map(\.value))
    }

    /// In the iteration before a proof iteration: commitments to this iteration's masks (the
    /// head of the next chain), nil otherwise.
    mutating func maskCommitments(k: Int, masks: [Int128]) throws -> RCIMessage? {
        guard var st = proofs, st.every.commitsMasks(k), !st.every.provesIteration(k), let identity else { return nil }
        let t = meter.start()
        defer { meter.charge(\.iterationProving, since: t) }
        st.mask = masks.map { RCIOpening.fresh($0) }
        st.maskIteration = k
        proofs = st
        var bundle = RCIIterationProofBundle(own: partners.indices.map { .init(partner: partners[$0], power: nil, lambda: nil, mask: st.mask[$0].point) },
                                             assembled: [])
        bundle.signature = try identity.sign(RCIContributionSignature.bundle(runID: st.runID, iteration: k, sender: spec.id, body: bundle.body))
        return .iterationProof(iteration: k, payload: bundle.bytes)
    }

    /// After the platform's answer to `k` (slot values y = Λ^{k+1} + mask): ADMM's chain
    /// C(Λ^{k+1}) = y·G − C(mask), or unknown when the masks of `k` were not committed.
    mutating func advanceIterationProofChain(k: Int, values: [Int128]) {
        guard var st = proofs else { return }
        let g = RCIIterationProof.pedersen.g
        st.lambdaChain = partners.indices.map { i in
            guard st.maskIteration == k, i < st.mask.count, i < values.count else { return nil }
            return (Scalar(values[i]) * g - st.mask[i].point, -st.mask[i].blinding)
        }
        proofs = st
    }

    /// A private mask uniform in [0, 2⁹⁹) (zero without masking), as `RCIAgentCipher.evaluate` draws it.
    static func drawMask<G: RandomNumberGenerator>(_ masking: Bool, using rng: inout G) -> Int128 {
        guard masking else { return 0 }
        let hi = rng.next() >> 27, lo = rng.next() >> 2  // hi < 2^37, lo < 2^62
        return Int128(hi) << 62 + Int128(lo)
    }
}
