import GridClearCore

/// The trades of a cleared cycle as a table: column names and rows of exactly as many fields.
///
/// In the ledger every field is length-prefixed (`u32 length ‖ UTF-8`), every list is
/// count-prefixed, and a row's Merkle leaf is the encoding of its fields: nothing is ever split
/// on a delimiter, so no field value (an id with a comma, a quote or a line break) can forge,
/// hide or shift a row (SPEC §6). `trades.csv` is a *rendering* of the table (RFC 4180, LF,
/// `CanonicalText.csvField`), and `init(csv:)` accepts only bytes that are exactly that
/// rendering, so the file an operator publishes and the table the ledger commits to are the
/// same thing.
public struct TradeTable: Sendable, Hashable {
    public var columns: [String]
    public var rows: [[String]]

    /// Bounds checked by `decode` (and `init(csv:)`): columns, rows and field length.
    public static let maxColumns = 64
    public static let maxRows = 20_000_000
    public static let maxFieldBytes = 1 << 16

    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        /// Row `row` (1-based, header = 0) has `found` fields where the header has `expected`.
        case ragged(row: Int, expected: Int, found: Int)
        /// The bytes are not the canonical rendering of any table (first difference at `offset`).
        case notCanonical(offset: Int)
        case tooLarge(String)

        public var description: String {
            switch self {
            case let .ragged(r, e, f): return "trades row \(r) has \(f) fields, the header \(e)"
            case let .notCanonical(o): return "trades.csv is not in canonical form (first difference at byte \(o))"
            case let .tooLarge(what): return "trade table too large: \(what)"
            }
        }
    }

    public init(columns: [String], rows: [[String]]) throws {
        guard columns.count <= Self.maxColumns else { throw Failure.tooLarge("\(columns.count) columns") }
        guard rows.count <= Self.maxRows else { throw Failure.tooLarge("\(rows.count) rows") }
        for (k, r) in rows.enumerated() where r.count != columns.count {
            throw Failure.ragged(row: k + 1, expected: columns.count, found: r.count)
        }
        self.columns = columns; self.rows = rows
    }

    /// The table whose canonical rendering is exactly `csv`; anything else is rejected.
    public init(csv: [UInt8]) throws {
        var records = try Self.parseRFC4180(csv)
        guard !records.isEmpty else { throw Failure.notCanonical(offset: 0) }
        let header = records.removeFirst()
        try self.init(columns: header, rows: records)
        let rendered = self.csv()
        if rendered != csv {
            let common = min(rendered.count, csv.count)
            let at = (0..<common).first { rendered[$0] != csv[$0] } ?? common
            throw Failure.notCanonical(offset: at)
        }
    }

    /// `trades.csv`: header and rows, fields quoted per RFC 4180 where needed, LF endings.
    public func csv() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((rows.count + 1) * (columns.count * 8 + 1))
        for line in [columns] + rows {
            for (k, f) in line.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                // Most fields need no quoting: their bytes go out as they are, without building
                // a String; the others take `CanonicalText.csvField`, the one rule for quoting.
                if f.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                    out.append(contentsOf: CanonicalText.csvField(f).utf8)
                } else {
                    TradeTable.appendUTF8(f, to: &out)
                }
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// The canonical encoding of one row (or of the header): `u32 count ‖ (u32 len ‖ bytes)*`.
    /// A trade row's Merkle leaf is `Merkle.leafHash(rowEncoding(fields))`.
    public static func rowEncoding(_ fields: [String]) -> [UInt8] {
        var out: [UInt8] = []
        appendRowEncoding(fields, to: &out)
        return out
    }

    /// Appends `rowEncoding(fields)` to `out` (lets a caller reuse one buffer for many rows).
    public static func appendRowEncoding(_ fields: [String], to out: inout [UInt8]) {
        func u32(_ v: Int) {
            out.append(UInt8(truncatingIfNeeded: v >> 24)); out.append(UInt8(truncatingIfNeeded: v >> 16))
            out.append(UInt8(truncatingIfNeeded: v >> 8)); out.append(UInt8(truncatingIfNeeded: v))
        }
        u32(fields.count)
        for f in fields { u32(f.utf8.count); appendUTF8(f, to: &out) }
    }

    /// Appends the UTF-8 bytes of `s` in one copy (native strings are contiguous).
    @inline(__always)
    static func appendUTF8(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { out.append(contentsOf: $0) }
    }

    /// Decodes one `rowEncoding`, rejecting trailing bytes and oversized fields.
    public static func decodeRow(_ bytes: [UInt8]) throws -> [String] {
        var r = ByteReader(bytes, cap: maxFieldBytes)
        let fields = try decodeFields(&r)
        try r.finish()
        return fields
    }

    /// The stored table. Version 3: `blob(rowEncoding(columns)) ‖ u32 rowCount ‖ rowCount ×
    /// blob(rowEncoding(row))` — every row is length-prefixed and its stored bytes are exactly
    /// what its Merkle leaf hashes. Version 2: `u32 columnCount ‖ columns (text) ‖ u32 rowCount ‖
    /// every row's fields (text)`.
    public func encode(into w: inout ByteWriter, format: LedgerFormat = .current) {
        switch format {
        case .v3:
            w.blob(Self.rowEncoding(columns))
            w.u32(UInt32(rows.count))
            var row: [UInt8] = []
            for r in rows {
                row.removeAll(keepingCapacity: true)
                Self.appendRowEncoding(r, to: &row)
                w.blob(row)
            }
        case .v2:
            w.u32(UInt32(columns.count)); for c in columns { w.text(c) }
            w.u32(UInt32(rows.count))
            for row in rows { for f in row { w.text(f) } }
        }
    }

    public static func decode(from r: inout ByteReader, format: LedgerFormat = .current) throws -> TradeTable {
        switch format {
        case .v3: return try decodeStored(from: &r).table
        case .v2: return try decodeV2(from: &r)
        }
    }

    /// Decodes a version-3 table (`walkStored`, then the fields made into strings).
    /// `header`: the range of the stored header row encoding in `r.bytes`; `leaves`: each
    /// row's Merkle leaf, hashed from its stored bytes.
    static func decodeStored(from r: inout ByteReader) throws -> (table: TradeTable, header: Range<Int>, leaves: [Merkle.Hash]) {
        let t = try walkStored(&r)
        return (try t.table(r.bytes), t.header, t.leaves)
    }

    /// A version-3 table as stored: ranges of its parts in the stored bytes, found by one
    /// validating walk, and each row's leaf hash.
    struct Stored {
        /// The header row encoding (what the commitment binds as `tradesHeader`).
        var header: Range<Int>
        var columns: [Range<Int>]
        /// Every row's field bodies, row by row (`columns.count` per row).
        var fields: [Range<Int>]
        var leaves: [Merkle.Hash]

        func table(_ bytes: [UInt8]) throws -> TradeTable {
            func s(_ r: Range<Int>) -> String { bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[r]), as: UTF8.self) } }
            let n = columns.count
            var rows: [[String]] = []
            rows.reserveCapacity(leaves.count)
            for k in 0..<leaves.count { rows.append(fields[k * n..<(k + 1) * n].map(s)) }
            return try TradeTable(columns: columns.map(s), rows: rows)
        }
    }

    /// The one reader of the version-3 table layout: every length prefix, count, bound and
    /// UTF-8 field checked (a row's length must end exactly where its last field ends, every row
    /// has the header's field count), no string made; each stored row encoding hashed once as
    /// its Merkle leaf.
    static func walkStored(_ r: inout ByteReader) throws -> Stored {
        var columns: [Range<Int>] = []
        let header = try storedRow(&r, into: &columns)
        let nAt = r.position
        let n = Int(try r.u32())
        // Each row takes at least its 4-byte length, its 4-byte field count and 4 bytes per
        // field: a count the bytes cannot hold is refused before anything is allocated.
        let minRow = 8 + 4 * columns.count
        guard n <= maxRows, n * minRow <= r.remaining else {
            throw DecodeError.lengthOverCap(at: nAt, length: n, cap: min(maxRows, r.remaining / minRow))
        }
        var fields: [Range<Int>] = [], leaves: [Merkle.Hash] = []
        fields.reserveCapacity(n * columns.count); leaves.reserveCapacity(n)
        for _ in 0..<n {
            let at = r.position, before = fields.count
            let body = try storedRow(&r, into: &fields)
            guard fields.count - before == columns.count else {
                throw DecodeError.nonCanonical(at: at, what: "trade row of \(fields.count - before) fields (the header has \(columns.count))")
            }
            leaves.append(Merkle.leafHash(r.bytes[body]))
        }
        return Stored(header: header, columns: columns, fields: fields, leaves: leaves)
    }

    /// One length-prefixed row encoding (`u32 len ‖ u32 count ‖ (u32 len ‖ UTF-8)*`): appends
    /// its field ranges, returns the range of its body (the row encoding).
    private static func storedRow(_ r: inout ByteReader, into fields: inout [Range<Int>]) throws -> Range<Int> {
        let at = r.position
        let n = Int(try r.u32())
        let start = r.position
        let countAt = r.position
        let count = Int(try r.u32())
        guard count <= maxColumns else { throw DecodeError.lengthOverCap(at: countAt, length: count, cap: maxColumns) }
        for _ in 0..<count { fields.append(try r.textRange(max: maxFieldBytes)) }
        guard r.position - start == n else { throw DecodeError.nonCanonical(at: at, what: "trade row length \(n) (its fields take \(r.position - start))") }
        return start..<r.position
    }

    static func decodeV2(from r: inout ByteReader) throws -> TradeTable {
        let columns = try decodeFields(&r)
        let nAt = r.position
        let n = Int(try r.u32())
        // Each field takes at least its 4-byte length: a count the bytes cannot hold is refused
        // before anything is allocated.
        guard n <= maxRows, n * max(columns.count, 1) * 4 <= r.remaining else {
            throw DecodeError.lengthOverCap(at: nAt, length: n, cap: min(maxRows, r.remaining / max(4 * columns.count, 4)))
        }
        var rows: [[String]] = []
        rows.reserveCapacity(n)
        for _ in 0..<n {
            var row: [String] = []
            row.reserveCapacity(columns.count)
            for _ in 0..<columns.count { row.append(try r.text(max: maxFieldBytes)) }
            rows.append(row)
        }
        return try TradeTable(columns: columns, rows: rows)
    }

    static func decodeFields(_ r: inout ByteReader) throws -> [String] {
        let at = r.position
        let n = Int(try r.u32())
        guard n <= maxColumns else { throw DecodeError.lengthOverCap(at: at, length: n, cap: maxColumns) }
        var out: [String] = []
        for _ in 0..<n { out.append(try r.text(max: maxFieldBytes)) }
        return out
    }

    /// Strict RFC 4180 records (quoted fields may hold commas, doubled quotes and line breaks).
    static func parseRFC4180(_ bytes: [UInt8]) throws -> [[String]] {
        var records: [[String]] = [], fields: [String] = [], field: [UInt8] = []
        var i = 0, inQuotes = false, quoted = false
        func endField() throws {
            guard field.count <= maxFieldBytes else { throw Failure.tooLarge("a field of \(field.count) bytes") }
            fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); quoted = false
        }
        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 2; continue }
                    inQuotes = false
                } else { field.append(c) }
                i += 1; continue
            }
            switch c {
            case UInt8(ascii: ","): try endField()
            case UInt8(ascii: "\""):
                guard field.isEmpty && !quoted else { throw Failure.notCanonical(offset: i) }
                inQuotes = true; quoted = true
            case UInt8(ascii: "\n"):
                try endField(); records.append(fields); fields = []
                guard records.count <= maxRows + 1 else { throw Failure.tooLarge("more than \(maxRows) rows") }
            default:
                guard !quoted else { throw Failure.notCanonical(offset: i) }
                field.append(c)
            }
            i += 1
        }
        guard !inQuotes, field.isEmpty, fields.isEmpty, !quoted else { throw Failure.notCanonical(offset: bytes.count) }
        return records
    }
}
