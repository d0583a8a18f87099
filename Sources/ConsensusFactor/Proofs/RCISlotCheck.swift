import GridClearCore
import Privacy

/// The check of one proven slot — owner n's update slot for partner m, assembled and proven by
/// m — from what the two agents *signed*: the platform runs it before it decrypts, and anyone
/// runs it again offline on `RCIBlameEvidence`. One home for the rule.
///
/// Guarantees: a failure is an `RCIError.cheating` naming the agent whose signed contribution
/// fails: m when the owner header it forwarded is not signed by n, when its slot sits at
/// another shift, or when its proof does not verify; n when the D_n it signed for m differs
/// from the combination of the commitments it signed for the platform, or the C(P_nm) under its
/// share to m differs from the one it signed for the platform (two signed statements
/// that contradict each other), or (ADMM) when its committed Λ is not the one the platform
/// decrypted. An honest agent is never blamed for bytes someone else altered: whatever m or the
/// platform change breaks the signature of the party that did not make the change.
struct RCISlotCheck {
    let runID: [UInt8]
    let iteration: Int
    let parameters: RCIParameters
    let publicKey: PaillierPublicKey

    /// `ownerBundle`, `assemblerBundle`: signatures already verified (`isSigned`). `shift`: where
    /// m's slot sits in n's packing (nil: take the assembler's word, offline). `chain` (ADMM):
    /// the platform's C(Λ^k) for this pair, nil when not checked.
    func check(owner n: String, ownerBundle bn: RCIIterationProofBundle, ownerKey: [UInt8],
               assembler m: String, assemblerBundle bm: RCIIterationProofBundle, shift expected: Int?, chain: Point?) throws {
        let k = iteration
        let (lc, pc) = try RCIIterationProof.coefficients(parameters, iteration: k)
        let kappa = Scalar(parameters.algorithm == .rci ? Int128(RCIFixedPoint.coefficientScale - lc) : 1)
        guard let slot = bm.assembled.first(where: { $0.owner == n }) else {
            throw RCIError.cheating(agent: m, iteration: k, what: "no proven slot for \(n)'s update")
        }
        guard expected == nil || slot.shift == expected else {
            throw RCIError.cheating(agent: m, iteration: k, what: "its slot of \(n)'s update sits at bit \(slot.shift), not \(expected!)")
        }
        let header = RCIContributionSignature.contribution(runID: runID, iteration: k, sender: n, recipient: m, shift: slot.shift,
                                                           keyFingerprint: publicKey.fingerprint, ownCommitment: slot.ownerCommitment,
                                                           powerCommitment: slot.ownerPower, secretDigest: slot.ownerDigest)
        guard RCIIdentity.isValid(slot.ownerSignature, by: ownerKey, of: header) else {
            throw RCIError.cheating(agent: m, iteration: k,
                                   what: "the contribution of \(n) it forwarded is not signed by \(n) (altered or invented by \(m); \(n) is not blamed)")
        }
        guard let own = bn.own.first(where: { $0.partner == m }), let power = own.power, let lambdaOwn = own.lambda else {
            throw RCIError.cheating(agent: n, iteration: k, what: "its signed commitments for the update with \(m) are incomplete")
        }
        guard slot.ownerPower == power else {
            throw RCIError.cheating(agent: n, iteration: k,
                                   what: "it signed for \(m) a commitment to its trade (under its share) other than the one it signed for the platform")
        }
        guard slot.ownerCommitment == kappa * lambdaOwn + Scalar(pc) * power + own.mask else {
            throw RCIError.cheating(agent: n, iteration: k,
                                   what: "it signed an update contribution to \(m) that differs from the commitments it signed for the platform")
        }
        if let chain, lambdaOwn != chain {
            throw RCIError.cheating(agent: n, iteration: k,
                                   what: "its update with \(m) uses a λ other than the one the platform decrypted (by the platform's decryption)")
        }
        guard let partner = bm.own.first(where: { $0.partner == n }), let partnerPower = partner.power, lc == 0 || partner.lambda != nil else {
            throw RCIError.cheating(agent: m, iteration: k, what: "its signed commitments for the update of \(n) are incomplete")
        }
        var d = slot.ownerCommitment + Scalar(pc) * partnerPower
        if lc != 0, let l = partner.lambda { d = d + Scalar(lc) * l }
        do {
            let c = try PaillierCiphertext(bytes: slot.ciphertext, publicKey: publicKey)
            try PaillierSlotEqualityProof(bytes: slot.proof, publicKey: publicKey)
                .verify(c, shift: slot.shift, PedersenCommitment(point: d), publicKey: publicKey,
                        context: RCIIterationProof.context(runID: runID, iteration: k, owner: n, assembler: m))
        } catch {
            throw RCIError.cheating(agent: m, iteration: k, what: "its proof of \(n)'s update does not verify (\(error))")
        }
    }

    /// m accuses n with n's signed contribution: m is blamed when n did not sign it or when it
    /// is correct (a false accusation), n when it fails the opening check or its share proof
    /// (at `shareShift`, n's slot in m's packing).
    func accusation(owner n: String, ownerKey: [UInt8], accuser m: String, contribution: RCIUpdateContribution, shift: Int, shareShift: Int) -> RCIError {
        let k = iteration
        let statement = contribution.statement(runID: runID, iteration: k, sender: n, recipient: m, shift: shift, publicKey: publicKey)
        guard RCIIdentity.isValid(contribution.signature, by: ownerKey, of: statement) else {
            return .cheating(agent: m, iteration: k, what: "it accused \(n) with a contribution \(n) did not sign (\(n) is not blamed)")
        }
        guard contribution.opened(shift: shift, publicKey: publicKey) != nil else {
            return .cheating(agent: n, iteration: k,
                             what: "its update does not match its commitments (its signed contribution to \(m), checked by \(m) and the platform)")
        }
        guard contribution.shareHolds(shareShift: shareShift, publicKey: publicKey,
                                      context: RCIIterationProof.shareContext(runID: runID, iteration: k, sender: n, recipient: m)) else {
            return .cheating(agent: n, iteration: k,
                             what: "its share to \(m) does not encrypt the trade it committed (its signed share proof, checked by \(m) and the platform)")
        }
        return .cheating(agent: m, iteration: k, what: "it falsely accused \(n): \(n)'s signed contribution opens correctly")
    }
}
