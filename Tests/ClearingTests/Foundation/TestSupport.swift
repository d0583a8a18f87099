@testable import Clearing

/// Builds CycleFiles from strings, for parser tests.
func files(offers: String, bids: String, market: String? = nil, cycleMarket: String? = nil, grid: String? = nil,
           cycle: String = "20261120T1000Z") -> CycleFiles {
    var f = CycleFiles(cycleID: cycle, offersCSV: Array(offers.utf8), bidsCSV: Array(bids.utf8),
                       marketJSON: market.map { Array($0.utf8) }, cycleMarketJSON: cycleMarket.map { Array($0.utf8) },
                       gridJSON: grid.map { Array($0.utf8) })
    f.offersName = "offers.csv"; f.bidsName = "bids.csv"; f.marketName = "market.json"; f.gridName = "grid.json"
    return f
}

let okOffers = """
offer_id,seller_id,price,quantity_kwh,energy_type,lat,lon,reputation,preferences
O1,S1,0.5000,100,solar,39.9,116.4,80,price:0.5;demand:0.3;loss:0.2
O2,S2,0.6,150.5,wind,39.95,116.4,90,
"""
let okBids = """
bid_id,buyer_id,price,quantity_kwh,lat,lon,reputation,preferences
B1,P1,0.8,100,39.9,116.4,80,price:0.5;loss:0.3;green:0.2
B2,P2,0.7,150.001,39.95,116.4,75,
"""

/// The error a parse throws, or nil.
func parseError(_ f: CycleFiles) -> InputError? {
    do { _ = try CycleParser.parse(f); return nil } catch let e as InputError { return e } catch { return nil }
}

