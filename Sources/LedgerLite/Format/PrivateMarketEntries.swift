import GridClearCore

/// Tag 10: a plan the matching service admitted in the privacy-preserving market (SPEC §4.4):
/// its Pedersen commitments (energy, price, account record) and digests binding the proofs
/// and the whole signed plan, under the plan's pseudonym. Nothing here opens a value.
///
/// Guarantees: fixed-length fields (32-byte keys, commitments and SHA-256 digests) are checked
/// on construction by the decoder; `side` is 1 (sell) or 2 (buy).
public struct PrivatePlanEntry: Sendable, Hashable {
    public var cycleID: String
    /// 1 = sell plan, 2 = buy plan (`Privacy.PlanSide`).
    public var side: UInt8
    /// The slot the matching service gave the plan (arrival order on its side).
    public var slot: UInt32
    public var pseudonym: [UInt8]
    public var energyCommitment: [UInt8], priceCommitment: [UInt8], recordCommitment: [UInt8]
    /// SHA-256 over the canonical bytes of every proof of the plan (range, capacity or balance, attribute binding).
    public var proofsDigest: [UInt8]
    /// SHA-256 of the plan's canonical bytes, signature included.
    public var planDigest: [UInt8]
    public init(cycleID: String, side: UInt8, slot: UInt32, pseudonym: [UInt8], energyCommitment: [UInt8], priceCommitment: [UInt8],
                recordCommitment: [UInt8], proofsDigest: [UInt8], planDigest: [UInt8]) {
        self.cycleID = cycleID; self.side = side; self.slot = slot; self.pseudonym = pseudonym
        self.energyCommitment = energyCommitment; self.priceCommitment = priceCommitment; self.recordCommitment = recordCommitment
        self.proofsDigest = proofsDigest; self.planDigest = planDigest
    }
}

/// Tag 11: a match record confirmed by both parties (SPEC §4.4): the pseudonyms and slots,
/// the traded energy and its commitment C_m = T·G + r_m·H, the trade price (the seller's ask,
/// opened in its confirmation), and the digests of both parties' confirmations (signature,
/// ownership proof, energy ≥ T proof).
public struct PrivateMatchEntry: Sendable, Hashable {
    public var cycleID: String
    public var recordID: UInt32
    public var buyerSlot: UInt32, sellerSlot: UInt32
    public var buyerPseudonym: [UInt8], sellerPseudonym: [UInt8]
    public var energyWh: Int64
    public var priceTicks: Int64
    public var energyCommitment: [UInt8]
    public var buyerConfirmationDigest: [UInt8], sellerConfirmationDigest: [UInt8]
    public init(cycleID: String, recordID: UInt32, buyerSlot: UInt32, sellerSlot: UInt32, buyerPseudonym: [UInt8], sellerPseudonym: [UInt8],
                energyWh: Int64, priceTicks: Int64, energyCommitment: [UInt8], buyerConfirmationDigest: [UInt8], sellerConfirmationDigest: [UInt8]) {
        self.cycleID = cycleID; self.recordID = recordID; self.buyerSlot = buyerSlot; self.sellerSlot = sellerSlot
        self.buyerPseudonym = buyerPseudonym; self.sellerPseudonym = sellerPseudonym; self.energyWh = energyWh; self.priceTicks = priceTicks
        self.energyCommitment = energyCommitment
        self.buyerConfirmationDigest = buyerConfirmationDigest; self.sellerConfirmationDigest = sellerConfirmationDigest
    }
}

/// Tag 12: the private settlement of one match record (SPEC §4.4): the key holder's decision
/// on the encrypted deviation — settled energy, deviation in basis points, whether it was
/// within σ and which side is at fault. The meter readings themselves stay encrypted, off-ledger.
public struct PrivateSettlementEntry: Sendable, Hashable {
    public var cycleID: String
    public var recordID: UInt32
    public var matchedWh: Int64, settledWh: Int64
    public var deviationBP: Int64
    public var withinTolerance: Bool, sellerAtFault: Bool, buyerAtFault: Bool
    public init(cycleID: String, recordID: UInt32, matchedWh: Int64, settledWh: Int64, deviationBP: Int64,
                withinTolerance: Bool, sellerAtFault: Bool, buyerAtFault: Bool) {
        self.cycleID = cycleID; self.recordID = recordID; self.matchedWh = matchedWh; self.settledWh = settledWh
        self.deviationBP = deviationBP; self.withinTolerance = withinTolerance; self.sellerAtFault = sellerAtFault; self.buyerAtFault = buyerAtFault
    }
}

// MARK: canonical encodings (fields in fixed order, big-endian, length-prefixed text, fixed 32-byte keys and digests)

extension PrivatePlanEntry {
    static let keyBytes = 32
    func encode(into w: inout ByteWriter) {
        w.text(cycleID); w.u8(side); w.u32(slot); w.raw(pseudonym)
        w.raw(energyCommitment); w.raw(priceCommitment); w.raw(recordCommitment); w.raw(proofsDigest); w.raw(planDigest)
    }
    static func decode(from r: inout ByteReader) throws -> PrivatePlanEntry {
        let id = try r.text(max: 64), sideAt = r.position, side = try r.u8()
        guard side == 1 || side == 2 else { throw DecodeError.badTag(at: sideAt, tag: side, what: "plan side") }
        return PrivatePlanEntry(cycleID: id, side: side, slot: try r.u32(), pseudonym: try r.raw(keyBytes),
                                energyCommitment: try r.raw(keyBytes), priceCommitment: try r.raw(keyBytes), recordCommitment: try r.raw(keyBytes),
                                proofsDigest: try r.raw(keyBytes), planDigest: try r.raw(keyBytes))
    }
    /// True when every fixed-length field has its length (a writer's check before appending).
    public var isWellFormed: Bool {
        (side == 1 || side == 2) && [pseudonym, energyCommitment, priceCommitment, recordCommitment, proofsDigest, planDigest].allSatisfy { $0.count == Self.keyBytes }
    }
}

extension PrivateMatchEntry {
    func encode(into w: inout ByteWriter) {
        w.text(cycleID); w.u32(recordID); w.u32(buyerSlot); w.u32(sellerSlot); w.raw(buyerPseudonym); w.raw(sellerPseudonym)
        w.i64(energyWh); w.i64(priceTicks); w.raw(energyCommitment); w.raw(buyerConfirmationDigest); w.raw(sellerConfirmationDigest)
    }
    static func decode(from r: inout ByteReader) throws -> PrivateMatchEntry {
        let k = PrivatePlanEntry.keyBytes
        return PrivateMatchEntry(cycleID: try r.text(max: 64), recordID: try r.u32(), buyerSlot: try r.u32(), sellerSlot: try r.u32(),
                                 buyerPseudonym: try r.raw(k), sellerPseudonym: try r.raw(k), energyWh: try r.i64(), priceTicks: try r.i64(),
                                 energyCommitment: try r.raw(k), buyerConfirmationDigest: try r.raw(k), sellerConfirmationDigest: try r.raw(k))
    }
    public var isWellFormed: Bool {
        [buyerPseudonym, sellerPseudonym, energyCommitment, buyerConfirmationDigest, sellerConfirmationDigest].allSatisfy { $0.count == PrivatePlanEntry.keyBytes }
    }
}

extension PrivateSettlementEntry {
    func encode(into w: inout ByteWriter) {
        w.text(cycleID); w.u32(recordID); w.i64(matchedWh); w.i64(settledWh); w.i64(deviationBP)
        w.bool(withinTolerance); w.bool(sellerAtFault); w.bool(buyerAtFault)
    }
    static func decode(from r: inout ByteReader) throws -> PrivateSettlementEntry {
        PrivateSettlementEntry(cycleID: try r.text(max: 64), recordID: try r.u32(), matchedWh: try r.i64(), settledWh: try r.i64(),
                               deviationBP: try r.i64(), withinTolerance: try r.bool(), sellerAtFault: try r.bool(), buyerAtFault: try r.bool())
    }
}
