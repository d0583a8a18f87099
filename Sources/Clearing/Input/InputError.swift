/// A malformed input, located exactly: file, 1-based line and column, and what was
/// expected. Its description is the one line the CLI prints.
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
        if let field { return "\(file):\(line):\(column): column '\(field)': \(message)" }
        return "\(file):\(line):\(column): \(message)"
    }
}
