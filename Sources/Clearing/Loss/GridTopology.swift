import GridClearCore

/// The optional `grid.json` (SPEC §3.6): nodes (sellers, buyers and energy routers with a
/// conversion loss) and directed lines with lengths. Path loss = Σ length × loss rate +
/// Σ conversion losses of routers passed (not counting the endpoints).
public struct GridTopology: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var id: String
        /// `seller`, `buyer` or `router`.
        public var kind: String
        /// Conversion loss in percent applied when a path passes through this router.
        public var conversionLossPct: Double
        public init(id: String, kind: String, conversionLossPct: Double = 0) {
            self.id = id; self.kind = kind; self.conversionLossPct = conversionLossPct
        }
    }
    public struct Line: Sendable, Hashable {
        public var from: String
        public var to: String
        public var lengthKm: Double
        /// Loss per km in percent for this line; nil = market's `loss_pct_per_km`.
        public var lossPctPerKm: Double?
        /// Network fee per kWh for energy carried over this line (`network_fee`, ticks; 0 = none).
        public var networkFee: PriceTicks
        public init(from: String, to: String, lengthKm: Double, lossPctPerKm: Double? = nil, networkFee: PriceTicks = 0) {
            self.from = from; self.to = to; self.lengthKm = lengthKm; self.lossPctPerKm = lossPctPerKm; self.networkFee = networkFee
        }
    }
    public var nodes: [Node]
    public var lines: [Line]
    public init(nodes: [Node], lines: [Line]) { self.nodes = nodes; self.lines = lines }
}
