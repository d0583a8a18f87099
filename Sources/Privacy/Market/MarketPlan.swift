import Crypto

/// Which side of the market a plan is on.
public enum PlanSide: UInt8, Sendable {
    case sell = 1, buy = 2
}

/// The attributes a participant encrypts for the cycle-wide min–max scaling (SPEC §3.2):
/// price in ticks, quantity in Wh, green index and reputation as the IEEE-754 bit patterns
/// of their non-negative `Double`s (order-preserving, so min/max are exact).
/// Only the key holder can decrypt them, and only in column-wise shuffled batches
/// (`RangeQuery`), so it learns each column's multiset, not whose value is whose.
public enum RangeColumn: Int, CaseIterable, Sendable {
    case price = 0, quantity, green, reputation
}

/// A published sell or buy plan (SPEC §4.4, seed 003 §3.4 steps 1–2): Pedersen
/// commitments to energy and price, a reference to an anonymous account record
/// (capacity for sellers, balance for buyers), zero-knowledge proofs, the encrypted
/// range attributes, the pseudonym certificate, and an Ed25519 signature by the pseudonym.
///
/// Guarantees after `verify`: the certificate is the caller's to check (`CertificateGate`);
/// the signature covers every other field; 1 ≤ v ≤ 2^34 Wh; a seller's capacity record
/// hides g ≥ v; a buyer's balance record hides b ≥ v·p (p its committed bid price).
/// After `verify(publicKey:)` also: Enc(price) and Enc(Wh) encrypt the committed price and
/// energy (`AttributeBinding`). Not guaranteed (documented limit): green index and reputation
/// ciphertexts (not committed) and the seller's scaled feature row.
public struct MarketPlan: Sendable {
    public var side: PlanSide
    public var cycle: String
    public var certificate: PseudonymCertificate
    public var energy: PedersenCommitment
    public var price: PedersenCommitment
    /// The anonymous account record (capacity or balance) the proof refers to.
    public var record: PedersenCommitment
    public var energyRange: RangeProof
    public var capacityProof: GreaterOrEqualProof?
    public var budgetProof: PrivatePriceBudgetProof?
    /// Enc(price ticks), Enc(Wh), Enc(green), Enc(reputation) (see `RangeColumn`) under the key holder's key.
    public var attributes: [PaillierCiphertext]
    /// Proofs that Enc(price) and Enc(Wh) hide the committed price and energy (nil only in plans built without them; `verify(publicKey:)` rejects those).
    public var attributeBinding: AttributeBinding? = nil
    public var signature: [UInt8]

    public static let energyBits = 34
    public static let budgetBits = 48

    /// The context every proof of this plan is bound to.
    public static func context(side: PlanSide, cycle: String, pseudonym: [UInt8]) -> [UInt8] {
        var w = MarketWriter()
        w.text("GridClear/market/plan/v1"); w.u8(side.rawValue); w.text(cycle); w.blob(pseudonym)
        return w.bytes
    }

    /// Builds and signs a plan. Throws `statementFalse` when the statement is false
    /// (offered energy above capacity, cost above balance): an honest client cannot publish it.
    public static func make(side: PlanSide, cycle: String, certificate: PseudonymCertificate,
                            signingKey: Curve25519.Signing.PrivateKey,
                            energy: PedersenOpening, price: PedersenOpening, record: PedersenOpening,
                            attributes: [Int64], publicKey pk: PaillierPublicKey,
                            params: PedersenParameters = .standard) throws -> (plan: MarketPlan, energy: PedersenCommitment) {
        let ctx = context(side: side, cycle: cycle, pseudonym: certificate.pseudonymKey)
        let cv = params.commit(energy), cp = params.commit(price), cr = params.commit(record)
        let range = try RangeProof.prove(cv, opening: energy, lo: 1, hi: Int64(1) << Int64(energyBits), params: params, context: ctx)
        var cap: GreaterOrEqualProof? = nil, bud: PrivatePriceBudgetProof? = nil
        switch side {
        case .sell: cap = try GreaterOrEqualProof.prove(cr, record, cv, energy, bits: energyBits, params: params, context: ctx)
        case .buy: bud = try PrivatePriceBudgetProof.prove(budget: cr, record, energy: cv, energy, price: cp, price, bits: budgetBits, params: params, context: ctx)
        }
        precondition(attributes.count == RangeColumn.allCases.count, "a plan carries \(RangeColumn.allCases.count) attributes")
        // Enc(price) and Enc(Wh) with their equality proofs to the commitments; the rest as before.
        let encPrice = PaillierPedersenEqualityProof.encryptAndProve(value: attributes[RangeColumn.price.rawValue], price, commitment: cp, publicKey: pk,
                                                                     params: params, context: AttributeBinding.context(ctx, .price))
        let encQty = PaillierPedersenEqualityProof.encryptAndProve(value: attributes[RangeColumn.quantity.rawValue], energy, commitment: cv, publicKey: pk,
                                                                   params: params, context: AttributeBinding.context(ctx, .quantity))
        var encrypted = try attributes.map { try pk.encryptFast($0) }
        encrypted[RangeColumn.price.rawValue] = encPrice.ciphertext
        encrypted[RangeColumn.quantity.rawValue] = encQty.ciphertext
        var plan = MarketPlan(side: side, cycle: cycle, certificate: certificate, energy: cv, price: cp, record: cr,
                              energyRange: range, capacityProof: cap, budgetProof: bud,
                              attributes: encrypted, attributeBinding: AttributeBinding(price: encPrice.proof, quantity: encQty.proof), signature: [])
        plan.signature = Array(try signingKey.signature(for: plan.signedBody()))
        return (plan, cv)
    }

    /// The bytes the pseudonym signs: every field but the signature.
    public func signedBody() -> [UInt8] {
        var w = MarketWriter()
        writeBody(&w)
        return w.bytes
    }

    func writeBody(_ w: inout MarketWriter) {
        w.text("GridClear/market/plan-body/v1")
        w.u8(side.rawValue); w.text(cycle); w.certificate(certificate)
        w.commitment(energy); w.commitment(price); w.commitment(record)
        w.rangeProof(energyRange)
        switch side {
        case .sell: w.geqProof(capacityProof!)
        case .buy: w.budgetProof(budgetProof!)
        }
        w.array(attributes) { $0.ciphertext($1) }
        w.bool(attributeBinding != nil)
        attributeBinding?.write(to: &w)
    }

    public func write(to w: inout MarketWriter) { writeBody(&w); w.blob(signature) }

    public static func read(from r: inout MarketReader, publicKey pk: PaillierPublicKey) throws -> MarketPlan {
        guard try r.text() == "GridClear/market/plan-body/v1" else { throw PrivacyError.malformedEncoding("not a plan") }
        guard let side = PlanSide(rawValue: try r.u8()) else { throw PrivacyError.malformedEncoding("unknown plan side") }
        let cycle = try r.text(max: 64), cert = try r.certificate()
        let cv = try r.commitment(), cp = try r.commitment(), cr = try r.commitment()
        let range = try r.rangeProof()
        let cap = side == .sell ? try r.geqProof() : nil
        let bud = side == .buy ? try r.budgetProof() : nil
        let attrs = try r.array(max: 16) { try $0.ciphertext(pk) }
        let binding = try r.bool() ? try AttributeBinding.read(from: &r, publicKey: pk) : nil
        return MarketPlan(side: side, cycle: cycle, certificate: cert, energy: cv, price: cp, record: cr, energyRange: range,
                          capacityProof: cap, budgetProof: bud, attributes: attrs, attributeBinding: binding, signature: try r.blob(max: 128))
    }

    /// `verify(params:)` and the attribute binding: Enc(price) and Enc(Wh) hide the committed
    /// price and energy (what the matching service checks before it admits a plan).
    public func verify(publicKey pk: PaillierPublicKey, params: PedersenParameters = .standard) throws {
        try verify(params: params)
        guard let b = attributeBinding else { throw PrivacyError.proofRejected("plan without proofs that its encrypted attributes match its commitments") }
        try b.verify(attributes: attributes, price: price, energy: energy, planContext: Self.context(side: side, cycle: cycle, pseudonym: certificate.pseudonymKey),
                     publicKey: pk, params: params)
    }

    /// Checks the signature and every proof (the certificate itself is checked by `CertificateGate`).
    /// Throws `proofRejected` / `invalidSignature` naming what failed: reject the plan.
    public func verify(params: PedersenParameters = .standard) throws {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: certificate.pseudonymKey),
              key.isValidSignature(signature, for: signedBody()) else {
            throw PrivacyError.invalidSignature("plan signature does not verify under its pseudonym key")
        }
        guard attributes.count == RangeColumn.allCases.count else { throw PrivacyError.malformedEncoding("plan carries \(attributes.count) attributes") }
        let ctx = Self.context(side: side, cycle: cycle, pseudonym: certificate.pseudonymKey)
        try energyRange.verify(energy, lo: 1, hi: Int64(1) << Int64(Self.energyBits), params: params, context: ctx)
        switch side {
        case .sell:
            guard let p = capacityProof, p.bits == Self.energyBits else { throw PrivacyError.proofRejected("sell plan without a capacity proof") }
            try p.verify(record, energy, params: params, context: ctx)
        case .buy:
            guard let p = budgetProof, p.bits == Self.budgetBits else { throw PrivacyError.proofRejected("buy plan without a balance proof") }
            try p.verify(budget: record, energy: energy, price: price, params: params, context: ctx)
        }
    }
}
