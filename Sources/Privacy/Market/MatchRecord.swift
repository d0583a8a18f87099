import Crypto

/// A committed match record (seed 003 §3.4 step 3): which two pseudonymous plans trade,
/// the traded energy T in Wh and a Pedersen commitment C_m = T·G + r_m·H. The blinding
/// r_m goes only to the two parties; `digest` is what confirmations sign and bind proofs to.
public struct MatchRecord: Sendable, Equatable {
    public var cycle: String
    public var id: Int
    public var buyerSlot: Int, sellerSlot: Int
    public var buyerPseudonym: [UInt8], sellerPseudonym: [UInt8]
    public var energy: Int64
    public var energyCommitment: PedersenCommitment

    public init(cycle: String, id: Int, buyerSlot: Int, sellerSlot: Int, buyerPseudonym: [UInt8], sellerPseudonym: [UInt8],
                energy: Int64, energyCommitment: PedersenCommitment) {
        self.cycle = cycle; self.id = id; self.buyerSlot = buyerSlot; self.sellerSlot = sellerSlot
        self.buyerPseudonym = buyerPseudonym; self.sellerPseudonym = sellerPseudonym
        self.energy = energy; self.energyCommitment = energyCommitment
    }

    public func write(to w: inout MarketWriter) {
        w.text("GridClear/market/match-record/v1"); w.text(cycle); w.u32(id); w.u32(buyerSlot); w.u32(sellerSlot)
        w.blob(buyerPseudonym); w.blob(sellerPseudonym); w.i64(energy); w.commitment(energyCommitment)
    }
    public static func read(from r: inout MarketReader) throws -> MatchRecord {
        guard try r.text() == "GridClear/market/match-record/v1" else { throw PrivacyError.malformedEncoding("not a match record") }
        return MatchRecord(cycle: try r.text(max: 64), id: try r.u32(), buyerSlot: try r.u32(), sellerSlot: try r.u32(),
                           buyerPseudonym: try r.blob(max: 64), sellerPseudonym: try r.blob(max: 64),
                           energy: try r.i64(), energyCommitment: try r.commitment())
    }
    /// SHA-256 of the canonical encoding.
    public var digest: [UInt8] {
        var w = MarketWriter(); write(to: &w)
        return Array(SHA256.hash(data: w.bytes))
    }
}

/// A party's confirmation of a match record (seed 003 §3.4 step 4): a proof that it owns
/// the plan (knowledge of the opening of the plan's energy commitment, bound to the record
/// digest), a proof that the record's energy does not exceed its plan's (C_plan ≥ C_m),
/// the seller's opening of its price commitment (the trade price is the ask, SPEC §3.2),
/// and an Ed25519 signature by the plan's pseudonym over all of it.
public struct MatchConfirmation: Sendable {
    public var record: Int
    public var side: PlanSide
    public var digest: [UInt8]
    public var ownership: OpeningProof
    public var withinPlan: GreaterOrEqualProof
    /// Seller only: the price commitment's opening.
    public var priceOpening: PedersenOpening?
    public var signature: [UInt8]

    func body() -> [UInt8] {
        var w = MarketWriter()
        w.text("GridClear/market/confirmation/v1"); w.u32(record); w.u8(side.rawValue); w.blob(digest)
        w.openingProof(ownership); w.geqProof(withinPlan)
        w.bool(priceOpening != nil)
        if let p = priceOpening { w.i64(p.value); w.scalar(p.blinding) }
        return w.bytes
    }

    public func write(to w: inout MarketWriter) { w.blob(body()); w.blob(signature) }
    public static func read(from r: inout MarketReader) throws -> MatchConfirmation {
        var b = MarketReader(try r.blob(max: 1 << 16))
        guard try b.text() == "GridClear/market/confirmation/v1" else { throw PrivacyError.malformedEncoding("not a confirmation") }
        let id = try b.u32()
        guard let side = PlanSide(rawValue: try b.u8()) else { throw PrivacyError.malformedEncoding("unknown side") }
        let digest = try b.blob(max: 64), own = try b.openingProof(), within = try b.geqProof()
        let price = try b.bool() ? PedersenOpening(value: try b.i64(), blinding: try b.scalar()) : nil
        try b.finish()
        return MatchConfirmation(record: id, side: side, digest: digest, ownership: own, withinPlan: within, priceOpening: price, signature: try r.blob(max: 128))
    }

    /// The party's side: proves ownership of `plan` and T ≤ plan energy, signs.
    public static func make(record: MatchRecord, side: PlanSide, plan: MarketPlan, energyOpening: PedersenOpening,
                            recordOpening: PedersenOpening, priceOpening: PedersenOpening?,
                            signingKey: Curve25519.Signing.PrivateKey) throws -> MatchConfirmation {
        let d = record.digest
        let own = OpeningProof.prove(plan.energy, opening: energyOpening, context: d)
        let within = try GreaterOrEqualProof.prove(plan.energy, energyOpening, record.energyCommitment, recordOpening,
                                                   bits: MarketPlan.energyBits, context: d)
        var c = MatchConfirmation(record: record.id, side: side, digest: d, ownership: own, withinPlan: within,
                                  priceOpening: side == .sell ? priceOpening : nil, signature: [])
        c.signature = Array(try signingKey.signature(for: c.body()))
        return c
    }

    /// Checks the confirmation against the record and the confirming party's plan.
    /// Returns the revealed trade price (seller) or nil (buyer).
    public func verify(record: MatchRecord, plan: MarketPlan) throws -> Int64? {
        guard record.id == self.record, constantTimeEqual(digest, record.digest) else { throw PrivacyError.proofRejected("confirmation is for another record") }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: plan.certificate.pseudonymKey),
              key.isValidSignature(signature, for: body()) else { throw PrivacyError.invalidSignature("confirmation signature does not verify") }
        try ownership.verify(plan.energy, context: digest)
        try withinPlan.verify(plan.energy, record.energyCommitment, context: digest)
        guard side == .sell else { return nil }
        guard let p = priceOpening, PedersenParameters.standard.verify(plan.price, opens: p) else {
            throw PrivacyError.proofRejected("seller confirmation does not open the plan's price commitment")
        }
        return p.value
    }
}

/// The key holder's settlement decision for one match (SPEC §4.4, seed 003 §3.4 step 5),
/// the same rule as the plaintext `settle`: deviation d = max(T − seller actual, T − buyer actual);
/// d·10⁴ < σ_bp·T settles at T, else at T − d with each side short by ≥ σ at fault.
public struct PrivateSettlementOutcome: Sendable, Equatable {
    public var withinTolerance: Bool
    public var settled: Int64
    public var deviationBP: Int64
    public var sellerAtFault: Bool
    public var buyerAtFault: Bool
    public init(withinTolerance: Bool, settled: Int64, deviationBP: Int64, sellerAtFault: Bool, buyerAtFault: Bool) {
        self.withinTolerance = withinTolerance; self.settled = settled; self.deviationBP = deviationBP
        self.sellerAtFault = sellerAtFault; self.buyerAtFault = buyerAtFault
    }

    /// The rule, on decrypted shortfalls (T − actual per side).
    /// A negative shortfall (over-delivery) counts as 0: the excess is the grid's, as in `settle`.
    public static func decide(matched t: Int64, toleranceBP: Int64, sellerShortfall rawS: Int64, buyerShortfall rawB: Int64) -> PrivateSettlementOutcome {
        let ds = max(0, rawS), db = max(0, rawB)
        let d = max(ds, db)
        let within = d * 10_000 < toleranceBP * t
        return PrivateSettlementOutcome(withinTolerance: within, settled: within ? t : t - d, deviationBP: d * 10_000 / t,
                                        sellerAtFault: !within && ds * 10_000 >= toleranceBP * t,
                                        buyerAtFault: !within && db * 10_000 >= toleranceBP * t)
    }
}
