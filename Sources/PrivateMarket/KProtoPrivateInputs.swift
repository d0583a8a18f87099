import Clearing
import GridClearCore
import Privacy

/// Maps a cycle's plaintext quotes onto the private market's inputs (issue 14):
/// each participant's range attributes, its own K-prototypes feature row computed from
/// the public scales exactly as `KProtoFeatures` computes it, its routing data, and the
/// matching service's loss terms from public routing data.
///
/// Guarantee: for scales equal to the cycle's min–max, `buyerFeatures` / `sellerFeatures`
/// are the fixed-point forms (±2^-49) of the very `Double`s the plaintext mechanism feeds
/// its GEMM, and `pairTerms` returns bit-identical loss terms — so the key holder ranks
/// candidates as `KPrototypesMechanism` does.
public struct KProtoPrivateInputs: Sendable {
    public let market: MarketConfig
    public let grid: GridTopology?

    public init(market: MarketConfig, grid: GridTopology?) { self.market = market; self.grid = grid }

    static let typeColumns = EnergyType.allCases
    public static var columnCount: Int { KProtoFeatures.numericColumns.count + typeColumns.count }
    public static let quantityColumn = 1

    private func w(_ key: String) -> Double { market.kproto.numericWeights[key] ?? 0 }
    public var sqrtQuantityWeight: Double { w("quantity").squareRoot() }

    /// An upper bound, in bits, on a fixed-point squared distance ‖x − u‖²: every feature is
    /// at most m = max √weight in magnitude, so |x_c − u_c| < 2^(49+⌈log2 m⌉) over 9 columns.
    /// The matching service packs distances in slots of this width.
    public var distanceBits: Int {
        let sc = ((market.kproto.categoricalWeights["energy_type"] ?? 0) / 2).squareRoot()
        let m = max(1, (["price", "quantity", "green", "reputation"].map { w($0).squareRoot() } + [sc]).max()!)
        let e = m > 1 ? Int(m.exponent) + 1 : 0   // ≥ ⌈log2 m⌉
        return 5 + 2 * (49 + e)
    }

    /// A non-negative `Double` as its IEEE-754 bit pattern: order-preserving, so the key
    /// holder's min/max over the integers is the min/max of the values, and exact.
    static func fraction(_ v: Double) -> Int64 { Int64(bitPattern: max(0, v).bitPattern) }
    static func unfraction(_ i: Int64) -> Double { Double(bitPattern: UInt64(bitPattern: i)) }

    public static func rangeAttributes(_ b: Bid) -> [Int64] {
        [b.price, b.quantity, fraction(KProtoFeatures.greenIndex(b)), fraction(b.reputation)]
    }
    public static func rangeAttributes(_ o: Offer) -> [Int64] {
        [o.price, o.quantity, fraction(o.energyType.isClean ? 1 : 0), fraction(o.reputation)]
    }

    struct Scales { var price, qty, green, rep: MinMaxScale }
    static func scales(_ lo: [Int64], _ hi: [Int64]) throws -> Scales {
        guard lo.count == RangeColumn.allCases.count, hi.count == lo.count else { throw PrivacyError.malformedEncoding("scales carry \(lo.count) columns") }
        func s(_ c: RangeColumn) -> MinMaxScale { MinMaxScale(lo: Double(lo[c.rawValue]), hi: Double(hi[c.rawValue])) }
        func f(_ c: RangeColumn) -> MinMaxScale { MinMaxScale(lo: unfraction(lo[c.rawValue]), hi: unfraction(hi[c.rawValue])) }
        return Scales(price: s(.price), qty: s(.quantity), green: f(.green), rep: f(.reputation))
    }

    /// The buyer's fixed-point row for the public scales.
    public func buyerFeatures(_ b: Bid, lo: [Int64], hi: [Int64]) throws -> [Int64] {
        let s = try Self.scales(lo, hi)
        var row = [w("price").squareRoot() * s.price.scale(Double(b.price)),
                   w("quantity").squareRoot() * s.qty.scale(Double(b.quantity)),
                   w("green").squareRoot() * s.green.scale(KProtoFeatures.greenIndex(b)),
                   w("reputation").squareRoot() * s.rep.scale(b.reputation)]
        let sc = ((market.kproto.categoricalWeights["energy_type"] ?? 0) / 2).squareRoot()
        row += Self.typeColumns.map { $0 == b.energyType ? sc : 0 }
        return try row.map(FixedPointFeature.encode)
    }

    /// The seller's fixed-point row for the public scales (its full offered quantity).
    public func sellerFeatures(_ o: Offer, lo: [Int64], hi: [Int64]) throws -> [Int64] {
        let s = try Self.scales(lo, hi)
        var row = [w("price").squareRoot() * s.price.scale(Double(o.price)),
                   w("quantity").squareRoot() * s.qty.scale(Double(o.quantity)),
                   w("green").squareRoot() * s.green.scale(o.energyType.isClean ? 1 : 0),
                   w("reputation").squareRoot() * s.rep.scale(o.reputation)]
        let sc = ((market.kproto.categoricalWeights["energy_type"] ?? 0) / 2).squareRoot()
        row += Self.typeColumns.map { $0 == o.energyType ? sc : 0 }
        return try row.map(FixedPointFeature.encode)
    }

    // MARK: routing data (public): location, and for buyers the loss limit

    public static func routing(_ location: Location, maxLossPct: Double?) -> [UInt8] {
        var w = MarketWriter()
        switch location {
        case .coordinates(let lat, let lon): w.u8(1); w.f64(lat); w.f64(lon)
        case .node(let n): w.u8(2); w.text(n)
        }
        w.bool(maxLossPct != nil); if let m = maxLossPct { w.f64(m) }
        return w.bytes
    }

    static func decodeRouting(_ b: [UInt8]) throws -> (Location, Double?) {
        var r = MarketReader(b)
        let loc: Location
        switch try r.u8() {
        case 1: loc = .coordinates(lat: try r.f64(), lon: try r.f64())
        case 2: loc = .node(try r.text(max: 64))
        default: throw PrivacyError.malformedEncoding("routing location")
        }
        let m = try r.bool() ? try r.f64() : nil
        try r.finish()
        return (loc, m)
    }

    /// Loss terms [buyer][seller] (nil: unreachable or beyond the buyer's loss limit), the
    /// plaintext mechanism's `lossTerm` and filter on the same public data.
    public func pairTerms(buyers: [[UInt8]], sellers: [[UInt8]]) throws -> [[Double?]] {
        let model = LossModel(market: market, grid: grid)
        let bs = try buyers.map(Self.decodeRouting), ss = try sellers.map(Self.decodeRouting)
        var loss = [[Double]]()
        for b in bs {
            loss.append(ss.map { s in let p = model.pair(from: s.0, to: b.0); return p.reachable ? p.lossPct : .infinity })
        }
        // Expected loss 0 for every buyer (amended SPEC §3.2, `KProtoFeatures.expectedLoss`);
        // the buyer's limit is the filter below, not a target.
        let expected = bs.map { _ in 0.0 }
        let lossS = MinMaxScale(over: expected + loss.flatMap { $0 })
        let lw = w("loss")
        return bs.indices.map { j in
            let limit = bs[j].1 ?? market.maxLossPct
            let e = lossS.scale(expected[j])
            return loss[j].map { l in
                guard l.isFinite, l <= limit else { return nil }
                let d = e - lossS.scale(l)
                return lw * d * d
            }
        }
    }
}
