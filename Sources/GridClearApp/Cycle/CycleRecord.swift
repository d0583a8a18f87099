import Clearing
import LedgerLite

/// The mapping between a cleared cycle and its ledger entry, both ways. Pure.
///
/// Guarantees: `files(of: entry(cleared, files, options))` gives back the same input bytes
/// and options, so a replica or an auditor can re-clear a recorded cycle from the ledger
/// alone (`ReplayService`); input names are fixed (`offers.csv`, `bids.csv`, `market.json`,
/// `cycle-market.json`, `grid.json`, and `reputation.json`: the ledger's reputation the cycle was
/// cleared with, when cleared against a ledger), so the ledger format does not depend on folder layout.
public enum CycleRecord {
    /// The ledger entry for a cleared cycle: raw inputs, mechanism and parameters, canonical outputs.
    /// - Throws: `TradeTable.Failure` if `trades.csv` is not canonical (a renderer bug).
    public static func entry(_ cleared: ClearedCycle, files: CycleFiles, options: ClearOptions) throws -> ClearedCycleEntry {
        try ClearedCycleEntry(cycleID: cleared.cycleID, mechanism: cleared.result.mechanism,
                          solver: cleared.result.rounds.first?.solver ?? options.solver,
                          seed: options.seed, inputs: inputs(files), tradesCSV: cleared.tradesCSV,
                          summaryJSON: cleared.canonicalSummaryJSON)
    }

    /// The raw input files of a cycle under their recorded names, sorted by name.
    public static func inputs(_ files: CycleFiles) -> [InputFile] {
        var inputs = [InputFile(name: "offers.csv", bytes: files.offersCSV), InputFile(name: "bids.csv", bytes: files.bidsCSV)]
        if let m = files.marketJSON { inputs.append(InputFile(name: "market.json", bytes: m)) }
        if let m = files.cycleMarketJSON { inputs.append(InputFile(name: "cycle-market.json", bytes: m)) }
        if let g = files.gridJSON { inputs.append(InputFile(name: "grid.json", bytes: g)) }
        if let r = files.reputationJSON { inputs.append(InputFile(name: "reputation.json", bytes: r)) }
        return inputs.sorted { $0.name < $1.name }
    }

    /// The files and options recorded in a cycle entry (for replay and re-execution).
    public static func files(of e: ClearedCycleEntry) -> (files: CycleFiles, options: ClearOptions) {
        func file(_ n: String) -> [UInt8]? { e.inputs.first { $0.name == n }?.bytes }
        var f = CycleFiles(cycleID: e.cycleID, offersCSV: file("offers.csv") ?? [], bidsCSV: file("bids.csv") ?? [],
                           marketJSON: file("market.json"), cycleMarketJSON: file("cycle-market.json"), gridJSON: file("grid.json"))
        f.offersName = "ledger:\(e.cycleID)/offers.csv"; f.bidsName = "ledger:\(e.cycleID)/bids.csv"
        f.marketName = "ledger:\(e.cycleID)/market.json"; f.cycleMarketName = "ledger:\(e.cycleID)/cycle-market.json"
        f.gridName = "ledger:\(e.cycleID)/grid.json"
        f.reputationJSON = file("reputation.json"); f.reputationName = "ledger:\(e.cycleID)/reputation.json"
        return (f, ClearOptions(mechanism: e.mechanism, solver: e.solver, seed: e.seed))
    }

    /// The first input file whose bytes differ between the recorded entry and `files`, named
    /// for people ("offers.csv differs", "grid.json is new"), or nil when the inputs are equal.
    public static func firstDifference(recorded e: ClearedCycleEntry, files: CycleFiles) -> String? {
        let now = inputs(files)
        let names = Set(e.inputs.map(\.name)).union(now.map(\.name)).sorted()
        for n in names {
            let a = e.inputs.first { $0.name == n }?.bytes, b = now.first { $0.name == n }?.bytes
            switch (a, b) {
            case (nil, .some): return "\(n) is new"
            case (.some, nil): return "\(n) is gone"
            case let (x?, y?) where x != y: return "\(n) differs"
            default: continue
            }
        }
        return nil
    }
}
