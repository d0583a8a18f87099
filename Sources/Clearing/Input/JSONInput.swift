import GridClearCore

/// A parsed JSON value of an input file: GridClearCore's one JSON reader (numbers kept as their
/// literal text, members with their line and column).
typealias JSONValue = JSONReader.Value

extension JSONReader.Value {
    /// The JSON type's name, for "must be …, found …" messages.
    var typeName: String {
        switch self {
        case .object: return "object"
        case .array: return "array"
        case .string: return "string"
        case .number: return "number"
        case .bool: return "boolean"
        case .null: return "null"
        }
    }
}

/// Parsing an input file's JSON (`market.json`, `grid.json`, reputation state) with
/// `GridClearCore.JSONReader`; a syntax error becomes an `InputError` naming the file, line
/// and column.
enum JSONInput {
    static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> JSONValue {
        do { return try JSONReader.parse(bytes) } catch {
            throw InputError(file: file, line: error.line, column: error.column, error.message)
        }
    }
}
