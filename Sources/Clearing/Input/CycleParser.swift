import GridClearCore

/// Parses and validates one cycle's files into `CycleInputs` (SPEC §2). All-or-nothing:
/// the first malformed value anywhere stops parsing with an `InputError` naming file,
/// line, column and what was expected, so a cycle with any invalid row is never cleared.
public enum CycleParser {
    static let offerColumns: Set<String> = ["offer_id", "seller_id", "price", "quantity_kwh", "energy_type", "lat", "lon",
                                            "node", "reputation", "preferences", "submitted_at"]
    static let bidColumns: Set<String> = ["bid_id", "buyer_id", "price", "quantity_kwh", "energy_type", "lat", "lon", "node",
                                          "reputation", "preferences", "submitted_at", "green_index", "max_loss_pct"]
    /// Default criteria when a row's `preferences` is empty (SPEC §3.1: three criteria, 0.5/0.3/0.2).
    public static let defaultBuyerPreferences = Preferences<BuyerCriterion>([(.price, 0.5), (.loss, 0.3), (.green, 0.2)])
    public static let defaultSellerPreferences = Preferences<SellerCriterion>([(.price, 0.5), (.demand, 0.3), (.loss, 0.2)])

    /// Parses every file of the cycle. Throws the first `InputError`. With
    /// `files.reputationJSON` the reputation is the ledger's (SPEC §3.7), else the CSV columns'.
    public static func parse(_ files: CycleFiles) throws -> CycleInputs {
        let (parsed, ledger) = try parse(files, reputation: files.reputationJSON == nil ? .csv : .ledgerFile)
        return try parsed.reputed(by: ledger)
    }

    /// Parses and validates the files of a cycle cleared against a ledger whose reputation is
    /// not known yet (it is read once the ledger is open): the `reputation` columns are
    /// optional, `files.reputationJSON` is not read. `ParsedCycle.reputed(by:)` applies the
    /// ledger's reputation — or, when the ledger provides none, requires the columns.
    public static func parseAwaitingReputation(_ files: CycleFiles) throws -> ParsedCycle {
        try parse(files, reputation: .awaited).parsed
    }

    /// Where a parse takes the participants' reputation from.
    enum ReputationSource { case csv, ledgerFile, awaited }

    static func parse(_ files: CycleFiles, reputation source: ReputationSource) throws -> (parsed: ParsedCycle, ledger: ReputationSnapshot?) {
        guard CycleID(files.cycleID) != nil else {
            throw InputError(file: files.cycleID, line: 0, column: 0,
                             "cycle folder name must be the UTC start in ISO 8601 basic form on a 15-minute boundary, e.g. 20261120T1000Z")
        }
        var market = MarketConfig()
        if let m = files.marketJSON { market = try market.applying(json: m, file: files.marketName) }
        if let m = files.cycleMarketJSON { market = try market.applying(json: m, file: files.cycleMarketName) }
        let grid = try files.gridJSON.map { try GridTopology.parse(json: $0, file: files.gridName) }
        if case .gridPath? = market.fees?.network, grid == nil {
            throw InputError(file: files.cycleMarketJSON != nil ? files.cycleMarketName : files.marketName, line: 1, column: 1,
                             "'fees.network' is \"grid_path\" but the cycle has no grid.json (use distance bands, or add grid.json)")
        }

        let ledger = source == .ledgerFile ? try files.reputationJSON.map { try ReputationSnapshot(json: $0, file: files.reputationName) } : nil
        let required = source == .csv
        var ids = [String: (file: String, line: Int)]()
        var offers = try parseOffers(files.offersCSV, file: files.offersName, grid: grid, ids: &ids, reputationRequired: required)
        var bids = try parseBids(files.bidsCSV, file: files.bidsName, grid: grid, ids: &ids, reputationRequired: required)
        try checkSideTotal(offers.rows.map { ($0.quantity, $0.line) }, file: files.offersName, side: "offers")
        try checkSideTotal(bids.rows.map { ($0.quantity, $0.line) }, file: files.bidsName, side: "bids")
        if bids.rows.count * offers.rows.count > InputBounds.maxPairs {
            throw InputError(file: files.bidsName, line: 0, column: 0,
                             "\(bids.rows.count) bids × \(offers.rows.count) offers = \(bids.rows.count * offers.rows.count) pairs; a cycle forms at most \(InputBounds.maxPairs) bid–offer pairs (split the market or the cycle)")
        }
        assignArrival(&offers.rows, &bids.rows)
        let inputs = CycleInputs(cycleID: files.cycleID, market: market, offers: offers.rows, bids: bids.rows, grid: grid)
        return (ParsedCycle(inputs: inputs, offers: offers.reputation, bids: bids.reputation,
                            missingReputation: offers.missing ?? bids.missing, offersName: files.offersName, bidsName: files.bidsName), ledger)
    }

    /// Arrival rank over both sides: rows with `submitted_at` first by time, then rows without
    /// it; ties (and untimed rows) by file (offers before bids) and line — deterministic.
    static func assignArrival(_ offers: inout [Offer], _ bids: inout [Bid]) {
        struct Key: Comparable {
            var timed: Int, t: Int64, side: Int, line: Int
            static func < (a: Key, b: Key) -> Bool { (a.timed, a.t, a.side, a.line) < (b.timed, b.t, b.side, b.line) }
        }
        var keys: [(Key, Bool, Int)] = []
        for (k, o) in offers.enumerated() { keys.append((Key(timed: o.submittedAtMillis == nil ? 1 : 0, t: o.submittedAtMillis ?? 0, side: 0, line: o.line), true, k)) }
        for (k, b) in bids.enumerated() { keys.append((Key(timed: b.submittedAtMillis == nil ? 1 : 0, t: b.submittedAtMillis ?? 0, side: 1, line: b.line), false, k)) }
        keys.sort { $0.0 < $1.0 }
        for (rank, e) in keys.enumerated() {
            if e.1 { offers[e.2].arrival = rank } else { bids[e.2].arrival = rank }
        }
    }

    /// One row with its header map, producing located errors.
    struct Row {
        let file: String
        let line: Int
        let fields: [String]
        let index: [String: Int]

        func has(_ c: String) -> Bool { index[c] != nil }
        func raw(_ c: String) -> String? { index[c].map { fields[$0].trimmingSpaces } }
        func fail(_ c: String, _ msg: String) -> InputError {
            InputError(file: file, line: line, column: (index[c] ?? 0) + 1, field: c, msg)
        }
        func required(_ c: String) throws -> String {
            guard let v = raw(c), !v.isEmpty else { throw fail(c, "a value is required") }
            return v
        }
        func exact(_ c: String, decimals: Int, what: String) throws -> Int64 {
            let v = try required(c)
            let e = CanonicalText.echo(v)
            switch ExactDecimal.parse(v, decimals: decimals) {
            case .success(let x): return x
            case .failure(.tooManyDecimals(let n)): throw fail(c, "'\(e)' has \(n) decimals; \(what) allows at most \(decimals)")
            case .failure(.outOfRange): throw fail(c, "'\(e)' is out of range")
            case .failure: throw fail(c, "expected \(what) as a plain decimal like 12.5, found '\(e)'")
            }
        }
        /// A positive exact decimal of at most `max` (scaled units), the bound named in the error.
        func positive(_ c: String, decimals: Int, max: Int64, what: String, bound: String) throws -> Int64 {
            let x = try exact(c, decimals: decimals, what: what)
            guard x > 0 else { throw fail(c, "\(what) must be positive, found '\(CanonicalText.echo(raw(c)!))'") }
            guard x <= max else { throw fail(c, "\(what) must be at most \(bound), found '\(CanonicalText.echo(raw(c)!))'") }
            return x
        }
        func decimal(_ c: String, min: Double, max: Double, what: String) throws -> Double {
            let x = Double(try exact(c, decimals: 6, what: what)) / 1e6
            guard x >= min, x <= max else { throw fail(c, "\(what) must be between \(min) and \(max), found '\(CanonicalText.echo(raw(c)!))'") }
            return x
        }
        /// A required identifier (SPEC §2: 1–64 characters of `[A-Za-z0-9._:-]`).
        func identifier(_ c: String) throws -> String {
            let v = try required(c)
            if let problem = InputBounds.identifierProblem(v, what: c) { throw fail(c, problem) }
            return v
        }
        func optionalDecimal(_ c: String, min: Double, max: Double, what: String) throws -> Double? {
            guard let v = raw(c), !v.isEmpty else { return nil }
            return try decimal(c, min: min, max: max, what: what)
        }
        func energyType(_ c: String, required req: Bool) throws -> EnergyType? {
            guard let v = raw(c), !v.isEmpty else {
                if req { throw fail(c, "a value is required (thermal, wind, hydro, solar, biomass)") }
                return nil
            }
            guard let t = EnergyType(rawValue: v) else { throw fail(c, "unknown energy type '\(CanonicalText.echo(v))'; expected thermal, wind, hydro, solar or biomass") }
            return t
        }
        func location(grid: GridTopology?) throws -> Location {
            if let g = grid {
                guard has("node") else { throw fail("node", "grid.json is given, so a 'node' column is required") }
                let n = try identifier("node")
                guard g.nodes.contains(where: { $0.id == n }) else { throw fail("node", "node '\(n)' is not in grid.json") }
                return .node(n)
            }
            if has("node"), let n = raw("node"), !n.isEmpty { throw fail("node", "a node is given but there is no grid.json; use lat/lon") }
            let lat = try decimal("lat", min: -90, max: 90, what: "latitude")
            let lon = try decimal("lon", min: -180, max: 180, what: "longitude")
            return .coordinates(lat: lat, lon: lon)
        }
        func submittedAt() throws -> Int64? {
            guard let v = raw("submitted_at"), !v.isEmpty else { return nil }
            guard let t = UTCTime(rfc3339: v)?.millis else { throw fail("submitted_at", "expected an RFC 3339 time like 2026-11-20T09:41:00Z, found '\(CanonicalText.echo(v))'") }
            return t
        }
        func preferences<C: RawRepresentable & CaseIterable & Hashable & Sendable>(_ type: C.Type, side: String, default d: Preferences<C>) throws -> Preferences<C> where C.RawValue == String {
            guard let v = raw("preferences"), !v.isEmpty else { return d }
            var out: [(criterion: C, weight: Double)] = []
            var sum: Int64 = 0
            let allowed = C.allCases.map(\.rawValue).joined(separator: ", ")
            for part in v.split(separator: ";", omittingEmptySubsequences: false) {
                let kv = part.split(separator: ":", omittingEmptySubsequences: false)
                guard kv.count == 2 else { throw fail("preferences", "expected criterion:weight pairs separated by ';', found '\(CanonicalText.echo(String(part)))'") }
                let name = kv[0].trimmingSpaces, wt = kv[1].trimmingSpaces
                guard let c = C(rawValue: name) else { throw fail("preferences", "criterion '\(CanonicalText.echo(name))' is not allowed for \(side)s; allowed: \(allowed)") }
                guard !out.contains(where: { $0.criterion == c }) else { throw fail("preferences", "criterion '\(name)' appears twice") }
                guard case .success(let w) = ExactDecimal.parse(wt, decimals: 6), w > 0 else {
                    throw fail("preferences", "weight of '\(name)' must be a positive decimal with at most 6 decimals, found '\(CanonicalText.echo(wt))'")
                }
                sum += w
                out.append((c, Double(w) / 1e6))
            }
            guard sum == 1_000_000 else { throw fail("preferences", "weights must sum to exactly 1, they sum to \(Units.fixed(sum, decimals: 6))") }
            return Preferences(out)
        }
    }

    /// The data rows, and the header's line and column names.
    static func rows(_ bytes: [UInt8], file: String, allowed: Set<String>, required: [String]) throws -> (rows: [Row], header: Header) {
        let records = try CSVReader.read(bytes, file: file, maxRecords: InputBounds.maxRowsPerSide + 1)
        guard let header = records.first else { throw InputError(file: file, line: 1, column: 1, "empty file: a header row is required") }
        var index: [String: Int] = [:]
        for (k, name) in header.fields.enumerated() {
            let n = name.trimmingSpaces
            guard allowed.contains(n) else {
                throw InputError(file: file, line: header.line, column: k + 1, "unknown column '\(CanonicalText.echo(n))'; expected \(allowed.sorted().joined(separator: ", "))")
            }
            guard index[n] == nil else { throw InputError(file: file, line: header.line, column: k + 1, "column '\(n)' appears twice") }
            index[n] = k
        }
        for r in required where index[r] == nil {
            throw InputError(file: file, line: header.line, column: header.fields.count + 1, "missing required column '\(r)'")
        }
        if (index["lat"] == nil) != (index["lon"] == nil) {
            throw InputError(file: file, line: header.line, column: 1, "'lat' and 'lon' must be given together")
        }
        if index["lat"] == nil && index["node"] == nil {
            throw InputError(file: file, line: header.line, column: 1, "a location is required: columns 'lat' and 'lon', or 'node' with grid.json")
        }
        let rows = try records.dropFirst().map { rec in
            guard rec.fields.count == header.fields.count else {
                throw InputError(file: file, line: rec.line, column: min(rec.fields.count, header.fields.count) + 1,
                                 "expected \(header.fields.count) fields as in the header, found \(rec.fields.count)")
            }
            return Row(file: file, line: rec.line, fields: rec.fields, index: index)
        }
        return (rows, Header(line: header.line, columns: header.fields.map(\.trimmingSpaces)))
    }

    /// Each side's total energy stays within `InputBounds.maxSideTotalWh`, which keeps every
    /// money sum of the cycle in Int64. Rows are each ≤ 1e10 Wh and at most 100,000, so the
    /// running sum (≤ 1e15) cannot overflow before the check.
    static func checkSideTotal(_ rows: [(quantity: Wh, line: Int)], file: String, side: String) throws {
        var total: Wh = 0
        for r in rows {
            total += r.quantity
            if total > InputBounds.maxSideTotalWh {
                throw InputError(file: file, line: r.line, column: 1,
                                 "the \(side) of a cycle total at most 400000000 kWh; this row brings them to \(Units.kWhString(total)) kWh")
            }
        }
    }

    static func uniqueID(_ row: Row, _ col: String, _ ids: inout [String: (file: String, line: Int)]) throws -> String {
        let id = try row.identifier(col)
        guard id != Trade.gridID else { throw row.fail(col, "'grid' is reserved for the upstream grid") }
        if let prev = ids[id] { throw row.fail(col, "duplicate id '\(id)' (first used at \(prev.file):\(prev.line))") }
        ids[id] = (row.file, row.line)
        return id
    }

    /// A CSV file's header row.
    struct Header {
        var line: Int
        var columns: [String]
    }

    /// One side's rows with each row's CSV reputation (nil: no value), and the error a missing
    /// one gives when no ledger supplies it.
    struct Side<Item> {
        var rows: [Item]
        var reputation: [Double?]
        var missing: InputError?
    }

    /// One side's `rows`, each built by `row`, which calls its reputation parser where the
    /// column falls in the row's field order (so errors keep file order); the parser returns
    /// the CSV value, 0 where a row has none (kept as nil in `Side.reputation`).
    static func side<Item>(_ rs: [Row], header: Header, file: String, reputationRequired: Bool,
                           _ row: (Row, () throws -> Double) throws -> Item) throws -> Side<Item> {
        var values: [Double?] = []
        let items = try rs.map { r in
            try row(r) {
                let v = reputationRequired ? try r.decimal("reputation", min: 0, max: 100, what: "reputation")
                                           : try r.optionalDecimal("reputation", min: 0, max: 100, what: "reputation")
                values.append(v)
                return v ?? 0
            }
        }
        return Side(rows: items, reputation: values, missing: missingReputation(rs, values: values, header: header, file: file))
    }

    /// The error of a side whose reputation no ledger supplies, as a required column gives it:
    /// the missing column, else the first row without a value; nil when every row has one.
    static func missingReputation(_ rs: [Row], values: [Double?], header: Header, file: String) -> InputError? {
        guard header.columns.contains("reputation") else {
            return InputError(file: file, line: header.line, column: header.columns.count + 1, "missing required column 'reputation'")
        }
        return zip(rs, values).first { $0.1 == nil }.map { $0.0.fail("reputation", "a value is required") }
    }

    /// Offers as a participant file or `offers.csv` holds them (the `reputation` column required).
    static func parseOffers(_ bytes: [UInt8], file: String, grid: GridTopology?, ids: inout [String: (file: String, line: Int)]) throws -> [Offer] {
        try parseOffers(bytes, file: file, grid: grid, ids: &ids, reputationRequired: true).rows
    }

    /// Bids as a participant file or `bids.csv` holds them (the `reputation` column required).
    static func parseBids(_ bytes: [UInt8], file: String, grid: GridTopology?, ids: inout [String: (file: String, line: Int)]) throws -> [Bid] {
        try parseBids(bytes, file: file, grid: grid, ids: &ids, reputationRequired: true).rows
    }

    /// Offers with their CSV reputation; the column is optional unless `reputationRequired`.
    static func parseOffers(_ bytes: [UInt8], file: String, grid: GridTopology?, ids: inout [String: (file: String, line: Int)],
                            reputationRequired: Bool) throws -> Side<Offer> {
        let (rs, header) = try rows(bytes, file: file, allowed: offerColumns, required: ["offer_id", "seller_id", "price", "quantity_kwh", "energy_type"] + (reputationRequired ? ["reputation"] : []))
        return try side(rs, header: header, file: file, reputationRequired: reputationRequired) { r, reputation in
            let id = try uniqueID(r, "offer_id", &ids)
            let seller = try r.identifier("seller_id")
            guard seller != Trade.gridID else { throw r.fail("seller_id", "'grid' is reserved for the upstream grid") }
            return Offer(id: id, sellerID: seller,
                         price: try r.positive("price", decimals: 4, max: InputBounds.maxPriceTicks, what: "a price in CNY/kWh", bound: "1000 CNY/kWh"),
                         quantity: try r.positive("quantity_kwh", decimals: 3, max: InputBounds.maxQuantityWh, what: "an energy in kWh", bound: "10000000 kWh"),
                         energyType: try r.energyType("energy_type", required: true)!,
                         location: try r.location(grid: grid),
                         reputation: try reputation(),
                         preferences: try r.preferences(SellerCriterion.self, side: "seller", default: defaultSellerPreferences),
                         submittedAtMillis: try r.submittedAt(), arrival: 0, line: r.line)
        }
    }

    /// Bids with their CSV reputation; the column is optional unless `reputationRequired`.
    static func parseBids(_ bytes: [UInt8], file: String, grid: GridTopology?, ids: inout [String: (file: String, line: Int)],
                          reputationRequired: Bool) throws -> Side<Bid> {
        let (rs, header) = try rows(bytes, file: file, allowed: bidColumns, required: ["bid_id", "buyer_id", "price", "quantity_kwh"] + (reputationRequired ? ["reputation"] : []))
        return try side(rs, header: header, file: file, reputationRequired: reputationRequired) { r, reputation in
            let id = try uniqueID(r, "bid_id", &ids)
            let buyer = try r.identifier("buyer_id")
            guard buyer != Trade.gridID else { throw r.fail("buyer_id", "'grid' is reserved for the upstream grid") }
            return Bid(id: id, buyerID: buyer,
                       price: try r.positive("price", decimals: 4, max: InputBounds.maxPriceTicks, what: "a price in CNY/kWh", bound: "1000 CNY/kWh"),
                       quantity: try r.positive("quantity_kwh", decimals: 3, max: InputBounds.maxQuantityWh, what: "an energy in kWh", bound: "10000000 kWh"),
                       energyType: try r.energyType("energy_type", required: false),
                       greenIndex: try r.optionalDecimal("green_index", min: 0, max: 1, what: "green index"),
                       maxLossPct: try r.optionalDecimal("max_loss_pct", min: 0, max: 100, what: "maximum loss percent"),
                       location: try r.location(grid: grid),
                       reputation: try reputation(),
                       preferences: try r.preferences(BuyerCriterion.self, side: "buyer", default: defaultBuyerPreferences),
                       submittedAtMillis: try r.submittedAt(), arrival: 0, line: r.line)
        }
    }
}
