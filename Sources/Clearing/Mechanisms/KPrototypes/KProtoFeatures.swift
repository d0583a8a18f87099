import GridClearCore

/// Min–max scaling of one attribute over a cycle: `scale(v) = (v − lo)/(hi − lo)`,
/// 0 for every value when the range is empty (`hi == lo`).
public struct MinMaxScale: Sendable, Hashable {
    public let lo: Double
    public let hi: Double
    public init(lo: Double, hi: Double) { self.lo = lo; self.hi = hi }
    /// The range of the finite values given (empty input → [0, 0]).
    public init<S: Sequence>(over values: S) where S.Element == Double {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite { lo = Swift.min(lo, v); hi = Swift.max(hi, v) }
        if lo > hi { lo = 0; hi = 0 }
        self.lo = lo; self.hi = hi
    }
    public func scale(_ v: Double) -> Double { hi > lo ? (v - lo) / (hi - lo) : 0 }
}

/// The K-prototypes feature space of one cycle (SPEC §3.2): every numeric attribute
/// min–max scaled over the cycle's bids and offers together, multiplied by √α; the
/// energy type one-hot encoded with √(β/2) per column, so the squared distance of
/// two one-hot rows is β·δ. A buyer without a wanted type has an all-zero one-hot
/// row, which adds the same β/2 to every seller and so never changes its choice.
///
/// Columns: price, quantity, green, reputation, then one column per `EnergyType`.
/// The pair-dependent loss term α_loss·(s(expected_j) − s(actual_ij))² is not a
/// column: it is added elementwise (`lossTerm`).
public struct KProtoFeatures: Sendable {
    public static let numericColumns = ["price", "quantity", "green", "reputation"]
    public let buyers: DenseMatrix
    public let sellers: DenseMatrix
    /// √α of the quantity column (for updates when a seller's available energy shrinks).
    public let sqrtQuantityWeight: Double
    public let quantityScale: MinMaxScale
    public let lossWeight: Double
    public let lossScale: MinMaxScale
    /// Scaled expected loss per buyer.
    public let buyerExpectedLoss: [Double]

    /// The buyer's expected environmental-protection index: `green_index`, else 1/0 for a
    /// wanted clean/thermal type, else 0.5 (indifferent).
    public static func greenIndex(_ b: Bid) -> Double {
        if let g = b.greenIndex { return g }
        if let t = b.energyType { return t.isClean ? 1 : 0 }
        return 0.5
    }

    /// The buyer's acceptable loss in percent, the hard filter: `max_loss_pct`, else the market's L_max.
    public static func acceptableLoss(_ b: Bid, market: MarketConfig) -> Double { b.maxLossPct ?? market.maxLossPct }

    /// The buyer's expected loss, the numeric attribute compared with the pair's actual
    /// loss: 0 for every buyer (amended SPEC §3.2: no loss is the ideal; the buyer's
    /// `max_loss_pct` is a filter, `acceptableLoss`, not a target — measuring against it made
    /// sellers *near* the limit look best).
    public static func expectedLoss(_ b: Bid) -> Double { 0 }

    /// Builds the features. `pairLoss` is row-major `[bid][offer]` loss percent (∞ = unreachable).
    public init(bids: [Bid], offers: [Offer], pairLoss: [Double], config: KProtoConfig, market: MarketConfig) {
        func w(_ key: String) -> Double { config.numericWeights[key] ?? 0 }
        let beta = config.categoricalWeights["energy_type"] ?? 0
        let priceS = MinMaxScale(over: bids.map { Double($0.price) } + offers.map { Double($0.price) })
        let qtyS = MinMaxScale(over: bids.map { Double($0.quantity) } + offers.map { Double($0.quantity) })
        let greenS = MinMaxScale(over: bids.map(Self.greenIndex) + offers.map { $0.energyType.isClean ? 1.0 : 0.0 })
        let repS = MinMaxScale(over: bids.map(\.reputation) + offers.map(\.reputation))
        let expected = bids.map(Self.expectedLoss)
        let lossS = MinMaxScale(over: expected + pairLoss)
        let sp = w("price").squareRoot(), sq = w("quantity").squareRoot()
        let sg = w("green").squareRoot(), sr = w("reputation").squareRoot()
        let sc = (beta / 2).squareRoot()
        let types = EnergyType.allCases
        let k = Self.numericColumns.count + types.count

        var bm = DenseMatrix(rows: bids.count, cols: k)
        for (i, b) in bids.enumerated() {
            bm[i, 0] = sp * priceS.scale(Double(b.price))
            bm[i, 1] = sq * qtyS.scale(Double(b.quantity))
            bm[i, 2] = sg * greenS.scale(Self.greenIndex(b))
            bm[i, 3] = sr * repS.scale(b.reputation)
            if let t = b.energyType, let c = types.firstIndex(of: t) { bm[i, 4 + c] = sc }
        }
        var om = DenseMatrix(rows: offers.count, cols: k)
        for (i, o) in offers.enumerated() {
            om[i, 0] = sp * priceS.scale(Double(o.price))
            om[i, 1] = sq * qtyS.scale(Double(o.quantity))
            om[i, 2] = sg * greenS.scale(o.energyType.isClean ? 1 : 0)
            om[i, 3] = sr * repS.scale(o.reputation)
            om[i, 4 + types.firstIndex(of: o.energyType)!] = sc
        }
        buyers = bm; sellers = om
        sqrtQuantityWeight = sq; quantityScale = qtyS
        lossWeight = w("loss"); lossScale = lossS
        buyerExpectedLoss = expected.map(lossS.scale)
    }

    /// α_loss·(s(expected_j) − s(actual))², the pair-dependent term.
    @inline(__always)
    public func lossTerm(buyer j: Int, actualLossPct: Double) -> Double {
        let d = buyerExpectedLoss[j] - lossScale.scale(actualLossPct)
        return lossWeight * d * d
    }

    /// Change of the quantity term when seller `i`'s available energy moves from its
    /// submitted quantity to `available` Wh (the seed's new sale record with the remainder).
    @inline(__always)
    public func quantityCorrection(buyer j: Int, seller i: Int, available: Wh) -> Double {
        let x = buyers[j, 1], z0 = sellers[i, 1]
        let z = sqrtQuantityWeight * quantityScale.scale(Double(available))
        return (x - z) * (x - z) - (x - z0) * (x - z0)
    }
}
