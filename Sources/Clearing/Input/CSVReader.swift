/// A strict RFC 4180 CSV reader over UTF-8 bytes. Records know the line they start
/// on; quoted fields may contain commas, quotes ("") and line breaks. A header row is
/// required by the callers. Rows that are entirely empty are skipped.
///
/// Memory is bounded by the input: at most `maxRecords` records (the first one past it stops
/// reading with a located error) of at most `InputBounds.maxFieldsPerRecord` fields each.
struct CSVReader {
    struct Record {
        /// 1-based line number where the record starts.
        var line: Int
        var fields: [String]
    }

    static func read(_ bytes: [UInt8], file: String, maxRecords: Int = .max) throws -> [Record] {
        var records: [Record] = []
        var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var line = 1
        var fields: [String] = []
        var field: [UInt8] = []
        var recordLine = 1
        var inQuotes = false
        var wasQuoted = false
        var fieldStartColumn = 1
        var lineStart = i

        func finishField() throws {
            guard fields.count < InputBounds.maxFieldsPerRecord else {
                throw InputError(file: file, line: recordLine, column: fields.count + 1,
                                 "more than \(InputBounds.maxFieldsPerRecord) fields in one row")
            }
            fields.append(String(decoding: field, as: UTF8.self)); field.removeAll(keepingCapacity: true); wasQuoted = false
        }
        func finishRecord() throws {
            try finishField()
            if !(fields.count == 1 && fields[0].isEmpty) {
                guard records.count < maxRecords else {
                    throw InputError(file: file, line: recordLine, column: 1,
                                     "more than \(maxRecords - 1) rows; a cycle holds at most \(InputBounds.maxRowsPerSide) rows per side")
                }
                records.append(Record(line: recordLine, fields: fields))
            }
            fields.removeAll()
        }

        while i < bytes.count {
            let c = bytes[i]
            if inQuotes {
                if c == UInt8(ascii: "\"") {
                    if i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") { field.append(c); i += 2; continue }
                    inQuotes = false; i += 1; continue
                }
                if c == 0x0A { line += 1; lineStart = i + 1 }
                field.append(c); i += 1; continue
            }
            switch c {
            case UInt8(ascii: ","):
                try finishField(); i += 1; fieldStartColumn = i - lineStart + 1
            case UInt8(ascii: "\""):
                if !field.isEmpty || wasQuoted {
                    throw InputError(file: file, line: line, column: fields.count + 1, "quote inside an unquoted field (RFC 4180: quote the whole field and double inner quotes)")
                }
                inQuotes = true; wasQuoted = true; i += 1
            case 0x0D:
                i += 1
                if i < bytes.count, bytes[i] == 0x0A { continue }
                try finishRecord(); line += 1; lineStart = i; recordLine = line
            case 0x0A:
                i += 1
                try finishRecord(); line += 1; lineStart = i; recordLine = line
            default:
                if wasQuoted {
                    throw InputError(file: file, line: line, column: fields.count + 1, "text after a closing quote")
                }
                field.append(c); i += 1
            }
        }
        _ = fieldStartColumn
        if inQuotes { throw InputError(file: file, line: recordLine, column: fields.count + 1, "unterminated quoted field") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { try finishRecord() }
        // Validate UTF-8: String(decoding:) replaces invalid sequences with U+FFFD.
        for r in records {
            for (k, f) in r.fields.enumerated() where f.contains("\u{FFFD}") {
                throw InputError(file: file, line: r.line, column: k + 1, "invalid UTF-8")
            }
        }
        return records
    }
}

extension StringProtocol {
    /// The text without leading/trailing spaces and tabs (how every CSV header and field of
    /// GridClear's inputs is read).
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
