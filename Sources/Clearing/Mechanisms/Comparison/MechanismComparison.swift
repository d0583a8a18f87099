import GridClearCore

/// Several mechanisms run on the same cycle inputs, with the SPEC §3.8 metrics of
/// each, ready to render as `compare.md` and `compare.svg`.
///
/// Guarantees: entries keep the order given; the renderings depend only on the
/// inputs, the results and the recorded solve times (times are printed in the
/// Markdown table only, so the SVG is byte-identical across runs).
public struct MechanismComparison: Sendable {
    public struct Entry: Sendable {
        public var result: ClearingResult
        public var metrics: CycleMetrics
        /// Buyer / seller satisfaction of the accepted trades on CMAP's normalised scale
        /// (a'_ij, b'_ij over all pairs of the cycle), so every mechanism is judged alike.
        public var cmapScaleBuyerSatisfaction: Double?
        public var cmapScaleSellerSatisfaction: Double?
        public var seconds: Double
        public var name: String { result.mechanism }
    }

    /// A mechanism that could not clear the cycle, and why.
    public struct Failure: Sendable, Equatable {
        public var mechanism: String
        public var reason: String
    }

    public let inputs: CycleInputs
    public private(set) var entries: [Entry] = []
    /// Mechanisms that failed, in the order given; the others are still compared.
    public private(set) var failures: [Failure] = []
    public let curves: UniformClearing
    private let satisfaction: PairSatisfaction

    public init(inputs: CycleInputs) {
        self.inputs = inputs
        self.curves = UniformClearing(bids: inputs.bidsByArrival, offers: inputs.offersByArrival)
        self.satisfaction = PairSatisfaction(inputs: inputs)
    }

    /// Adds one mechanism's result (and how long it took, seconds).
    public mutating func add(_ result: ClearingResult, seconds: Double) {
        let accepted = result.trades.filter { $0.status == .accepted }
        let (b, s) = satisfaction.mean(of: accepted)
        entries.append(Entry(result: result, metrics: CycleMetrics.compute(inputs: inputs, result: result),
                             cmapScaleBuyerSatisfaction: b, cmapScaleSellerSatisfaction: s, seconds: seconds))
    }

    /// Records that `mechanism` failed (one line of `reason` is kept).
    public mutating func addFailure(mechanism: String, reason: String) {
        let line = reason.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first.map(String.init) ?? ""
        failures.append(Failure(mechanism: mechanism, reason: line))
    }

    public var totalDemand: Wh { inputs.bids.reduce(0) { $0 + $1.quantity } }
    public var totalSupply: Wh { inputs.offers.reduce(0) { $0 + $1.quantity } }
}

/// CMAP's composite satisfactions a_ij, b_ij (SPEC §3.1) normalised by min–max over
/// all pairs of the cycle (unreachable pairs excluded), looked up per trade.
struct PairSatisfaction: Sendable {
    private var bidIndex: [String: Int] = [:]
    private var offerIndex: [String: Int] = [:]
    private var a: [Double] = [], b: [Double] = []
    private let n: Int

    init(inputs: CycleInputs) {
        let lm = LossModel(market: inputs.market, grid: inputs.grid)
        n = inputs.offers.count
        for (i, x) in inputs.bids.enumerated() { bidIndex[x.id] = i }
        for (i, x) in inputs.offers.enumerated() { offerIndex[x.id] = i }
        var ra: [Double] = [], rb: [Double] = [], ok: [Bool] = []
        ra.reserveCapacity(inputs.bids.count * n); rb.reserveCapacity(inputs.bids.count * n)
        for bid in inputs.bids {
            for offer in inputs.offers {
                let l = lm.pair(bid, offer)
                ra.append(CMAPSatisfaction.buyer(bid, offer, loss: l, market: inputs.market))
                rb.append(CMAPSatisfaction.seller(bid, offer, loss: l, market: inputs.market))
                ok.append(l.reachable)
            }
        }
        a = CMAPSatisfaction.normalise(ra, include: ok)
        b = CMAPSatisfaction.normalise(rb, include: ok)
    }

    func mean(of trades: [Trade]) -> (Double?, Double?) {
        var sa = 0.0, sb = 0.0, k = 0
        for t in trades {
            guard let i = bidIndex[t.bidID], let j = offerIndex[t.offerID] else { continue }
            sa += a[i * n + j]; sb += b[i * n + j]; k += 1
        }
        return k == 0 ? (nil, nil) : (sa / Double(k), sb / Double(k))
    }
}
