import GridClearCore
import GridClearSystem
import Logging

/// How log records are written: `text` (one human line: time, level, message, key=value
/// metadata) or `json` (JSON lines: one object per line with `ts`, `level`, `message`,
/// `metadata`, keys in that order, metadata keys sorted).
public enum LogFormat: String, Sendable, CaseIterable { case text, json }

/// Where records go: records below `warning` to standard output and the rest to standard
/// error (`split`, what a terminal and journald expect), or everything to standard error
/// (`stderr`, used when standard output carries a `--json` document).
public enum LogDestination: Sendable { case split, stderr }

/// A swift-log handler writing one line per record, unbuffered, in `LogFormat`. Each line is
/// written whole by one `write(2)`, so lines from several threads never interleave. Control
/// characters in messages and metadata are escaped (text) or JSON-escaped (json), so a record
/// is always exactly one line.
public struct ServiceLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public let label: String
    let format: LogFormat
    let destination: LogDestination
    /// The wall clock for `ts` (injected in tests).
    let now: @Sendable () -> UTCTime

    public init(label: String, format: LogFormat, level: Logger.Level, destination: LogDestination,
                now: @escaping @Sendable () -> UTCTime = { SystemClock().now() }) {
        self.label = label; self.format = format; self.logLevel = level; self.destination = destination; self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var all = metadata
        if let m = event.metadata { all.merge(m) { $1 } }
        let line = Self.render(format: format, time: now(), level: event.level, message: "\(event.message)", metadata: all)
        if destination == .split && event.level < .warning { StandardStreams.writeOutput(line) } else { StandardStreams.writeError(line) }
    }

    /// One record as its line (with the final newline).
    public static func render(format: LogFormat, time: UTCTime, level: Logger.Level, message: String, metadata: Logger.Metadata) -> String {
        let keys = metadata.keys.sorted()
        switch format {
        case .json:
            var m = JSONWriter()
            for k in keys { m.add(k, raw: json(metadata[k]!)) }
            var o = JSONWriter()
            o.add("ts", time.rfc3339); o.add("level", level.rawValue); o.add("message", message)
            o.add("metadata", raw: m.renderCompact())
            return o.renderCompact() + "\n"
        case .text:
            let meta = keys.map { " \($0)=\(text(metadata[$0]!))" }.joined()
            return CanonicalText.oneLine("\(time.rfc3339) \(level.rawValue) \(message)\(meta)") + "\n"
        }
    }

    static func json(_ v: Logger.Metadata.Value) -> String {
        switch v {
        case .string(let s): return CanonicalText.jsonString(s)
        case .stringConvertible(let c): return CanonicalText.jsonString(c.description)
        case .array(let a): return "[" + a.map(json).joined(separator: ",") + "]"
        case .dictionary(let d):
            var w = JSONWriter()
            for k in d.keys.sorted() { w.add(k, raw: json(d[k]!)) }
            return w.renderCompact()
        }
    }

    static func text(_ v: Logger.Metadata.Value) -> String {
        let s = "\(v)"
        return s.contains(" ") || s.isEmpty ? CanonicalText.jsonString(s) : s
    }
}
