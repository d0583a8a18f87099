import GridClearCore
import Privacy

/// Per-iteration proofs of the consensus-factor update (issue 19 item 4; design and leakage in
/// docs/rci-privacy.md, "Per-iteration proofs").
///
/// In a proof iteration the slot of n's update for partner m is the product of two fresh
/// encryptions, each made by the party that knows its plaintext:
///
///     E_nm = Enc(2^S·(c_nm + μ_nm))             by n: own plan constant + mask (mask includes the slot offset)
///     F_mn = Enc(2^S·(pc·P_mn + lc·λ_mn))       by m: the partner term with the public coefficients
///     L_nm = F_mn · E_nm = Enc(2^S·(λ_nm^{k+1}·R + μ_nm))
///
/// n sends m E_nm with its opening (randomness, and the blinding β of D_n, the commitment
/// combination of n's own part); m checks it, forms L_nm and proves to the platform with a
/// `PaillierSlotEqualityProof` that L_nm encrypts the value of
///
///     D = κ·C(λ_own) + pc·C(P_nm) + C(μ_nm)  +  pc·C(P_mn) + lc·C(λ_mn)
///
/// computed by the platform from the commitments both agents sent it (κ = 1 and λ_own = Λ_nm^k at
/// result scale under ADMM, chained from the platform's own last decryption; κ = C − lc and
/// λ_own = n's share λ under RCI). The platform verifies before it decrypts.
public enum RCIIterationProof {
    /// The Fiat–Shamir context of the proof for the slot of `owner`'s update for `assembler` at `iteration`.
    public static func context(runID: [UInt8], iteration: Int, owner: String, assembler: String) -> [UInt8] {
        var w = ByteWriter()
        w.text("GridClear/rci/iteration-proof/v1"); w.blob(runID); w.i64(Int64(iteration)); w.text(owner); w.text(assembler)
        return w.bytes
    }

    /// The Fiat–Shamir context of `sender`'s proof that its share Enc(2^S·P) to `recipient` at
    /// `iteration` hides the P it committed (`RCIUpdateContribution.shareProof`).
    public static func shareContext(runID: [UInt8], iteration: Int, sender: String, recipient: String) -> [UInt8] {
        var w = ByteWriter()
        w.text("GridClear/rci/share-proof/v1"); w.blob(runID); w.i64(Int64(iteration)); w.text(sender); w.text(recipient)
        return w.bytes
    }

    /// The public update coefficients (lambdaCoefficient, powerCoefficient) of iteration `k`
    /// (without `--perturb`): what every agent's plan uses and what the platform checks against.
    public static func coefficients(_ p: RCIParameters, iteration k: Int) throws -> (lambda: Int64, power: Int64) {
        switch p.algorithm {
        case .admm: return (0, -(try ADMMAgent.stepCoefficient(rho: p.rho)))
        case .rci:
            return (try RCIFixedPoint.coefficient(p.beta.value(at: k), "beta at iteration \(k)"),
                    -(try RCIFixedPoint.coefficient(p.alpha.value(at: k), "alpha at iteration \(k)")))
        }
    }

    /// Λ⁰ at result scale (the public starting price), the head of the ADMM chain.
    public static func initialLambda(_ p: RCIParameters) throws -> Int64 {
        try RCIFixedPoint.value(p.initialPrice, "initial price") * RCIFixedPoint.coefficientScale
    }

    static let pedersen = PedersenParameters.standard
}

/// A Pedersen opening of a 128-bit value (slot values and masks exceed Int64).
struct RCIOpening: Sendable {
    var value: Int128
    var blinding: Scalar
    var point: Point { Scalar(value) * RCIIterationProof.pedersen.g + blinding * RCIIterationProof.pedersen.h }
    static func fresh(_ v: Int128) -> RCIOpening { RCIOpening(value: v, blinding: .random()) }
}

/// n → m inside the share of a proof iteration: n's own part of its update slot for m, and
/// the proof that the share's Enc(2^S·P_nm) hides n's committed P_nm, signed by n
/// (`RCIContributionSignature`).
struct RCIUpdateContribution: Sendable {
    var ciphertext: [UInt8]
    var randomness: [UInt8]
    /// Blinding of `ownCommitment` (uniform: it contains the mask commitment's blinding).
    var blinding: Scalar
    /// D_n = κ·C(λ_own) + pc·C(P_nm) + C(μ_nm).
    var ownCommitment: Point
    /// C(P_nm): the commitment n signs for the platform (its bundle) and for m (here).
    var powerCommitment: Point
    /// The share's power ciphertext Enc(2^S·P_nm) (S: n's slot in m's packing) and the
    /// `PaillierSlotEqualityProof` that it hides the value of `powerCommitment`.
    var shareCiphertext: [UInt8]
    var shareProof: [UInt8]
    /// n's Ed25519 signature of the contribution statement (empty: unsigned).
    var signature: [UInt8] = []

    /// SHA-256 of the parts only m may see (ciphertext, randomness, blinding, the share and its
    /// proof): what m forwards to the platform instead of them, so the platform can check n's
    /// signature without them.
    var secretDigest: [UInt8] {
        var w = ByteWriter()
        w.blob(ciphertext); w.blob(randomness); w.raw(blinding.bytes); w.blob(shareCiphertext); w.blob(shareProof)
        return RCIIdentity.digest(w.bytes)
    }

    var bytes: [UInt8] {
        var w = ByteWriter()
        w.blob(ciphertext); w.blob(randomness); w.raw(blinding.bytes); w.raw(ownCommitment.bytes)
        w.raw(powerCommitment.bytes); w.blob(shareCiphertext); w.blob(shareProof); w.blob(signature)
        return w.bytes
    }
    init(ciphertext: [UInt8], randomness: [UInt8], blinding: Scalar, ownCommitment: Point, powerCommitment: Point,
         shareCiphertext: [UInt8], shareProof: [UInt8], signature: [UInt8] = []) {
        self.ciphertext = ciphertext; self.randomness = randomness; self.blinding = blinding; self.ownCommitment = ownCommitment
        self.powerCommitment = powerCommitment; self.shareCiphertext = shareCiphertext; self.shareProof = shareProof
        self.signature = signature
    }
    init(bytes: [UInt8]) throws {
        var r = ByteReader(bytes, cap: 1 << 16)
        do {
            ciphertext = try r.blob(max: 8192); randomness = try r.blob(max: 4096)
            blinding = try Scalar(canonical: try r.raw(32)); ownCommitment = try Point(canonical: try r.raw(32))
            powerCommitment = try Point(canonical: try r.raw(32)); shareCiphertext = try r.blob(max: 8192); shareProof = try r.blob(max: 16384)
            signature = try r.blob(max: 64)
            try r.finish()
        } catch let e as DecodeError { throw RCIError.decoding("update contribution", e) }
    }

    /// The assembler's check (and the platform's, on an accusation): the ciphertext is exactly
    /// Enc(2^shift·v; randomness) with 0 < v < 2¹⁰⁰ + 2⁶² (plan constant + mask + offset; anything
    /// wider would spill into the next slot) and v·G + β·H = D_n. Returns the opening, or nil
    /// when the contribution fails (its signer is then the cheater).
    func opened(shift: Int, publicKey pk: PaillierPublicKey) -> PaillierSlotOpening? {
        guard let c = try? PaillierCiphertext(bytes: ciphertext, publicKey: pk),
              let part = try? PaillierSlotOpening(ciphertext: c, randomness: randomness, shift: shift, publicKey: pk),
              part.value > 0, part.value < (Int128(1) << 100) + (Int128(1) << 62),
              RCIOpening(value: part.value, blinding: blinding).point == ownCommitment else { return nil }
        return part
    }

    /// Whether `shareCiphertext` hides 2^`shareShift`·P for the P committed in `powerCommitment`
    /// (the share proof verifies under `context`).
    func shareHolds(shareShift: Int, publicKey pk: PaillierPublicKey, context: [UInt8]) -> Bool {
        guard let c = try? PaillierCiphertext(bytes: shareCiphertext, publicKey: pk),
              let proof = try? PaillierSlotEqualityProof(bytes: shareProof, publicKey: pk) else { return false }
        return (try? proof.verify(c, shift: shareShift, PedersenCommitment(point: powerCommitment), publicKey: pk, context: context)) != nil
    }
}

/// agent → platform before its request: its own commitments for this iteration (per partner,
/// partner order) and, in a proof iteration, the slots it assembled for its partners' updates,
/// each with the owner's signed contribution header. Signed as a whole by the sender
/// (`RCIContributionSignature.bundle`): one signature per message.
struct RCIIterationProofBundle: Sendable {
    /// Own commitments for the update with `partner`: P_nm, the λ n's own part uses (its share's
    /// λ under RCI, the chained C(Λ^k) under ADMM), mask + slot offset.
    struct Own: Sendable { var partner: String; var power: Point?; var lambda: Point?; var mask: Point }
    /// The slot of `owner`'s update this agent assembled (at `shift` of the owner's packing),
    /// its proof, and what the owner signed for it: D_n, C(P_nm), the digest of its secret parts, its signature.
    struct Assembled: Sendable {
        var owner: String; var shift: Int
        var ciphertext: [UInt8]; var proof: [UInt8]
        var ownerCommitment: Point; var ownerPower: Point; var ownerDigest: [UInt8]; var ownerSignature: [UInt8]
    }
    var own: [Own]
    var assembled: [Assembled]
    /// The sender's signature of `body` (empty: unsigned).
    var signature: [UInt8] = []

    /// The signed part.
    var body: [UInt8] {
        var w = ByteWriter()
        w.u32(UInt32(own.count))
        for o in own {
            w.text(o.partner)
            w.u8((o.power == nil ? 0 : 1) | (o.lambda == nil ? 0 : 2))
            if let p = o.power { w.raw(p.bytes) }
            if let l = o.lambda { w.raw(l.bytes) }
            w.raw(o.mask.bytes)
        }
        w.u32(UInt32(assembled.count))
        for a in assembled {
            w.text(a.owner); w.u32(UInt32(a.shift)); w.blob(a.ciphertext); w.blob(a.proof)
            w.raw(a.ownerCommitment.bytes); w.raw(a.ownerPower.bytes); w.blob(a.ownerDigest); w.blob(a.ownerSignature)
        }
        return w.bytes
    }

    var bytes: [UInt8] {
        var w = ByteWriter()
        w.blob(body); w.blob(signature)
        return w.bytes
    }
    init(own: [Own], assembled: [Assembled], signature: [UInt8] = []) { self.own = own; self.assembled = assembled; self.signature = signature }
    init(bytes: [UInt8]) throws {
        var outer = ByteReader(bytes, cap: 4 << 20)
        do {
            let body = try outer.blob(max: 4 << 20)
            signature = try outer.blob(max: 64)
            try outer.finish()
            var r = ByteReader(body, cap: 4 << 20)
            let n = Int(try r.u32())
            guard n <= 100_000 else { throw RCIError.protocolViolation("iteration proof for \(n) partners") }
            own = try (0..<n).map { _ in
                let partner = try r.text(max: 1 << 10)
                let f = try r.u8()
                guard f <= 3 else { throw RCIError.protocolViolation("iteration proof commitment flags \(f)") }
                let p = f & 1 != 0 ? try Point(canonical: try r.raw(32)) : nil
                let l = f & 2 != 0 ? try Point(canonical: try r.raw(32)) : nil
                return Own(partner: partner, power: p, lambda: l, mask: try Point(canonical: try r.raw(32)))
            }
            let m = Int(try r.u32())
            guard m <= 100_000 else { throw RCIError.protocolViolation("iteration proof for \(m) slots") }
            assembled = try (0..<m).map { _ in
                Assembled(owner: try r.text(max: 1 << 10), shift: Int(try r.u32()), ciphertext: try r.blob(max: 8192), proof: try r.blob(max: 16384),
                          ownerCommitment: try Point(canonical: try r.raw(32)), ownerPower: try Point(canonical: try r.raw(32)), ownerDigest: try r.blob(max: 32), ownerSignature: try r.blob(max: 64))
            }
            try r.finish()
        } catch let e as DecodeError { throw RCIError.decoding("iteration proof", e) }
    }
}

/// The platform's choice of proof schedule.
public struct RCIIterationProofOptions: Sendable, Equatable {
    /// Prove and check every k-th iteration (0: no per-iteration proofs).
    public var proveEvery: Int
    /// Audit mode: proofs every iteration, kept, and `auditSample` iterations drawn with
    /// `auditSeed` after the run are checked (0: check inline).
    public var auditSample: Int
    public var auditSeed: UInt64
    public init(proveEvery: Int = 0, auditSample: Int = 0, auditSeed: UInt64 = 0) {
        self.proveEvery = proveEvery; self.auditSample = auditSample; self.auditSeed = auditSeed
    }
    /// What the agents are told: every iteration in audit mode.
    var agentsProveEvery: Int { auditSample > 0 ? 1 : proveEvery }
}

extension Int {
    /// Whether iteration `k` carries proofs under "every `self`" (0: never).
    func provesIteration(_ k: Int) -> Bool { self > 0 && k % self == 0 }
    /// Whether iteration `k`'s masks are committed: a proof iteration, or the one before (its
    /// decryption is the head of the next proof iteration's chain).
    func commitsMasks(_ k: Int) -> Bool { provesIteration(k) || provesIteration(k + 1) }
}
