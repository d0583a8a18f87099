import GridClearCore

/// One side of a cycle's inputs: the buyers' bids or the sellers' offers.
public enum SubmissionSide: String, Sendable, CaseIterable {
    case offers, bids

    /// The participant column of the side (`seller_id`, `buyer_id`) and its row id column.
    public var participantColumn: String { self == .offers ? "seller_id" : "buyer_id" }
    public var idColumn: String { self == .offers ? "offer_id" : "bid_id" }
}

/// One participant's file, validated alone: its rows (raw fields as written) keyed by the
/// header's column names, and its row ids with their lines.
public struct ValidatedSubmission: Sendable, Equatable {
    public var file: String
    public var side: SubmissionSide
    public var columns: [String]
    public var records: [[String]]
    /// Row ids (`offer_id`/`bid_id`) in file order with their 1-based lines.
    public var ids: [(id: String, line: Int)]
    public var rowCount: Int { records.count }

    public static func == (a: Self, b: Self) -> Bool {
        a.file == b.file && a.side == b.side && a.columns == b.columns && a.records == b.records
            && a.ids.map(\.id) == b.ids.map(\.id) && a.ids.map(\.line) == b.ids.map(\.line)
    }
}

/// Per-participant intake (SPEC §2 columns, one file per participant): validates one file on
/// its own with exactly the parser and bounds of the single-file form (so an error line is
/// the one clearing would give for the same file), and merges valid files into one canonical
/// CSV. Guarantees: a file that passes `validate` parses inside the merge unless its row ids
/// collide with another accepted file's (the caller checks `ids` across files in a fixed
/// order), and the merge is deterministic: files in the given order, columns in a fixed order.
public enum SubmissionParser {
    /// Column order of the merged file.
    static let offerOrder = ["offer_id", "seller_id", "price", "quantity_kwh", "energy_type", "lat", "lon", "node",
                             "reputation", "preferences", "submitted_at"]
    static let bidOrder = ["bid_id", "buyer_id", "price", "quantity_kwh", "energy_type", "lat", "lon", "node",
                           "reputation", "preferences", "submitted_at", "green_index", "max_loss_pct"]

    /// Validates `bytes` as one side's file named `file`, with the cycle's `grid` (nil: none).
    /// With `participant`, every row's participant column must equal it (the file's owner).
    /// `reputationRequired`: false when a ledger supplies the reputation (SPEC §3.7), so the
    /// `reputation` column is optional — as `CycleParser.parseAwaitingReputation` parses.
    /// - Throws: the first `InputError`, located in `file`.
    public static func validate(_ bytes: [UInt8], file: String, side: SubmissionSide, participant: String?,
                                grid: GridTopology?, reputationRequired: Bool = true) throws -> ValidatedSubmission {
        var ids = [String: (file: String, line: Int)]()
        let lines: [(id: String, participant: String, line: Int, quantity: Wh)]
        switch side {
        case .offers:
            let o = try CycleParser.parseOffers(bytes, file: file, grid: grid, ids: &ids, reputationRequired: reputationRequired).rows
            lines = o.map { ($0.id, $0.sellerID, $0.line, $0.quantity) }
        case .bids:
            let b = try CycleParser.parseBids(bytes, file: file, grid: grid, ids: &ids, reputationRequired: reputationRequired).rows
            lines = b.map { ($0.id, $0.buyerID, $0.line, $0.quantity) }
        }
        try CycleParser.checkSideTotal(lines.map { ($0.quantity, $0.line) }, file: file, side: side.rawValue)
        let records = try CSVReader.read(bytes, file: file, maxRecords: InputBounds.maxRowsPerSide + 1)
        let columns = records.first?.fields.map(\.trimmingSpaces) ?? []
        if let participant {
            let col = (columns.firstIndex(of: side.participantColumn) ?? 0) + 1
            for l in lines where l.participant != participant {
                throw InputError(file: file, line: l.line, column: col, field: side.participantColumn,
                                 "'\(CanonicalText.echo(l.participant))' is not the file's participant '\(participant)'; a participant's file holds only its own rows")
            }
        }
        return ValidatedSubmission(file: file, side: side, columns: columns, records: records.dropFirst().map(\.fields),
                                   ids: lines.map { ($0.id, $0.line) })
    }

    /// One CSV holding every row of `parts` (one side), in the given order: the header is the
    /// union of the parts' columns in the fixed column order; a column a part lacks is empty
    /// in its rows. Fields are written as read, quoted when they hold `,`, `"` or a line break.
    public static func merge(_ parts: [ValidatedSubmission], side: SubmissionSide) -> [UInt8] {
        // No valid file: the required columns only, so the side parses as empty.
        let present = parts.isEmpty ? Set([side.idColumn, side.participantColumn, "price", "quantity_kwh", "reputation", "lat", "lon"]
                                           + (side == .offers ? ["energy_type"] : []))
                                    : Set(parts.flatMap(\.columns))
        let header = (side == .offers ? offerOrder : bidOrder).filter { present.contains($0) }
        var out = header.joined(separator: ",") + "\n"
        for p in parts {
            let at = Dictionary(p.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
            for r in p.records {
                out += header.map { c in at[c].map { quote(r[$0]) } ?? "" }.joined(separator: ",") + "\n"
            }
        }
        return Array(out.utf8)
    }

    static func quote(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    /// `self` with every `target` character replaced (no Foundation).
    func replacingAll(_ target: Character, with r: String) -> String {
        var o = ""
        for ch in self { if ch == target { o += r } else { o.append(ch) } }
        return o
    }
}
