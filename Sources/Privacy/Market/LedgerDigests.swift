import Crypto

/// What the ledger records of an admitted plan (SPEC §4.4; LedgerLite tag 10): side, slot,
/// pseudonym, the three commitments, and SHA-256 digests of the plan's proofs and of the
/// whole signed plan. Built by the matching service, which verified everything it digests.
public struct PlanDigest: Sendable, Equatable {
    public var side: PlanSide
    public var slot: Int
    public var pseudonym: [UInt8]
    public var energy: PedersenCommitment, price: PedersenCommitment, record: PedersenCommitment
    public var proofsDigest: [UInt8]
    public var planDigest: [UInt8]

    public init(side: PlanSide, slot: Int, plan: MarketPlan) {
        self.side = side; self.slot = slot; pseudonym = plan.certificate.pseudonymKey
        energy = plan.energy; price = plan.price; record = plan.record
        var proofs = MarketWriter()
        proofs.text("GridClear/market/plan-proofs/v1")
        proofs.rangeProof(plan.energyRange)
        if let p = plan.capacityProof { proofs.geqProof(p) }
        if let p = plan.budgetProof { proofs.budgetProof(p) }
        if let b = plan.attributeBinding { b.write(to: &proofs) }
        proofsDigest = Array(SHA256.hash(data: proofs.bytes))
        var all = MarketWriter()
        plan.write(to: &all)
        planDigest = Array(SHA256.hash(data: all.bytes))
    }

    init(side: PlanSide, slot: Int, pseudonym: [UInt8], energy: PedersenCommitment, price: PedersenCommitment, record: PedersenCommitment,
         proofsDigest: [UInt8], planDigest: [UInt8]) {
        self.side = side; self.slot = slot; self.pseudonym = pseudonym; self.energy = energy; self.price = price; self.record = record
        self.proofsDigest = proofsDigest; self.planDigest = planDigest
    }

    func write(to w: inout MarketWriter) {
        w.u8(side.rawValue); w.u32(slot); w.blob(pseudonym); w.commitment(energy); w.commitment(price); w.commitment(record)
        w.blob(proofsDigest); w.blob(planDigest)
    }

    static func read(from r: inout MarketReader) throws -> PlanDigest {
        guard let side = PlanSide(rawValue: try r.u8()) else { throw PrivacyError.malformedEncoding("plan digest side") }
        return PlanDigest(side: side, slot: try r.u32(), pseudonym: try r.blob(max: 32), energy: try r.commitment(), price: try r.commitment(),
                          record: try r.commitment(), proofsDigest: try r.blob(max: 32), planDigest: try r.blob(max: 32))
    }
}

/// SHA-256 digests of both parties' confirmations of one match record (LedgerLite tag 11).
public struct ConfirmationDigests: Sendable, Equatable {
    public var record: Int
    public var buyer: [UInt8], seller: [UInt8]
    public init(record: Int, buyer: [UInt8], seller: [UInt8]) { self.record = record; self.buyer = buyer; self.seller = seller }

    /// SHA-256 of a confirmation's canonical bytes (signature included).
    public static func digest(_ c: MatchConfirmation) -> [UInt8] {
        var w = MarketWriter()
        c.write(to: &w)
        return Array(SHA256.hash(data: w.bytes))
    }
}
