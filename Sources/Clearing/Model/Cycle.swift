import GridClearCore

/// Everything one cycle is cleared from, already validated: the cycle id
/// (UTC start, ISO 8601 basic, e.g. `20261120T1000Z`), the effective market
/// configuration, offers and bids in file order, and the optional grid topology.
public struct CycleInputs: Sendable {
    public var cycleID: String
    public var market: MarketConfig
    public var offers: [Offer]
    public var bids: [Bid]
    public var grid: GridTopology?
    /// Notices about the inputs that did not stop the clearing (e.g. a `reputation` column
    /// that differs from the ledger's and was ignored), for the caller to show.
    public var warnings: [String] = []

    public init(cycleID: String, market: MarketConfig, offers: [Offer], bids: [Bid], grid: GridTopology? = nil) {
        self.cycleID = cycleID; self.market = market; self.offers = offers; self.bids = bids; self.grid = grid
    }

    /// Offers in arrival order (submitted_at, then file order).
    public var offersByArrival: [Offer] { offers.sorted { $0.arrival < $1.arrival } }
    /// Bids in arrival order (submitted_at, then file order).
    public var bidsByArrival: [Bid] { bids.sorted { $0.arrival < $1.arrival } }
}

/// Outcome of one trade line of `trades.csv`.
public enum TradeStatus: String, Sendable, Hashable {
    /// Matched between a buyer and a seller of the cycle.
    case accepted
    /// A pair the solver proposed that one party rejected, listed with its proposed energy and
    /// price for transparency; it carries no money (`amount` 0) and is never settled.
    case rejected
    /// Bought from or sold to the upstream grid (`offer_id`/`seller_id` or `bid_id`/`buyer_id` = `grid`).
    case grid
}

/// One row of `trades.csv`. Energy in Wh, price in ticks, amount = energy × price exactly.
public struct Trade: Sendable, Hashable {
    public static let gridID = "grid"
    public var bidID: String
    public var offerID: String
    public var buyerID: String
    public var sellerID: String
    public var energy: Wh
    public var price: PriceTicks
    public var lossPct: Double
    public var distanceKm: Double
    /// Normalised satisfaction a'_ij / b'_ij where the mechanism defines one.
    public var buyerSatisfaction: Double?
    public var sellerSatisfaction: Double?
    public var status: TradeStatus
    /// Grid fees and levies of the row when the market sets `fees` (nil otherwise).
    public var fees: TradeFees?

    /// Money the row moves: energy × price exactly, and 0 for a `rejected` proposal
    /// (SPEC §2: a rejected row carries no money, so summing `amount_cny` over trades.csv
    /// equals summary.json's `total_amount_cny`).
    public var amount: MoneyUnits { status == .rejected ? 0 : energy * price }

    public init(bidID: String, offerID: String, buyerID: String, sellerID: String, energy: Wh, price: PriceTicks,
                lossPct: Double = 0, distanceKm: Double = 0, buyerSatisfaction: Double? = nil,
                sellerSatisfaction: Double? = nil, status: TradeStatus) {
        self.bidID = bidID; self.offerID = offerID; self.buyerID = buyerID; self.sellerID = sellerID
        self.energy = energy; self.price = price; self.lossPct = lossPct; self.distanceKm = distanceKm
        self.buyerSatisfaction = buyerSatisfaction; self.sellerSatisfaction = sellerSatisfaction; self.status = status
    }

    /// A purchase of `energy` by `bid` from the upstream grid at `price`.
    public static func fromGrid(_ bid: Bid, energy: Wh, price: PriceTicks) -> Trade {
        Trade(bidID: bid.id, offerID: gridID, buyerID: bid.buyerID, sellerID: gridID, energy: energy, price: price, status: .grid)
    }
    /// A sale of `energy` by `offer` to the upstream grid at `price`.
    public static func toGrid(_ offer: Offer, energy: Wh, price: PriceTicks) -> Trade {
        Trade(bidID: gridID, offerID: offer.id, buyerID: gridID, sellerID: offer.sellerID, energy: energy, price: price, status: .grid)
    }
}

/// Report of one CMAP round (SPEC §3.1): Z values with x in kWh.
public struct CMAPRoundReport: Sendable, Hashable {
    public var round: Int
    public var z1: Double, z2: Double
    public var z1Max: Double, z1Min: Double, z2Max: Double, z2Min: Double
    /// w1·μ(Z1) + w2·μ(Z2).
    public var objective: Double
    public var solver: String
    public var solveSeconds: Double
    public var matchedWh: Wh
    public var rejectedWh: Wh
    public var rejectedPairs: Int
    public init(round: Int, z1: Double, z2: Double, z1Max: Double, z1Min: Double, z2Max: Double, z2Min: Double,
                objective: Double, solver: String, solveSeconds: Double, matchedWh: Wh, rejectedWh: Wh, rejectedPairs: Int) {
        self.round = round; self.z1 = z1; self.z2 = z2; self.z1Max = z1Max; self.z1Min = z1Min
        self.z2Max = z2Max; self.z2Min = z2Min; self.objective = objective; self.solver = solver
        self.solveSeconds = solveSeconds; self.matchedWh = matchedWh; self.rejectedWh = rejectedWh; self.rejectedPairs = rejectedPairs
    }
}

/// What a mechanism decided for one cycle. Deterministic: the same inputs and
/// seed give the same trades in the same order on every machine.
public struct ClearingResult: Sendable {
    public var mechanism: String
    /// Trades in canonical order: accepted/rejected first by (bid arrival, offer arrival), then grid purchases, then grid sales.
    public var trades: [Trade]
    /// CMAP only: one report per round.
    public var rounds: [CMAPRoundReport]
    /// Mechanism-specific extra values for summary.json (e.g. the uniform clearing price).
    public var extra: [String: String]
    /// True when the market sets `fees`: every trade carries `fees`, and `trades.csv` and
    /// `summary.json` show them (fee columns appear only then, so older outputs keep their bytes).
    public var feesApplied = false
    public init(mechanism: String, trades: [Trade], rounds: [CMAPRoundReport] = [], extra: [String: String] = [:]) {
        self.mechanism = mechanism; self.trades = trades; self.rounds = rounds; self.extra = extra
    }
}

/// Injected time and randomness for mechanisms: library code never reads the
/// clock or global randomness directly (SPEC, module map note).
public struct ClearingContext: Sendable {
    /// Monotonic clock in nanoseconds (for solve-time reporting only; never affects decisions).
    public var monotonicNanos: @Sendable () -> UInt64
    /// Seed for any randomised step; every mechanism must be deterministic given it.
    public var seed: UInt64
    /// Receives progress and fallback notices (`ClearingEvent`) while a mechanism works; the
    /// caller decides what to show. Never affects decisions. May be called from any thread.
    public var events: @Sendable (ClearingEvent) -> Void
    public init(seed: UInt64 = 0, monotonicNanos: @escaping @Sendable () -> UInt64 = { 0 },
                events: @escaping @Sendable (ClearingEvent) -> Void = { _ in }) {
        self.seed = seed; self.monotonicNanos = monotonicNanos; self.events = events
    }
}

/// A clearing mechanism: a pure function from validated cycle inputs to a result.
public protocol ClearingMechanism {
    /// Name as used on the command line (`cmap`, `kproto`, `cda`, `uniform`).
    var name: String { get }
    func clear(_ inputs: CycleInputs, context: ClearingContext) throws -> ClearingResult
}
