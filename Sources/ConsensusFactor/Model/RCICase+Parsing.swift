import GridClearCore

/// The case file format (CSV, UTF-8, one agent per line, `#` comments and blank lines ignored):
///
///     agent,role,a,b,p_min_mw,p_max_mw[,gamma][,public_key]
///     G1,generator,0.08,20,0,300
///     C1,consumer,0.07,70,-400,-10,G1:1.5;G2:0.5
///
/// `public_key` (optional column, 64 hex digits): the agent's registered Ed25519 identity;
/// the platform admits only agents that prove they hold it (`RCIHandshake`).
/// `a` in €/MW², `b` in €/MWh, bounds in MW (positive = selling), `gamma` an optional list of
/// `partner:€/MWh` product-differentiation prices separated by `;`. The New England file from
/// `data/new_england_31.csv` is in this format.
extension RCICase {
    public static let csvHeader = ["agent", "role", "a", "b", "p_min_mw", "p_max_mw"]

    /// Parses the CSV text above. Throws `RCICaseError` naming the line.
    public static func parseCSV(_ text: String) throws -> RCICase {
        var agents: [RCIAgentSpec] = []
        var sawHeader = false
        var gammaColumn: Int?, keyColumn: Int?, columns = 6
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = index + 1
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t") }
            if !sawHeader {
                let extra = Array(cells.dropFirst(6))
                guard Array(cells.prefix(6)) == csvHeader, extra.count <= 2, Set(extra).count == extra.count,
                      extra.allSatisfy({ $0 == "gamma" || $0 == "public_key" }) else {
                    throw RCICaseError.malformed(line: lineNo, reason: "header must be \(csvHeader.joined(separator: ","))[,gamma][,public_key]")
                }
                gammaColumn = extra.firstIndex(of: "gamma").map { $0 + 6 }
                keyColumn = extra.firstIndex(of: "public_key").map { $0 + 6 }
                columns = cells.count
                sawHeader = true
                continue
            }
            guard cells.count == columns || (cells.count == 6 && keyColumn == nil) else {
                throw RCICaseError.malformed(line: lineNo, reason: "expected \(columns) fields, found \(cells.count)")
            }
            guard let role = RCIRole(rawValue: cells[1]) else {
                throw RCICaseError.malformed(line: lineNo, reason: "role must be generator or consumer, not '\(cells[1])'")
            }
            func number(_ i: Int) throws -> Double {
                guard let v = Double(cells[i]), v.isFinite else {
                    throw RCICaseError.malformed(line: lineNo, reason: "\(csvHeader[i]) '\(cells[i])' is not a number")
                }
                return v
            }
            var gamma: [String: Double] = [:]
            var publicKey: [UInt8] = []
            if let k = keyColumn {
                guard let b = Hex.decode(cells[k]), b.count == 32 else {
                    throw RCICaseError.malformed(line: lineNo, reason: "public_key must be 64 hex digits (an Ed25519 public key)")
                }
                publicKey = b
            }
            if let g = gammaColumn, g < cells.count, !cells[g].isEmpty {
                for item in cells[g].split(separator: ";") {
                    let kv = item.split(separator: ":")
                    guard kv.count == 2, let g = Double(kv[1]), g.isFinite else {
                        throw RCICaseError.malformed(line: lineNo, reason: "gamma entry '\(item)' must be partner:price")
                    }
                    gamma[String(kv[0])] = g
                }
            }
            agents.append(RCIAgentSpec(id: cells[0], role: role, a: try number(2), b: try number(3),
                                       pMin: try number(4), pMax: try number(5), gamma: gamma, publicKey: publicKey))
        }
        guard sawHeader else { throw RCICaseError.malformed(line: 1, reason: "empty case file (no header)") }
        return try RCICase(agents: agents)
    }
}

private extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}

extension RCICase {
    public static let rosterHeader = ["agent", "role", "public_key"]

    /// The registered identities from either a roster file (`agent,role,public_key`, what a
    /// platform needs and nothing more) or a case file with a `public_key` column (only ids,
    /// roles and keys are used). Throws `RCICaseError` naming the line.
    public static func parseRegistered(_ text: String) throws -> [String: RCIRegisteredAgent] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = lines.firstIndex { let t = $0.trimmingCharacters(in: " \t\r"); return !t.isEmpty && !t.hasPrefix("#") }
        guard let first, lines[first].trimmingCharacters(in: " \t\r").split(separator: ",").map({ $0.trimmingCharacters(in: " \t") }) == rosterHeader else {
            guard let r = try parseCSV(text).registered else {
                throw RCICaseError.malformed(line: 1, reason: "every agent needs a public_key (64 hex digits; make keys with 'gridclear keygen --ed25519')")
            }
            return r
        }
        var out: [String: RCIRegisteredAgent] = [:]
        for index in (first + 1)..<lines.count {
            let line = lines[index].trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t") }
            guard cells.count == 3, let role = RCIRole(rawValue: cells[1]), let key = Hex.decode(cells[2]), key.count == 32,
                  !cells[0].isEmpty, cells[0].utf8.count <= 64, out[cells[0]] == nil else {
                throw RCICaseError.malformed(line: index + 1, reason: "expected agent,role,public_key (unique id, generator|consumer, 64 hex digits)")
            }
            out[cells[0]] = RCIRegisteredAgent(role: role, publicKey: key)
        }
        guard Set(out.values.map(\.role)).count == 2 else { throw RCICaseError.noCounterparty }
        return out
    }

    /// A roster file's text for `agents` (what `rci run` hands its platform).
    public static func rosterText(_ agents: [(id: String, role: RCIRole, publicKey: [UInt8])]) -> String {
        ([rosterHeader.joined(separator: ",")] + agents.map { "\($0.id),\($0.role.rawValue),\(Hex.encode($0.publicKey))" })
            .joined(separator: "\n") + "\n"
    }
}
