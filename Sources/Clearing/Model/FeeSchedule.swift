import GridClearCore

/// Grid fees and levies on local trades (`fees` in `market.json`).
///
/// Per accepted buyer–seller trade: network fee = energy × the pair's network fee per kWh
/// (by distance band, or summed over the `network_fee` of the `grid.json` lines on the pair's
/// least-loss path), levies = energy × Σ per-kWh levies. Both are exact money units (Wh × ticks)
/// computed with checked arithmetic. The payer carries the total; `split` gives the seller
/// ⌊total/2⌋ and the buyer the rest (the odd unit goes to the buyer). Grid rows and rejected
/// rows carry no fees (the grid's prices already include its own). Without `fees` nothing
/// changes: `trades.csv` and `summary.json` have no fee columns or totals.
public struct FeeSchedule: Sendable, Hashable {
    public enum Payer: String, Sendable, Hashable, CaseIterable { case buyer, seller, split }

    /// A distance band: pairs up to `upToKm` (inclusive; nil = unbounded) pay `fee` per kWh.
    public struct Band: Sendable, Hashable {
        public var upToKm: Double?
        public var fee: PriceTicks
        public init(upToKm: Double?, fee: PriceTicks) { self.upToKm = upToKm; self.fee = fee }
    }

    /// How the per-kWh network fee of a pair is found.
    public enum Network: Sendable, Hashable {
        case none
        /// Bands in increasing `upToKm`; a distance beyond the last band pays the last band's fee.
        case distanceBands([Band])
        /// Σ `network_fee` of the `grid.json` lines on the pair's least-loss path.
        case gridPath
    }

    /// A fixed levy per kWh, e.g. a renewable surcharge.
    public struct Levy: Sendable, Hashable {
        public var name: String
        public var perKWh: PriceTicks
        public init(name: String, perKWh: PriceTicks) { self.name = name; self.perKWh = perKWh }
    }

    public var network: Network
    public var levies: [Levy]
    public var payer: Payer
    public init(network: Network = .none, levies: [Levy] = [], payer: Payer = .buyer) {
        self.network = network; self.levies = levies; self.payer = payer
    }

    /// Σ levies per kWh.
    public var levyPerKWh: PriceTicks { levies.reduce(0) { $0 + $1.perKWh } }

    /// The banded fee for a distance.
    func bandFee(_ bands: [Band], distanceKm: Double) -> PriceTicks {
        for b in bands { if let u = b.upToKm { if distanceKm <= u { return b.fee } } else { return b.fee } }
        return bands.last?.fee ?? 0
    }
}

/// The fees of one trade row, in money units (1e-7 CNY). `buyer + seller == network + levy`.
public struct TradeFees: Sendable, Hashable {
    public var network: MoneyUnits
    public var levy: MoneyUnits
    public var buyer: MoneyUnits
    public var seller: MoneyUnits
    public static let zero = TradeFees(network: 0, levy: 0, buyer: 0, seller: 0)
    public init(network: MoneyUnits, levy: MoneyUnits, buyer: MoneyUnits, seller: MoneyUnits) {
        self.network = network; self.levy = levy; self.buyer = buyer; self.seller = seller
    }
}

extension FeeSchedule {
    /// Attaches `TradeFees` to every row of `result` (zero on grid and rejected rows).
    /// (`CycleParser` refuses a by-path network fee without `grid.json`.)
    /// - Throws: `ClearingInvariantError` on an overflow (cannot happen within `InputBounds`).
    static func apply(_ result: ClearingResult, inputs: CycleInputs) throws -> ClearingResult {
        guard let fees = inputs.market.fees else { return result }
        let loss = LossModel(market: inputs.market, grid: inputs.grid)
        let bids = Dictionary(inputs.bids.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let offers = Dictionary(inputs.offers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var out = result
        out.feesApplied = true
        for k in out.trades.indices {
            let t = out.trades[k]
            guard t.status == .accepted, let b = bids[t.bidID], let o = offers[t.offerID] else { out.trades[k].fees = .zero; continue }
            let perKWh: PriceTicks
            switch fees.network {
            case .none: perKWh = 0
            case .distanceBands(let bands): perKWh = fees.bandFee(bands, distanceKm: t.distanceKm)
            case .gridPath: perKWh = loss.pair(b, o).networkFee
            }
            let (n, o1) = t.energy.multipliedReportingOverflow(by: perKWh)
            let (l, o2) = t.energy.multipliedReportingOverflow(by: fees.levyPerKWh)
            let (total, o3) = n.addingReportingOverflow(l)
            guard !o1, !o2, !o3 else { throw ClearingInvariantError("fees of \(t.bidID)/\(t.offerID) overflow") }
            let buyer: MoneyUnits, seller: MoneyUnits
            switch fees.payer {
            case .buyer: (buyer, seller) = (total, 0)
            case .seller: (buyer, seller) = (0, total)
            case .split: (buyer, seller) = (total - total / 2, total / 2)
            }
            out.trades[k].fees = TradeFees(network: n, levy: l, buyer: buyer, seller: seller)
        }
        return out
    }
}
