import GridClearCore
import Privacy

/// The evidence behind a blame of the per-iteration proofs, checkable offline by anyone who
/// holds the run's registered keys (`gridclear rci check-evidence FILE --identities ROSTER`):
/// the public context (run id, iteration, parameters, Paillier public key) and the *signed*
/// bytes the blame rests on — the owner's and the assembler's bundles for a slot check, or the
/// owner's signed contribution for an accusation.
///
/// Guarantees: `verdict` runs the platform's own rule (`RCISlotCheck`) on these bytes and names
/// the agent whose signed contribution fails; it refuses evidence whose bundles are not
/// signed by their senders' registered keys, so a platform cannot frame an agent with
/// altered bytes. One caveat stated by the verdict itself: under ADMM the chain point (the
/// λ the platform decrypted) is the platform's word.
public struct RCIBlameEvidence: Sendable {
    enum Kind: UInt8 { case slot = 1, accusation = 2 }
    var kind: Kind
    var runID: [UInt8]
    var iteration: Int
    var parameters: RCIParameters
    var publicKey: [UInt8]
    var owner: String
    var assembler: String
    /// Slot: both bundles (signed bytes) and the platform's chain point (ADMM; empty when unused).
    var ownerBundle: [UInt8] = []
    var assemblerBundle: [UInt8] = []
    var chain: [UInt8] = []
    /// Accusation: the owner's signed contribution, the slot's shift and the owner's share shift.
    var contribution: [UInt8] = []
    var shift: Int = 0
    var shareShift: Int = 0

    public var bytes: [UInt8] {
        var w = ByteWriter()
        w.text("GridClear/rci/blame-evidence/v1"); w.u8(kind.rawValue); w.blob(runID); w.i64(Int64(iteration))
        parameters.encode(into: &w)
        w.blob(publicKey); w.text(owner); w.text(assembler)
        w.blob(ownerBundle); w.blob(assemblerBundle); w.blob(chain); w.blob(contribution); w.u32(UInt32(shift)); w.u32(UInt32(shareShift))
        return w.bytes
    }

    public init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, cap: 16 << 20)
        do {
            guard try r.text(max: 64) == "GridClear/rci/blame-evidence/v1" else { throw RCIError.protocolViolation("not RCI blame evidence") }
            guard let kind = Kind(rawValue: try r.u8()) else { throw RCIError.protocolViolation("unknown kind of blame evidence") }
            self.kind = kind
            runID = try r.blob(max: 64); iteration = Int(try r.i64())
            parameters = try RCIParameters.decode(from: &r)
            publicKey = try r.blob(max: 1 << 16); owner = try r.text(max: 1 << 10); assembler = try r.text(max: 1 << 10)
            ownerBundle = try r.blob(max: 4 << 20); assemblerBundle = try r.blob(max: 4 << 20); chain = try r.blob(max: 32)
            contribution = try r.blob(max: 1 << 16); shift = Int(try r.u32()); shareShift = Int(try r.u32())
            try r.finish()
        } catch let e as DecodeError { throw RCIError.decoding("blame evidence", e) }
    }

    init(kind: Kind, runID: [UInt8], iteration: Int, parameters: RCIParameters, publicKey: [UInt8], owner: String, assembler: String) {
        self.kind = kind; self.runID = runID; self.iteration = iteration; self.parameters = parameters; self.publicKey = publicKey
        self.owner = owner; self.assembler = assembler
    }

    /// Re-runs the check on the signed bytes: the blame (`RCIError.cheating` naming the agent),
    /// or nil when the evidence shows no deviation. Throws when the evidence is not admissible
    /// (a bundle not signed by its sender's registered key, an unknown agent, malformed bytes).
    public func verdict(keys: [String: [UInt8]]) throws -> RCIError? {
        let pk = try PaillierPublicKey(serialized: publicKey)
        let check = RCISlotCheck(runID: runID, iteration: iteration, parameters: parameters, publicKey: pk)
        guard let ownerKey = keys[owner], let assemblerKey = keys[assembler] else {
            throw RCIError.protocolViolation("the evidence names \(owner) and \(assembler); the identities do not register both")
        }
        switch kind {
        case .accusation:
            return check.accusation(owner: owner, ownerKey: ownerKey, accuser: assembler, contribution: try RCIUpdateContribution(bytes: contribution),
                                    shift: shift, shareShift: shareShift)
        case .slot:
            let bn = try RCIIterationProofBundle(bytes: ownerBundle), bm = try RCIIterationProofBundle(bytes: assemblerBundle)
            for (b, id, key) in [(bn, owner, ownerKey), (bm, assembler, assemblerKey)] where !b.isSigned(by: id, key: key, runID: runID, iteration: iteration) {
                throw RCIError.protocolViolation("inadmissible evidence: the bundle attributed to \(id) is not signed by \(id)'s registered key")
            }
            do {
                try check.check(owner: owner, ownerBundle: bn, ownerKey: ownerKey, assembler: assembler, assemblerBundle: bm, shift: nil,
                                chain: chain.isEmpty ? nil : try Point(canonical: chain))
                return nil
            } catch let e as RCIError { return e }
        }
    }
}
