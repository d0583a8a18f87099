/// The raw bytes a cycle is cleared from. Recording these (e.g. in the ledger)
/// is enough to re-clear the cycle byte-identically later.
public struct CycleFiles: Sendable, Hashable {
    /// Cycle id, the folder name (UTC start, ISO 8601 basic, e.g. `20261120T1000Z`).
    public var cycleID: String
    public var offersCSV: [UInt8]
    public var bidsCSV: [UInt8]
    /// Market-wide `market.json` (nil = all defaults).
    public var marketJSON: [UInt8]?
    /// Per-cycle `market.json` overrides.
    public var cycleMarketJSON: [UInt8]?
    /// Optional `grid.json`.
    public var gridJSON: [UInt8]?
    /// Participants' reputation from the ledger (`ReputationSnapshot`'s canonical file), when
    /// the cycle is cleared against a ledger; nil = the `reputation` columns of the CSV files.
    public var reputationJSON: [UInt8]?
    /// Display names of the files, for error messages (e.g. `Inputs/20261120T1000Z/offers.csv`).
    public var offersName = "offers.csv"
    public var bidsName = "bids.csv"
    public var marketName = "market.json"
    public var cycleMarketName = "market.json"
    public var gridName = "grid.json"
    public var reputationName = "reputation.json"

    public init(cycleID: String, offersCSV: [UInt8], bidsCSV: [UInt8], marketJSON: [UInt8]? = nil,
                cycleMarketJSON: [UInt8]? = nil, gridJSON: [UInt8]? = nil) {
        self.cycleID = cycleID; self.offersCSV = offersCSV; self.bidsCSV = bidsCSV
        self.marketJSON = marketJSON; self.cycleMarketJSON = cycleMarketJSON; self.gridJSON = gridJSON
    }
}

/// How to clear: mechanism (nil = the market's default), CMAP solver path, seed.
public struct ClearOptions: Sendable, Hashable {
    public var mechanism: String?
    /// CMAP solver path: `network` (GridClear's exact network simplex), `simplex` (GLPK), or
    /// `auto` (default) = network with fallback to simplex. Retired names (`relax4`, `okalg`,
    /// `glpk-relax4`) read as `auto`.
    public var solver: String
    public var seed: UInt64
    public init(mechanism: String? = nil, solver: String = "auto", seed: UInt64 = 0) {
        self.mechanism = mechanism; self.solver = solver; self.seed = seed
    }
}

/// A cleared cycle: the decision and its canonical renderings.
public struct ClearedCycle: Sendable {
    public var cycleID: String
    public var inputs: CycleInputs
    public var result: ClearingResult
    /// `trades.csv` bytes (canonical; identical on every machine for the same inputs and seed).
    public var tradesCSV: [UInt8]
    /// `summary.json` bytes including solve timings (for people; not canonical).
    public var summaryJSON: [UInt8]
    /// `summary.json` without timing fields: canonical, for the ledger and replay.
    public var canonicalSummaryJSON: [UInt8]
}
