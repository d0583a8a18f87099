import GridClearCore

/// A malformed input, located exactly: file, 1-based line and column, and what was
/// expected. Its description is the one line the CLI prints: control characters anywhere in
/// it (a file name, an echoed value) are escaped, so it is always exactly one line. Line 0
/// means the whole file (missing, not a regular file, too large): then only the file is named.
public struct InputError: Error, CustomStringConvertible, Sendable, Equatable {
    public var file: String
    public var line: Int
    /// 1-based column: the character column for JSON, the field number for CSV.
    public var column: Int
    /// CSV column name, when known.
    public var field: String?
    public var message: String

    public init(file: String, line: Int, column: Int, field: String? = nil, _ message: String) {
        self.file = file; self.line = line; self.column = column; self.field = field; self.message = message
    }

    public var description: String {
        let place = line == 0 ? file : "\(file):\(line):\(column)"
        if let field { return CanonicalText.oneLine("\(place): column '\(field)': \(message)") }
        return CanonicalText.oneLine("\(place): \(message)")
    }
}
