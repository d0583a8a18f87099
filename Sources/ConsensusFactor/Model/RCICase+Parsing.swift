/// The case file format (CSV, UTF-8, one agent per line, `#` comments and blank lines ignored):
///
///     agent,role,a,b,p_min_mw,p_max_mw[,gamma]
///     G1,generator,0.08,20,0,300
///     C1,consumer,0.07,70,-400,-10,G1:1.5;G2:0.5
///
/// `a` in €/MW², `b` in €/MWh, bounds in MW (positive = selling), `gamma` an optional list of
/// `partner:€/MWh` product-differentiation prices separated by `;`. The New England file from
/// `data/new_england_31.csv` is in this format.
extension RCICase {
    public static let csvHeader = ["agent", "role", "a", "b", "p_min_mw", "p_max_mw"]

    /// Parses the CSV text above. Throws `RCICaseError` naming the line.
    public static func parseCSV(_ text: String) throws -> RCICase {
        var agents: [RCIAgentSpec] = []
        var sawHeader = false
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = index + 1
            let line = raw.trimmingCharacters(in: " \t\r")
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " \t") }
            if !sawHeader {
                guard Array(cells.prefix(6)) == csvHeader, cells.count <= 7, cells.count == 6 || cells[6] == "gamma" else {
                    throw RCICaseError.malformed(line: lineNo, reason: "header must be \(csvHeader.joined(separator: ","))[,gamma]")
                }
                sawHeader = true
                continue
            }
            guard cells.count == 6 || cells.count == 7 else {
                throw RCICaseError.malformed(line: lineNo, reason: "expected 6 or 7 fields, found \(cells.count)")
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
            if cells.count == 7, !cells[6].isEmpty {
                for item in cells[6].split(separator: ";") {
                    let kv = item.split(separator: ":")
                    guard kv.count == 2, let g = Double(kv[1]), g.isFinite else {
                        throw RCICaseError.malformed(line: lineNo, reason: "gamma entry '\(item)' must be partner:price")
                    }
                    gamma[String(kv[0])] = g
                }
            }
            agents.append(RCIAgentSpec(id: cells[0], role: role, a: try number(2), b: try number(3),
                                       pMin: try number(4), pMax: try number(5), gamma: gamma))
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
