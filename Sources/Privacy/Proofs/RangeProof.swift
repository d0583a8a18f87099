/// Something that proves and verifies "the commitment C hides v with lo ≤ v ≤ hi".
/// The bit-decomposition prover is the first implementation; a Bulletproofs prover
/// can replace it behind this protocol without changing callers.
public protocol RangeProver: Sendable {
    associatedtype Proof: Sendable
    func prove<R: RandomNumberGenerator>(_ c: PedersenCommitment, opening: PedersenOpening, lo: Int64, hi: Int64,
                                         params: PedersenParameters, transcript: inout Transcript, using rng: inout R) throws -> Proof
    func verify(_ proof: Proof, _ c: PedersenCommitment, lo: Int64, hi: Int64,
                params: PedersenParameters, transcript: inout Transcript) throws
}

/// A range proof by bit decomposition: x = v − lo is written in n = bitlen(hi − lo) bits,
/// each bit committed and proven to be 0 or 1 with a CDS OR-proof; when hi − lo + 1 is not
/// a power of two a second decomposition of x + 2^n − 1 − (hi − lo) shows x ≤ hi − lo.
///
/// Guarantees: sound and honest-verifier zero-knowledge under discrete log; the
/// challenge binds G, H, C, lo, hi, every bit commitment and every announcement.
/// Size: 32 + 128 bytes per bit per decomposition.
public struct RangeProof: Sendable, Equatable {
    /// One decomposition: bit commitments and OR-proof responses.
    struct Decomposition: Sendable, Equatable {
        var bits: [Point]
        var c0: [Scalar]
        var z0: [Scalar]
        var z1: [Scalar]
    }
    let challenge: Scalar
    let parts: [Decomposition]

    static let domain = "GridClear/proof/range/v1"

    /// Proves lo ≤ opening.value ≤ hi for C with a fresh transcript bound to `context`.
    public static func prove(_ c: PedersenCommitment, opening: PedersenOpening, lo: Int64, hi: Int64,
                             params: PedersenParameters = .standard, context: [UInt8] = []) throws -> RangeProof {
        var rng = SystemCSPRNG()
        var t = Transcript(label: domain); t.append(label: "context", context)
        return try BitDecompositionRangeProver().prove(c, opening: opening, lo: lo, hi: hi, params: params, transcript: &t, using: &rng)
    }

    public static func prove<R: RandomNumberGenerator>(_ c: PedersenCommitment, opening: PedersenOpening, lo: Int64, hi: Int64,
                                                      params: PedersenParameters = .standard, context: [UInt8] = [], using rng: inout R) throws -> RangeProof {
        var t = Transcript(label: domain); t.append(label: "context", context)
        return try BitDecompositionRangeProver().prove(c, opening: opening, lo: lo, hi: hi, params: params, transcript: &t, using: &rng)
    }

    /// Verifies; throws `proofRejected` on any mismatch.
    public func verify(_ c: PedersenCommitment, lo: Int64, hi: Int64, params: PedersenParameters = .standard, context: [UInt8] = []) throws {
        var t = Transcript(label: Self.domain); t.append(label: "context", context)
        try BitDecompositionRangeProver().verify(self, c, lo: lo, hi: hi, params: params, transcript: &t)
    }

    /// Serialised size in bytes.
    public var byteCount: Int { bytes.count }

    /// `u8 parts ‖ u8 bits ‖ challenge ‖ per part, per bit: C_i ‖ c0 ‖ z0 ‖ z1`.
    public var bytes: [UInt8] {
        var out: [UInt8] = [UInt8(parts.count), UInt8(parts.first?.bits.count ?? 0)]
        out += challenge.bytes
        for p in parts { for i in p.bits.indices { out += p.bits[i].bytes + p.c0[i].bytes + p.z0[i].bytes + p.z1[i].bytes } }
        return out
    }

    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 34 else { throw PrivacyError.malformedEncoding("range proof too short") }
        let np = Int(bytes[0]), nb = Int(bytes[1])
        guard (1...2).contains(np), (1...64).contains(nb), bytes.count == 34 + np * nb * 128 else {
            throw PrivacyError.malformedEncoding("range proof has inconsistent length")
        }
        challenge = try Scalar(canonical: Array(bytes[2..<34]))
        var parts: [Decomposition] = []
        var off = 34
        func next32() -> [UInt8] { defer { off += 32 }; return Array(bytes[off..<off + 32]) }
        for _ in 0..<np {
            var d = Decomposition(bits: [], c0: [], z0: [], z1: [])
            for _ in 0..<nb {
                d.bits.append(try Point(canonical: next32()))
                d.c0.append(try Scalar(canonical: next32()))
                d.z0.append(try Scalar(canonical: next32()))
                d.z1.append(try Scalar(canonical: next32()))
            }
            parts.append(d)
        }
        self.parts = parts
    }
    init(challenge: Scalar, parts: [Decomposition]) { self.challenge = challenge; self.parts = parts }
}

/// The bit-decomposition `RangeProver` (see `RangeProof`).
public struct BitDecompositionRangeProver: RangeProver {
    public init() {}

    /// Bits needed for widths w = hi − lo: n = bitlen(w) (at least 1).
    static func bitCount(_ width: UInt64) -> Int { max(1, 64 - width.leadingZeroBitCount) }

    static func layout(lo: Int64, hi: Int64) throws -> (n: Int, width: UInt64, offsets: [UInt64]) {
        guard lo <= hi else { throw PrivacyError.statementFalse("empty range [\(lo), \(hi)]") }
        let width = UInt64(bitPattern: hi &- lo)
        let n = bitCount(width)
        let top: UInt64 = n == 64 ? .max : (UInt64(1) << n) - 1
        // x ∈ [0, 2^n); if 2^n − 1 ≠ w also x + (2^n − 1 − w) ∈ [0, 2^n).
        return (n, width, top == width ? [0] : [0, top - width])
    }

    static func appendStatement(_ t: inout Transcript, _ c: PedersenCommitment, lo: Int64, hi: Int64, n: Int, params: PedersenParameters) {
        t.append(label: "range.domain", Array(RangeProof.domain.utf8))
        params.appendTo(&t)
        t.append(label: "range.C", c.point)
        t.append(label: "range.lo", UInt64(bitPattern: lo))
        t.append(label: "range.hi", UInt64(bitPattern: hi))
        t.append(label: "range.n", UInt64(n))
    }

    public func prove<R: RandomNumberGenerator>(_ c: PedersenCommitment, opening: PedersenOpening, lo: Int64, hi: Int64,
                                                params: PedersenParameters, transcript t: inout Transcript, using rng: inout R) throws -> RangeProof {
        let (n, width, offsets) = try Self.layout(lo: lo, hi: hi)
        guard opening.value >= lo, opening.value <= hi else { throw PrivacyError.statementFalse("value \(opening.value) is outside [\(lo), \(hi)]") }
        let x = UInt64(bitPattern: opening.value &- lo)
        _ = width
        Self.appendStatement(&t, c, lo: lo, hi: hi, n: n, params: params)
        let inv2 = try Scalar(UInt64(2)).inverse()
        var parts: [RangeProof.Decomposition] = []
        var secrets: [(bits: [Bool], r: [Scalar], k: [Scalar], cFake: [Scalar], zFake: [Scalar])] = []
        for off in offsets {
            let y = x &+ off  // < 2^n by the statement
            // Blindings: r_i random for i < n−1; r_{n−1} makes Σ 2^i r_i = r exactly.
            var r: [Scalar] = (0..<(n - 1)).map { _ in Scalar.random(using: &rng) }
            var acc = Scalar.zero, pow2 = Scalar.one
            for i in 0..<(n - 1) { acc += pow2 * r[i]; pow2 = pow2 + pow2 }
            var invTop = Scalar.one
            for _ in 0..<(n - 1) { invTop = invTop * inv2 }
            r.append((opening.blinding - acc) * invTop)
            var d = RangeProof.Decomposition(bits: [], c0: [], z0: [], z1: [])
            var s: (bits: [Bool], r: [Scalar], k: [Scalar], cFake: [Scalar], zFake: [Scalar]) = ([], r, [], [], [])
            for i in 0..<n {
                let bit = (y >> UInt64(i)) & 1 == 1
                let ci = (bit ? params.g : .identity) + r[i] * params.h
                d.bits.append(ci)
                s.bits.append(bit)
                s.k.append(.random(using: &rng)); s.cFake.append(.random(using: &rng)); s.zFake.append(.random(using: &rng))
            }
            parts.append(d); secrets.append(s)
        }
        // Announcements: real branch k·H, simulated branch z·H − c·(C_i − b·G).
        for (pi, d) in parts.enumerated() {
            let s = secrets[pi]
            for i in 0..<n {
                let real = s.k[i] * params.h
                let fake0or1 = s.zFake[i] * params.h - s.cFake[i] * (s.bits[i] ? d.bits[i] : d.bits[i] - params.g)
                let (a0, a1) = s.bits[i] ? (fake0or1, real) : (real, fake0or1)
                t.append(label: "range.Ci", d.bits[i]); t.append(label: "range.A0", a0); t.append(label: "range.A1", a1)
            }
        }
        let e = t.challengeScalar(label: "range.challenge")
        for pi in parts.indices {
            let s = secrets[pi]
            for i in 0..<n {
                let cReal = e - s.cFake[i]
                let zReal = s.k[i] + cReal * s.r[i]
                if s.bits[i] {  // real branch 1, simulated branch 0
                    parts[pi].c0.append(s.cFake[i]); parts[pi].z0.append(s.zFake[i]); parts[pi].z1.append(zReal)
                } else {
                    parts[pi].c0.append(cReal); parts[pi].z0.append(zReal); parts[pi].z1.append(s.zFake[i])
                }
            }
        }
        return RangeProof(challenge: e, parts: parts)
    }

    public func verify(_ proof: RangeProof, _ c: PedersenCommitment, lo: Int64, hi: Int64,
                       params: PedersenParameters, transcript t: inout Transcript) throws {
        let (n, _, offsets) = try Self.layout(lo: lo, hi: hi)
        guard proof.parts.count == offsets.count, proof.parts.allSatisfy({ $0.bits.count == n && $0.c0.count == n && $0.z0.count == n && $0.z1.count == n }) else {
            throw PrivacyError.proofRejected("range proof has the wrong shape for [\(lo), \(hi)]")
        }
        Self.appendStatement(&t, c, lo: lo, hi: hi, n: n, params: params)
        let base = c.point - Scalar(lo) * params.g   // commits to x = v − lo
        for (pi, d) in proof.parts.enumerated() {
            // Σ 2^i C_i must equal the commitment to x + offset.
            var sum = Point.identity   // Horner: Σ 2^i C_i with additions only
            for i in (0..<n).reversed() { sum = sum + sum + d.bits[i] }
            let target = base + Scalar(offsets[pi]) * params.g
            guard sum == target else { throw PrivacyError.proofRejected("range proof bit commitments do not add up to C") }
            for i in 0..<n {
                let c1 = proof.challenge - d.c0[i]
                let a0 = d.z0[i] * params.h - d.c0[i] * d.bits[i]
                let a1 = d.z1[i] * params.h - c1 * (d.bits[i] - params.g)
                t.append(label: "range.Ci", d.bits[i]); t.append(label: "range.A0", a0); t.append(label: "range.A1", a1)
            }
        }
        let e = t.challengeScalar(label: "range.challenge")
        guard e == proof.challenge else { throw PrivacyError.proofRejected("range proof challenge mismatch") }
    }
}
