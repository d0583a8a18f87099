import GridClearCore

/// Reading `trades.csv` for settlement and writing the settlement outputs as canonical files:
/// `settlement.csv` (one row per accepted trade), `grid.csv` (grid imbalance per participant and
/// role) and `reputation.json` (the changes, canonical JSON). Same inputs → identical bytes.
public enum SettlementFiles {
    /// Parses the trades of a cycle (`trades.csv`, SPEC §2); energy and price exactly.
    public static func parseTrades(_ bytes: [UInt8], file: String) throws -> [Trade] {
        let recs = try CSVReader.read(bytes, file: file)
        guard let header = recs.first else { throw InputError(file: file, line: 1, column: 1, "empty file: expected a header row") }
        let need = ["bid_id", "offer_id", "buyer_id", "seller_id", "energy_kwh", "price", "status"]
        var col: [String: Int] = [:]
        for (i, h) in header.fields.enumerated() { col[h.trimmingSpaces] = i }
        for n in need where col[n] == nil { throw InputError(file: file, line: header.line, column: 1, "missing column '\(n)'") }
        var out: [Trade] = []
        for r in recs.dropFirst() {
            func f(_ n: String) throws -> String {
                let i = col[n]!
                guard i < r.fields.count else { throw InputError(file: file, line: r.line, column: i + 1, field: n, "missing field") }
                return r.fields[i]
            }
            func dec(_ n: String, _ d: Int) throws -> Int64 {
                switch ExactDecimal.parse(try f(n), decimals: d) {
                case .success(let v) where v >= 0: return v
                case .success: throw InputError(file: file, line: r.line, column: col[n]! + 1, field: n, "must not be negative")
                case .failure: throw InputError(file: file, line: r.line, column: col[n]! + 1, field: n, "expected a decimal with at most \(d) decimals")
                }
            }
            guard let status = TradeStatus(rawValue: try f("status")) else {
                throw InputError(file: file, line: r.line, column: col["status"]! + 1, field: "status", "expected accepted, rejected or grid")
            }
            out.append(Trade(bidID: try f("bid_id"), offerID: try f("offer_id"), buyerID: try f("buyer_id"), sellerID: try f("seller_id"),
                             energy: try dec("energy_kwh", 3), price: try dec("price", 4), status: status))
        }
        return out
    }

    public static let settlementHeader = "bid_id,offer_id,buyer_id,seller_id,matched_kwh,seller_actual_kwh,buyer_actual_kwh,deviation_pct,settled_kwh,price,amount_cny,outcome,at_fault"
    public static let gridHeader = "participant_id,role,metered_kwh,settled_kwh,imbalance_kwh,price,grid_amount_cny"

    /// `settlement.csv`: deviation in percent with 2 decimals (truncated basis points); amounts
    /// exact to 1e-7 CNY; missing values empty; `at_fault` ids joined by `;`.
    public static func settlementCSV(_ rows: [SettledTrade]) -> [UInt8] {
        let csv = CanonicalText.csvField
        var s = settlementHeader + "\n"
        for r in rows {
            s += [csv(r.bidID), csv(r.offerID), csv(r.buyerID), csv(r.sellerID), Units.kWhString(r.matched),
                  r.sellerActual.map(Units.kWhString) ?? "", r.buyerActual.map(Units.kWhString) ?? "",
                  r.deviationBP.map { Units.fixed($0, decimals: 2) } ?? "", Units.kWhString(r.settled),
                  Units.priceString(r.price), Units.moneyString(r.amount), r.outcome.rawValue,
                  csv(r.atFault.joined(separator: ";"))].joined(separator: ",") + "\n"
        }
        return Array(s.utf8)
    }

    /// `grid.csv`: positive `grid_amount_cny` is paid by the participant to the grid.
    public static func gridCSV(_ rows: [GridImbalance]) -> [UInt8] {
        var s = gridHeader + "\n"
        for g in rows {
            s += [CanonicalText.csvField(g.participant), g.role.rawValue, Units.kWhString(g.metered), Units.kWhString(g.settled),
                  Units.kWhString(g.imbalance), Units.priceString(g.price), Units.moneyString(g.amount)].joined(separator: ",") + "\n"
        }
        return Array(s.utf8)
    }

    /// `reputation.json`: canonical JSON (sorted keys, no spaces, final newline), e.g.
    /// `{"changes":[{"after":61,"before":60,"participant":"B1","reason":"trade completed"}],"complete":true,"cycle":"…","missing":[],"version":1}`.
    public static func reputationJSON(cycle: String, changes: [ReputationChange], complete: Bool, missing: [String]) -> [UInt8] {
        let items = changes.map {
            "{\"after\":\($0.after),\"before\":\($0.before),\"participant\":\(CanonicalText.jsonString($0.participant)),\"reason\":\(CanonicalText.jsonString($0.reason))}"
        }
        let s = "{\"changes\":[\(items.joined(separator: ","))],\"complete\":\(complete),\"cycle\":\(CanonicalText.jsonString(cycle)),\"missing\":[\(missing.map(CanonicalText.jsonString).joined(separator: ","))],\"version\":1}\n"
        return Array(s.utf8)
    }
}
