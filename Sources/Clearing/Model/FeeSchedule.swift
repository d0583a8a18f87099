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
