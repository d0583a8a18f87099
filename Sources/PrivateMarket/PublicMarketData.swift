import Clearing
import GridClearCore
import Privacy

/// The public market data a role process needs: market.json (with the cycle's overrides)
/// and grid.json — never the quotes.
struct PublicMarketData: Sendable {
    var marketJSON: [UInt8]?, cycleMarketJSON: [UInt8]?, gridJSON: [UInt8]?

    init(_ f: CycleFiles) { marketJSON = f.marketJSON; cycleMarketJSON = f.cycleMarketJSON; gridJSON = f.gridJSON }

    func write(to w: inout MarketWriter) {
        for b in [marketJSON, cycleMarketJSON, gridJSON] { w.bool(b != nil); if let b { w.blob(b) } }
    }
    static func read(from r: inout MarketReader) throws -> PublicMarketData {
        var d = PublicMarketData(CycleFiles(cycleID: "", offersCSV: [], bidsCSV: []))
        d.marketJSON = try r.bool() ? try r.blob(max: 1 << 24) : nil
        d.cycleMarketJSON = try r.bool() ? try r.blob(max: 1 << 24) : nil
        d.gridJSON = try r.bool() ? try r.blob(max: 1 << 26) : nil
        return d
    }

    func market() throws -> MarketConfig {
        var m = MarketConfig()
        if let j = marketJSON { m = try m.applying(json: j, file: "market.json") }
        if let j = cycleMarketJSON { m = try m.applying(json: j, file: "cycle market.json") }
        return m
    }
    func grid() throws -> GridTopology? { try gridJSON.map { try GridTopology.parse(json: $0, file: "grid.json") } }
}
