import GridClearCore
import GridClearSystem

/// One published cycle as the results page shows it (from `<out>/<cycle>/summary.json` and
/// `rejected.json`, which are written only after the cycle's ledger entry is durable).
public struct CycleResultRow: Sendable, Equatable {
    public var cycle: CycleID
    public var mechanism: String
    public var bids: Int
    public var offers: Int
    public var trades: Int
    public var matchedKWh: Double
    public var gridImportKWh: Double
    public var gridExportKWh: Double
    public var rejectedKWh: Double
    /// 0…1.
    public var cleanShare: Double
    /// Average price of energy traded between participants (CNY/kWh): the clearing price.
    public var priceCNYPerKWh: Double
    public var paidCNY: Double
    public var meanBuyerSatisfaction: Double?
    public var meanSellerSatisfaction: Double?
    /// Participant files rejected at intake (nil: single-file form).
    public var rejectedFiles: Int?
    /// True when `gridclear compare` wrote `compare.svg` for the cycle.
    public var hasComparison = false

    public init(cycle: CycleID, mechanism: String, bids: Int, offers: Int, trades: Int, matchedKWh: Double, gridImportKWh: Double,
                gridExportKWh: Double, rejectedKWh: Double, cleanShare: Double, priceCNYPerKWh: Double, paidCNY: Double,
                meanBuyerSatisfaction: Double?, meanSellerSatisfaction: Double?, rejectedFiles: Int?) {
        self.cycle = cycle; self.mechanism = mechanism; self.bids = bids; self.offers = offers; self.trades = trades
        self.matchedKWh = matchedKWh; self.gridImportKWh = gridImportKWh; self.gridExportKWh = gridExportKWh
        self.rejectedKWh = rejectedKWh; self.cleanShare = cleanShare; self.priceCNYPerKWh = priceCNYPerKWh; self.paidCNY = paidCNY
        self.meanBuyerSatisfaction = meanBuyerSatisfaction; self.meanSellerSatisfaction = meanSellerSatisfaction
        self.rejectedFiles = rejectedFiles
    }
}

/// Reads the published cycles of an output root. Read-only, bounded: at most `limit` newest
/// cycle folders are read (summary files of at most 1 MiB each); a folder whose summary is
/// missing (not yet published) or does not parse is left out, never an error of the page.
public enum ResultsHistory {
    public static let comparisonFile = "compare.svg"

    /// `<out>/<cycle>/compare.svg` (bounded), for `/compare/<cycle>.svg`; nil when absent.
    public static func comparisonSVG(outputRoot: String, cycle: CycleID) -> [UInt8]? {
        try? FileSystem.read(FileSystem.join(FileSystem.join(outputRoot, cycle.description), comparisonFile), maxBytes: 8 << 20)
    }

    public static func load(outputRoot: String, limit: Int = 96 * 2) -> [CycleResultRow] {
        guard let names = try? FileSystem.list(outputRoot) else { return [] }
        let ids = names.compactMap(CycleID.init).sorted().suffix(limit)
        return ids.compactMap { id in
            let dir = FileSystem.join(outputRoot, id.description)
            guard let bytes = try? FileSystem.read(FileSystem.join(dir, "summary.json"), maxBytes: 1 << 20),
                  let json = try? JSONReader.parse(bytes) else { return nil }
            var rejected: Int?
            if let r = try? FileSystem.read(FileSystem.join(dir, "rejected.json"), maxBytes: 4 << 20), let j = try? JSONReader.parse(r) {
                rejected = j["rejected"]?.array?.count
            }
            var r = row(id, json, rejectedFiles: rejected)
            r?.hasComparison = FileSystem.exists(FileSystem.join(dir, ResultsHistory.comparisonFile))
            return r
        }
    }

    static func row(_ id: CycleID, _ j: JSONReader.Value, rejectedFiles: Int?) -> CycleResultRow? {
        func d(_ k: String) -> Double? { if case .number(let n)? = j[k] { return Double(n) }; return nil }
        func i(_ k: String) -> Int { j[k]?.int64.map { Int($0) } ?? 0 }
        guard let matched = d("matched_kwh") else { return nil }
        return CycleResultRow(cycle: id, mechanism: j["mechanism"]?.string ?? "?", bids: i("bids"), offers: i("offers"), trades: i("matches"),
                              matchedKWh: matched, gridImportKWh: d("grid_kwh") ?? 0, gridExportKWh: d("grid_sold_kwh") ?? 0,
                              rejectedKWh: d("rejected_kwh") ?? 0, cleanShare: d("clean_share") ?? 0, priceCNYPerKWh: d("apet") ?? 0,
                              paidCNY: d("paid_cny") ?? 0, meanBuyerSatisfaction: d("mean_buyer_satisfaction"),
                              meanSellerSatisfaction: d("mean_seller_satisfaction"), rejectedFiles: rejectedFiles)
    }
}
