import GridClearCore

/// Participants' reputation as the ledger holds it before a cycle (SPEC §3.7): the last
/// `after` of each participant's reputation-change entries, in 0.001 points; everyone else is
/// at `base` (60 points). Recorded with a cleared cycle as its input `reputation.json`, so a
/// replay clears with exactly the reputation the cycle was cleared with, and an auditor can
/// re-derive it from the ledger prefix.
///
/// Canonical file: `{"base":60000,"scores":{"B1":50000},"version":1}` + LF (keys sorted, no
/// spaces, milli-points as integers).
public struct ReputationSnapshot: Sendable, Hashable {
    public static let version = 1
    /// Reputation of a participant with no entries, in 0.001 points.
    public var base: Int64
    public var scores: [String: Int64]

    public init(base: Int64 = 60_000, scores: [String: Int64] = [:]) { self.base = base; self.scores = scores }

    /// A participant's reputation in points (0–100).
    public func points(of participant: String) -> Double { Double(scores[participant] ?? base) / 1000 }

    /// Applies one reputation change (`after`, in 0.001 points).
    public mutating func record(participant: String, after: Int64) { scores[participant] = after }

    public func canonicalJSON() -> [UInt8] {
        let items = scores.keys.sorted().map { "\(CanonicalText.jsonString($0)):\(scores[$0]!)" }
        return Array("{\"base\":\(base),\"scores\":{\(items.joined(separator: ","))},\"version\":\(Self.version)}\n".utf8)
    }

    /// Reads the canonical file (any member order is accepted; values must be integers in [0, 100000]).
    public init(json bytes: [UInt8], file: String) throws {
        let v = try JSONInput.parse(bytes, file: file)
        var r = JSONFields(file: file)
        guard case .object(let top) = v else { throw InputError(file: file, line: 1, column: 1, "expected a JSON object") }
        var base: Int64?, scores: [String: Int64] = [:], version: Int?
        for m in top {
            r.at(m.line, m.column)
            switch m.key {
            case "version": version = try r.integer(m.value, "version", min: 1, max: 1)
            case "base": base = Int64(try r.integer(m.value, "base", min: 0, max: 100_000))
            case "scores":
                for s in try r.object(m.value, "scores") {
                    r.at(s.line, s.column)
                    scores[s.key] = Int64(try r.integer(s.value, "scores.\(s.key)", min: 0, max: 100_000))
                }
            default: throw r.fail("unknown key '\(CanonicalText.echo(m.key))' (expected base, scores, version)")
            }
        }
        guard version != nil, let base else { throw InputError(file: file, line: 1, column: 1, "a reputation snapshot needs 'base' and 'version'") }
        self.init(base: base, scores: scores)
    }
}
