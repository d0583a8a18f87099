import GridClearCore

/// One line of a meter-data file: a cumulative reading of one meter.
///
/// Format (version 1), one record per line, fields separated by one space, at most 256 bytes:
///
///     R <utc_ms> <meter_id> <participant_id> <serial> <import_wh> <export_wh|-> <crc32>
///
/// `crc32` is 8 lowercase hex digits of CRC-32/IEEE over the bytes before the last space.
/// Ids are 1–64 characters of `[A-Za-z0-9_.:-]`. The file starts with the header line
/// `GRIDCLEAR-METER-DATA 1`. A final line without newline is a torn append and is ignored.
public struct MeterRecord: Sendable, Hashable {
    public static let header = "GRIDCLEAR-METER-DATA 1"
    public static let maxLineBytes = 256
    /// Times are from 1970-01-01 to 9999-12-31T23:59:59.999Z, in UTC milliseconds.
    public static let validUTCMillis: ClosedRange<Int64> = 0...253_402_300_799_999
    /// Register values are 0…1e11 Wh (100 GWh; a DL/T 645 register holds < 1e9 Wh), so an
    /// interval's energy is ≤ 1e11 and its product with a price of ≤ 1e7 ticks (SPEC §2) is
    /// ≤ 1e18 < 2^63. Meter reads (`RegisterSpec.wattHours`) use the same bound.
    public static let validWh: ClosedRange<Int64> = 0...100_000_000_000

    public var utcMillis: Int64
    public var meterID: String
    public var participantID: String
    public var serial: String
    public var importWh: Int64
    public var exportWh: Int64?

    public init(utcMillis: Int64, meterID: String, participantID: String, serial: String, importWh: Int64, exportWh: Int64?) {
        self.utcMillis = utcMillis; self.meterID = meterID; self.participantID = participantID
        self.serial = serial; self.importWh = importWh; self.exportWh = exportWh
    }

    public static func isValidID(_ s: String) -> Bool {
        (1...64).contains(s.utf8.count) && s.utf8.allSatisfy { c in
            (48...57).contains(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c == 46 || c == 58 || c == 45
        }
    }

    /// The canonical line (without newline).
    public var line: String {
        let body = "R \(utcMillis) \(meterID) \(participantID) \(serial) \(importWh) \(exportWh.map(String.init) ?? "-")"
        let c = String(CRC32.checksum(Array(body.utf8)), radix: 16)
        return body + " " + String(repeating: "0", count: 8 - c.count) + c
    }

    /// Parses a canonical line (exactly the bytes `line` renders); a reason otherwise.
    public static func parse(_ line: Substring) -> Result<MeterRecord, MeterDataError.Reason> {
        guard line.utf8.count <= maxLineBytes else { return .failure(.tooLong) }
        guard let sp = line.lastIndex(of: " ") else { return .failure(.malformed("no checksum")) }
        let body = line[..<sp], crcText = line[line.index(after: sp)...]
        guard crcText.count == 8, let crc = UInt32(crcText, radix: 16), crcText == crcText.lowercased() else { return .failure(.malformed("bad checksum field")) }
        guard CRC32.checksum(Array(body.utf8)) == crc else { return .failure(.checksum) }
        let f = body.split(separator: " ", omittingEmptySubsequences: false)
        guard f.count == 7, f[0] == "R" else { return .failure(.malformed("expected 7 fields starting with R")) }
        guard let t = Int64(f[1]), validUTCMillis.contains(t) else {
            return .failure(.malformed("utc_ms must be an integer in \(validUTCMillis.lowerBound)…\(validUTCMillis.upperBound) (years 1970–9999)"))
        }
        guard let imp = Int64(f[5]), validWh.contains(imp) else {
            return .failure(.malformed("import_wh must be an integer in 0…\(validWh.upperBound)"))
        }
        let exp: Int64?
        if f[6] == "-" { exp = nil } else {
            guard let e = Int64(f[6]), validWh.contains(e) else { return .failure(.malformed("export_wh must be an integer in 0…\(validWh.upperBound) or '-'")) }
            exp = e
        }
        let ids = [String(f[2]), String(f[3]), String(f[4])]
        guard ids.allSatisfy(isValidID) else { return .failure(.malformed("bad id")) }
        let record = MeterRecord(utcMillis: t, meterID: ids[0], participantID: ids[1], serial: ids[2], importWh: imp, exportWh: exp)
        // One rendering per reading: `+5`, `05`, `-0` parse as integers but are not how a
        // reading is written, so a line is accepted only if it re-renders to the same bytes.
        guard record.line.utf8.elementsEqual(line.utf8) else {
            return .failure(.malformed("not canonical (numbers are written without sign or leading zeros)"))
        }
        return .success(record)
    }
}

/// A meter-data file that cannot be used, naming the line.
public struct MeterDataError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Reason: Error, Sendable, Equatable {
        case badHeader, tooLong, checksum, malformed(String), io(String)
    }
    public var path: String
    public var line: Int
    public var reason: Reason
    public var description: String {
        let what: String
        switch reason {
        case .badHeader: what = "missing header '\(MeterRecord.header)' — not a meter-data file"
        case .tooLong: what = "record longer than \(MeterRecord.maxLineBytes) bytes"
        case .checksum: what = "checksum mismatch (corrupted record)"
        case let .malformed(m): what = "malformed record: \(m)"
        case let .io(m): what = m
        }
        return "\(path):\(line): \(what)"
    }
}
