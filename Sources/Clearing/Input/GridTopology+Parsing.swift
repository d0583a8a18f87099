import GridClearCore

extension GridTopology {
    /// Parses `grid.json`:
    /// `{"nodes": [{"id": "S1", "kind": "seller"}, {"id": "R1", "kind": "router", "conversion_loss_pct": "0.5"}, …],
    ///   "lines": [{"from": "S1", "to": "R1", "length_km": "2.5", "loss_pct_per_km": "1.0", "network_fee": "0.0100"}, …]}`
    /// Lines are directed (energy flows `from` → `to`); `loss_pct_per_km` is optional
    /// (default: the market's); `network_fee` (CNY/kWh, default 0) is what `fees.network: "grid_path"` charges. Kinds: seller, buyer, router (only routers have a conversion loss).
    public static func parse(json bytes: [UInt8], file: String) throws -> GridTopology {
        let root = try JSONInput.parse(bytes, file: file)
        var r = JSONFields(file: file)
        guard case .object(let members) = root else { throw InputError(file: file, line: 1, column: 1, "expected a JSON object") }
        var nodes: [Node] = [], lines: [Line] = []
        var seen = Set<String>()
        for m in members {
            r.at(m.line, m.column)
            switch m.key {
            case "nodes":
                for item in try r.array(m.value, "nodes") {
                    let fields = try r.object(item, "nodes[]")
                    var id: String?, kind = "", conv = 0.0
                    for f in fields {
                        r.at(f.line, f.column)
                        switch f.key {
                        case "id": id = try r.string(f.value, "id")
                        case "kind":
                            kind = try r.string(f.value, "kind")
                            guard ["seller", "buyer", "router"].contains(kind) else { throw r.fail("node kind must be seller, buyer or router; found '\(CanonicalText.echo(kind))'") }
                        case "conversion_loss_pct": conv = try r.decimal(f.value, "conversion_loss_pct", min: 0, max: 100)
                        default: throw r.fail("unknown node key '\(CanonicalText.echo(f.key))' (expected id, kind, conversion_loss_pct)")
                        }
                    }
                    guard let nid = id, !nid.isEmpty else { throw r.fail("node without an 'id'") }
                    if let problem = InputBounds.identifierProblem(nid, what: "node id") { throw r.fail(problem) }
                    guard !kind.isEmpty else { throw r.fail("node '\(nid)' without a 'kind'") }
                    guard seen.insert(nid).inserted else { throw r.fail("duplicate node id '\(nid)'") }
                    if conv > 0 && kind != "router" { throw r.fail("only routers have a conversion loss (node '\(nid)')") }
                    nodes.append(Node(id: nid, kind: kind, conversionLossPct: conv))
                }
            case "lines":
                for item in try r.array(m.value, "lines") {
                    let fields = try r.object(item, "lines[]")
                    var from: String?, to: String?, len: Double?, rate: Double?, fee: PriceTicks = 0
                    for f in fields {
                        r.at(f.line, f.column)
                        switch f.key {
                        case "from": from = try r.string(f.value, "from")
                        case "to": to = try r.string(f.value, "to")
                        case "length_km": len = try r.decimal(f.value, "length_km", min: 0)
                        case "loss_pct_per_km": rate = try r.decimal(f.value, "loss_pct_per_km", min: 0)
                        case "network_fee": fee = try r.fee(f.value, "network_fee")
                        default: throw r.fail("unknown line key '\(CanonicalText.echo(f.key))' (expected from, to, length_km, loss_pct_per_km, network_fee)")
                        }
                    }
                    guard let f = from, let t = to, let l = len else { throw r.fail("a line needs 'from', 'to' and 'length_km'") }
                    lines.append(Line(from: f, to: t, lengthKm: l, lossPctPerKm: rate, networkFee: fee))
                }
            default: throw r.fail("unknown key '\(CanonicalText.echo(m.key))' (expected nodes, lines)")
            }
        }
        for l in lines {
            guard seen.contains(l.from), seen.contains(l.to) else {
                throw InputError(file: file, line: 1, column: 1, "line \(CanonicalText.echo(l.from)) → \(CanonicalText.echo(l.to)) names an unknown node")
            }
        }
        return GridTopology(nodes: nodes, lines: lines)
    }
}
