import GridClearCore

// libFuzzer entry point for the cycle input parsers: RFC 4180 CSV, the JSON parser, and the
// whole cycle (offers.csv, bids.csv, market.json, grid.json) through `CycleParser.parse`
// (Sources/Clearing/Input, compiled directly with swiftc; see build.sh).
//
// The input is split at 0xFF bytes (never valid UTF-8) into offers, bids, market.json and
// grid.json. Properties checked on every input:
// - no parser traps (bounds, overflow, recursion, allocation);
// - a rejection is one `InputError` whose description is one line without control characters
//   and of bounded length, naming the file;
// - an accepted cycle holds only SPEC §2 identifiers and values within `InputBounds`, each
//   side's total within `maxSideTotalWh`, and every id is written to CSV unquoted (no id can
//   carry a delimiter into an output or a ledger record).

@_cdecl("LLVMFuzzerTestOneInput")
public func cycleParserFuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    let parts = bytes.split(separator: 0xFF, maxSplits: 3, omittingEmptySubsequences: false).map(Array.init)
    var files = CycleFiles(cycleID: "20261120T1000Z", offersCSV: parts.first ?? [], bidsCSV: parts.count > 1 ? parts[1] : [])
    if parts.count > 2 { files.marketJSON = parts[2] }
    if parts.count > 3 { files.gridJSON = parts[3] }
    // The standalone readers too: whatever they accept or reject, they never trap.
    _ = try? CSVReader.read(files.offersCSV, file: "offers.csv", maxRecords: InputBounds.maxRowsPerSide + 1)
    if let m = files.marketJSON { _ = try? JSONInput.parse(m, file: "market.json") }
    do {
        let c = try CycleParser.parse(files)
        for o in c.offers {
            precondition(InputBounds.identifierProblem(o.id, what: "id") == nil && InputBounds.identifierProblem(o.sellerID, what: "id") == nil)
            precondition((1...InputBounds.maxQuantityWh).contains(o.quantity) && (1...InputBounds.maxPriceTicks).contains(o.price))
            precondition(CanonicalText.csvField(o.id) == o.id)
        }
        for b in c.bids {
            precondition(InputBounds.identifierProblem(b.id, what: "id") == nil && InputBounds.identifierProblem(b.buyerID, what: "id") == nil)
            precondition((1...InputBounds.maxQuantityWh).contains(b.quantity) && (1...InputBounds.maxPriceTicks).contains(b.price))
        }
        precondition(c.offers.reduce(0) { $0 + $1.quantity } <= InputBounds.maxSideTotalWh)
        precondition(c.bids.reduce(0) { $0 + $1.quantity } <= InputBounds.maxSideTotalWh)
        precondition(c.market.gridBuyPrice <= InputBounds.maxPriceTicks && c.market.gridSellPrice <= InputBounds.maxPriceTicks)
    } catch let e as InputError {
        let line = e.description
        precondition(!line.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }, "control character in \(line)")
        precondition(line.utf8.count < 1_024, "error line of \(line.utf8.count) bytes")
        precondition(line.hasPrefix("offers.csv") || line.hasPrefix("bids.csv") || line.hasPrefix("market.json") || line.hasPrefix("grid.json"),
                     "error does not name the file: \(line)")
    } catch {
        preconditionFailure("not an InputError: \(error)")
    }
    return 0
}
