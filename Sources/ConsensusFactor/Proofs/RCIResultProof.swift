import GridClearCore
import Privacy

/// Result proofs after convergence (seed 000 claim 6; SPEC §5), on Pedersen commitments over
/// Ristretto255 from the Privacy module. Committed values are whole kW.
///
/// 1. Pairwise equality: for each pair the generator draws a blinding r and sends it to that
///    consumer only. Each side commits its *own* trade rounded to kW — the generator
///    C_gc = s_g·G + r·H, the consumer C_cg = s_c·G − r·H — so C_gc + C_cg = (s_g + s_c)·G:
///    anyone checks that the two committed trades cancel within the public pair tolerance
///    q (`pairToleranceKW`: the reciprocity threshold in kW plus 1 kW of rounding) by
///    comparing with the 2q + 1 points k·G, |k| ≤ q, learning only s_g + s_c. Neither side
///    adopts the other's value.
/// 2. Each agent publishes a bundle: its per-partner commitments, commitments to its private
///    bounds C_min, C_max, and two range proofs that C_n − C_min and C_max − C_n (C_n = Σ C_nm)
///    hide values in [−slack, 2³¹ − 1 − slack]. With certified bounds (`RCIBoundCertificate`,
///    the run's registrar key in the setup) C_min, C_max are the registrar-signed ones and the
///    slack is 0; without, the agent commits to its bounds itself and the slack is
///    `boundSlackKW` (the convergence tolerance allowed on self-declared bounds).
/// 3. Every partner verifies the bundle (proofs and its pairwise identity) and reports to the
///    platform.
public enum RCIResultProof {
    public static let boundSlackKW: Int64 = 100
    static let span: Int64 = 1 << 31
    static let domain = "GridClear/rci/result/v1"

    /// MW → whole kW, half away from zero.
    public static func kW(_ mw: Double) -> Int64 { Int64((mw * 1000).rounded(.toNearestOrAwayFromZero)) }

    /// The largest |s_g + s_c| (kW) a pair may show: ⌈threshold in kW⌉ + 2 (each side's
    /// committed kW is within 1 kW of its trade, see `committedKW`).
    public static func pairToleranceKW(reciprocityThreshold mw: Double) -> Int64 {
        Int64((mw * 1000).rounded(.up)) + 2
    }

    /// The whole-kW values an agent commits to for its trades (MW): each the floor or the
    /// ceiling of the trade in kW, chosen (largest fractional parts first) so that the sum is
    /// the net power rounded to kW and clipped to [minKW, maxKW] — so an agent whose net power
    /// is within its bounds commits to a net within them too, with no slack. Only when the
    /// net itself is outside the bounds by more than rounding does one trade (the largest)
    /// move further. Deterministic.
    public static func committedKW(_ trades: [Double], minKW: Int64, maxKW: Int64) -> [Int64] {
        let x = trades.map { $0 * 1000 }
        var s = x.map { Int64($0.rounded(.down)) }
        let target = min(max(Int64(x.reduce(0, +).rounded(.toNearestOrAwayFromZero)), minKW), maxKW)
        var sum = s.reduce(0, +)
        let order = x.indices.sorted { a, b in
            let fa = x[a] - Double(s[a]), fb = x[b] - Double(s[b])
            return fa != fb ? fa > fb : a < b
        }
        for i in order where sum < target && Double(s[i]) < x[i] { s[i] += 1; sum += 1 }
        if sum != target, let j = s.indices.max(by: { abs(x[$0]) < abs(x[$1]) }) { s[j] += target - sum }
        return s
    }

    /// One agent's published bundle.
    public struct Bundle: Sendable, Equatable {
        public var agent: String
        public var commitments: [(partner: String, commitment: PedersenCommitment)]
        public var lower: PedersenCommitment
        public var upper: PedersenCommitment
        public var lowProof: RangeProof
        public var highProof: RangeProof
        /// The registrar's certificate of `lower`/`upper` (nil: self-declared bounds).
        public var certificate: RCIBoundCertificate?

        public static func == (a: Bundle, b: Bundle) -> Bool { a.bytes == b.bytes }

        var total: PedersenCommitment {
            commitments.dropFirst().reduce(commitments[0].commitment) { $0 + $1.commitment }
        }

        /// Builds the bundle from the agent's settled trades (kW, with their openings).
        public static func make<R: RandomNumberGenerator>(agent spec: RCIAgentSpec,
                                                           settled: [(partner: String, opening: PedersenOpening)],
                                                           certified: RCICertifiedBounds? = nil,
                                                           using rng: inout R) throws -> Bundle {
            let params = PedersenParameters.standard
            guard !settled.isEmpty else { throw RCIError.protocolViolation("no trades to prove") }
            let total = settled.dropFirst().reduce(settled[0].opening) { $0 + $1.opening }
            var (cl, ol) = params.commit(kW(spec.pMin), using: &rng)
            var (cu, ou) = params.commit(kW(spec.pMax), using: &rng)
            if let certified {
                (cl, ol) = (certified.certificate.lower, certified.openings.lower)
                (cu, ou) = (certified.certificate.upper, certified.openings.upper)
            }
            let slack = certified == nil ? boundSlackKW : 0
            let commitments = settled.map { (partner: $0.partner, commitment: params.commit($0.opening)) }
            let cTotal = commitments.dropFirst().reduce(commitments[0].commitment) { $0 + $1.commitment }
            let ctx = Array((domain + "|" + spec.id).utf8)
            let lo = -slack, hi = span - 1 - slack
            let low = try RangeProof.prove(cTotal - cl, opening: total - ol, lo: lo, hi: hi, params: params, context: ctx + [0], using: &rng)
            let high = try RangeProof.prove(cu - cTotal, opening: ou - total, lo: lo, hi: hi, params: params, context: ctx + [1], using: &rng)
            return Bundle(agent: spec.id, commitments: commitments, lower: cl, upper: cu, lowProof: low, highProof: high,
                          certificate: certified?.certificate)
        }

        /// Verifies the range proofs and, if `mine` is given (the verifier's own commitment for
        /// this pair), that the two committed trades cancel within `pairToleranceKW`.
        /// With `registrar` (the run's registrar key) the bounds must be the certified ones and
        /// the slack is 0.
        public func verify(verifier: String, mine: PedersenCommitment?, pairToleranceKW q: Int64 = 0,
                           registrar: [UInt8]? = nil, pairTable: Set<[UInt8]>? = nil, ranges: Bool = true) throws {
            let ctx = Array((RCIResultProof.domain + "|" + agent).utf8)
            var slack = boundSlackKW
            if let registrar {
                guard let certificate else { throw RCIError.protocolViolation("\(agent) proves against bounds no registrar certified") }
                try certificate.verify(registrar: registrar, agent: agent)
                guard certificate.lower == lower, certificate.upper == upper else {
                    throw RCIError.protocolViolation("\(agent) proves against bounds that differ from its certificate")
                }
                slack = 0
            }
            let lo = -slack, hi = span - 1 - slack
            if ranges {  // `ranges: false` where another party (the platform) checks them once for everybody
                try lowProof.verify(total - lower, lo: lo, hi: hi, context: ctx + [0])
                try highProof.verify(upper - total, lo: lo, hi: hi, context: ctx + [1])
            }
            if let mine {
                guard let theirs = commitments.first(where: { $0.partner == verifier })?.commitment else {
                    throw RCIError.protocolViolation("\(agent)'s bundle has no commitment for \(verifier)")
                }
                let sum = (theirs + mine).bytes
                guard q >= 0, q <= 1_000_000,
                      pairTable?.contains(sum) ?? (-q...q).contains(where: { PedersenParameters.standard.publicCommitment($0).bytes == sum }) else {
                    throw RCIError.protocolViolation("committed trades \(agent)↔\(verifier) differ by more than \(q) kW")
                }
            }
        }

        /// The 2q + 1 commitments k·G, |k| ≤ q, that a pair's sum may equal (compute once per
        /// verifier, pass to every `verify`).
        public static func pairTable(toleranceKW q: Int64) -> Set<[UInt8]> {
            guard q >= 0, q <= 1_000_000 else { return [] }
            return Set((-q...q).map { PedersenParameters.standard.publicCommitment($0).bytes })
        }

        public var bytes: [UInt8] {
            var w = ByteWriter()
            w.text(agent); w.u32(UInt32(commitments.count))
            for c in commitments { w.text(c.partner); w.blob(c.commitment.bytes) }
            w.blob(lower.bytes); w.blob(upper.bytes); w.blob(lowProof.bytes); w.blob(highProof.bytes)
            w.optionalBlob(certificate?.bytes)
            return w.bytes
        }

        public init(bytes: [UInt8]) throws {
            var r = ByteReader(bytes, cap: 1 << 20)
            do {
                agent = try r.text(max: 1 << 16)
                let n = Int(try r.u32())
                guard n <= 100_000 else { throw RCIError.protocolViolation("bundle with \(n) commitments") }
                commitments = try (0..<n).map { _ in (partner: try r.text(max: 1 << 16), commitment: try PedersenCommitment(bytes: try r.blob())) }
                lower = try PedersenCommitment(bytes: try r.blob()); upper = try PedersenCommitment(bytes: try r.blob())
                lowProof = try RangeProof(bytes: try r.blob()); highProof = try RangeProof(bytes: try r.blob())
                certificate = try r.optionalBlob().map(RCIBoundCertificate.init(bytes:))
                try r.finish()
            } catch let e as DecodeError { throw RCIError.decoding("result proof bundle", e) }
            guard !commitments.isEmpty else { throw RCIError.protocolViolation("bundle without commitments") }
        }

        init(agent: String, commitments: [(partner: String, commitment: PedersenCommitment)], lower: PedersenCommitment,
             upper: PedersenCommitment, lowProof: RangeProof, highProof: RangeProof, certificate: RCIBoundCertificate?) {
            self.agent = agent; self.commitments = commitments; self.lower = lower; self.upper = upper
            self.lowProof = lowProof; self.highProof = highProof; self.certificate = certificate
        }
    }

    /// What a generator sends one consumer after the stop: the pair's blinding r only.
    public static func encodeBlinding(_ blinding: Scalar) -> [UInt8] {
        var w = ByteWriter(); w.blob(blinding.bytes); return w.bytes
    }
    public static func decodeBlinding(_ b: [UInt8]) throws -> Scalar {
        var r = ByteReader(b, cap: 64)
        do {
            let s = try Scalar(canonical: try r.blob()); try r.finish()
            return s
        } catch let e as DecodeError { throw RCIError.decoding("pair blinding", e) }
    }
}
