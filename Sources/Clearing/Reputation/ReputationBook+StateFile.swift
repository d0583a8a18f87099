import GridClearCore
import GridClearSystem

/// The reputation state file: canonical JSON (keys sorted, no spaces, one final
/// newline, version 1), so every replica writes identical bytes, e.g.
/// `{"rules":{"initial":60,"maximum":100,"minimum":0,"penalty":10,"reward":1},"scores":{"a":61},"version":1}`.
/// Written atomically (temp file, fsync, rename) through GridClearSystem's `AtomicFile`.
extension ReputationBook {
    public static let stateFileVersion = 1

    public func canonicalJSON() -> [UInt8] {
        let r = rules
        var s = "{\"rules\":{\"initial\":\(r.initial),\"maximum\":\(r.maximum),\"minimum\":\(r.minimum),\"penalty\":\(r.penalty),\"reward\":\(r.reward)},\"scores\":{"
        s += scores.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { "\(CanonicalText.jsonString($0)):\(scores[$0]!)" }.joined(separator: ",")
        s += "},\"version\":\(Self.stateFileVersion)}\n"
        return Array(s.utf8)
    }

    public init(canonicalJSON bytes: [UInt8], file: String = "reputation.json") throws {
        let v = try JSONInput.parse(bytes, file: file)
        func fail(_ m: String) -> InputError { InputError(file: file, line: 1, column: 1, m) }
        guard case .object(let top) = v else { throw fail("expected a JSON object") }
        func int(_ j: JSONValue, _ what: String) throws -> Int {
            guard case .number(let t) = j, let n = Int(t) else { throw fail("\(what): expected an integer") }
            return n
        }
        var rules: ReputationRules?, scores: [String: Int] = [:], version: Int?
        for m in top {
            let k = m.key, val = m.value
            switch k {
            case "version": version = try int(val, "version")
            case "rules":
                guard case .object(let fields) = val else { throw fail("rules: expected an object") }
                var f: [String: Int] = [:]
                for n in fields { f[n.key] = try int(n.value, "rules.\(n.key)") }
                guard let i = f["initial"], let lo = f["minimum"], let hi = f["maximum"], let rw = f["reward"], let pn = f["penalty"],
                      f.count == 5, lo <= i, i <= hi else { throw fail("rules: expected initial, minimum ≤ initial ≤ maximum, reward, penalty") }
                rules = ReputationRules(initial: i, minimum: lo, maximum: hi, reward: rw, penalty: pn)
            case "scores":
                guard case .object(let fields) = val else { throw fail("scores: expected an object") }
                for n in fields {
                    let id = n.key, sv = n.value
                    guard scores[id] == nil else { throw fail("scores: duplicate participant '\(id)'") }
                    scores[id] = try int(sv, "scores.\(id)")
                }
            default: throw fail("unknown key '\(k)'")
            }
        }
        guard version == Self.stateFileVersion else { throw fail("unsupported version \(version.map(String.init) ?? "missing"); expected \(Self.stateFileVersion)") }
        guard let rules else { throw fail("missing rules") }
        for (id, s) in scores where s < rules.minimum || s > rules.maximum { throw fail("score of '\(id)' out of bounds: \(s)") }
        self.init(rules: rules, scores: scores)
    }

    /// Loads the state file, or a fresh book with `rules` when the file does not exist.
    public static func load(path: String, rules: ReputationRules = .standard) throws -> ReputationBook {
        guard FileSystem.exists(path) else { return ReputationBook(rules: rules) }
        return try ReputationBook(canonicalJSON: FileSystem.read(path), file: path)
    }

    /// Writes the state file atomically.
    public func save(path: String) throws { try AtomicFile.write(canonicalJSON(), to: path) }
}
