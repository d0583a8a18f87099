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
///    hide values in [−slack, 2³¹ − 1 − slack] (slack = `boundSlackKW`, the convergence
///    tolerance allowed on the bounds).
/// 3. Every partner verifies the bundle (proofs and its pairwise identity) and reports to the
///    platform.
public enum RCIResultProof {
    public static let boundSlackKW: Int64 = 100
    static let span: Int64 = 1 << 31
    static let domain = "GridClear/rci/result/v1"

    /// MW → whole kW, half away from zero.
    public static func kW(_ mw: Double) -> Int64 { Int64((mw * 1000).rounded(.toNearestOrAwayFromZero)) }

    /// The largest |s_g + s_c| (kW) a pair may show: ⌈threshold in kW⌉ + 1 (each side's
    /// rounding to kW adds at most ½ kW).
    public static func pairToleranceKW(reciprocityThreshold mw: Double) -> Int64 {
        Int64((mw * 1000).rounded(.up)) + 1
    }

    /// One agent's published bundle.
    public struct Bundle: Sendable, Equatable {
        public var agent: String
        public var commitments: [(partner: String, commitment: PedersenCommitment)]
        public var lower: PedersenCommitment
        public var upper: PedersenCommitment
        public var lowProof: RangeProof
        public var highProof: RangeProof

        public static func == (a: Bundle, b: Bundle) -> Bool { a.bytes == b.bytes }

        var total: PedersenCommitment {
            commitments.dropFirst().reduce(commitments[0].commitment) { $0 + $1.commitment }
        }

        /// Builds the bundle from the agent's settled trades (kW, with their openings).
        public static func make<R: RandomNumberGenerator>(agent spec: RCIAgentSpec,
                                                           settled: [(partner: String, opening: PedersenOpening)],
                                                           using rng: inout R) throws -> Bundle {
            let params = PedersenParameters.standard
            guard !settled.isEmpty else { throw RCIError.protocolViolation("no trades to prove") }
            let total = settled.dropFirst().reduce(settled[0].opening) { $0 + $1.opening }
            let (cl, ol) = params.commit(kW(spec.pMin), using: &rng)
            let (cu, ou) = params.commit(kW(spec.pMax), using: &rng)
            let commitments = settled.map { (partner: $0.partner, commitment: params.commit($0.opening)) }
            let cTotal = commitments.dropFirst().reduce(commitments[0].commitment) { $0 + $1.commitment }
            let ctx = Array((domain + "|" + spec.id).utf8)
            let lo = -boundSlackKW, hi = span - 1 - boundSlackKW
            let low = try RangeProof.prove(cTotal - cl, opening: total - ol, lo: lo, hi: hi, params: params, context: ctx + [0], using: &rng)
            let high = try RangeProof.prove(cu - cTotal, opening: ou - total, lo: lo, hi: hi, params: params, context: ctx + [1], using: &rng)
            return Bundle(agent: spec.id, commitments: commitments, lower: cl, upper: cu, lowProof: low, highProof: high)
        }

        /// Verifies the range proofs and, if `mine` is given (the verifier's own commitment for
        /// this pair), that the two committed trades cancel within `pairToleranceKW`.
        public func verify(verifier: String, mine: PedersenCommitment?, pairToleranceKW q: Int64 = 0) throws {
            let ctx = Array((RCIResultProof.domain + "|" + agent).utf8)
            let lo = -boundSlackKW, hi = span - 1 - boundSlackKW
            try lowProof.verify(total - lower, lo: lo, hi: hi, context: ctx + [0])
            try highProof.verify(upper - total, lo: lo, hi: hi, context: ctx + [1])
            if let mine {
                guard let theirs = commitments.first(where: { $0.partner == verifier })?.commitment else {
                    throw RCIError.protocolViolation("\(agent)'s bundle has no commitment for \(verifier)")
                }
                let sum = (theirs + mine).bytes
                guard q >= 0, q <= 1_000_000,
                      (-q...q).contains(where: { PedersenParameters.standard.publicCommitment($0).bytes == sum }) else {
                    throw RCIError.protocolViolation("committed trades \(agent)↔\(verifier) differ by more than \(q) kW")
                }
            }
        }

        public var bytes: [UInt8] {
            var w = ByteWriter()
            w.text(agent); w.u32(UInt32(commitments.count))
            for c in commitments { w.text(c.partner); w.blob(c.commitment.bytes) }
            w.blob(lower.bytes); w.blob(upper.bytes); w.blob(lowProof.bytes); w.blob(highProof.bytes)
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
                try r.finish()
            } catch let e as DecodeError { throw RCIError.decoding("result proof bundle", e) }
            guard !commitments.isEmpty else { throw RCIError.protocolViolation("bundle without commitments") }
        }

        init(agent: String, commitments: [(partner: String, commitment: PedersenCommitment)], lower: PedersenCommitment,
             upper: PedersenCommitment, lowProof: RangeProof, highProof: RangeProof) {
            self.agent = agent; self.commitments = commitments; self.lower = lower; self.upper = upper
            self.lowProof = lowProof; self.highProof = highProof
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
