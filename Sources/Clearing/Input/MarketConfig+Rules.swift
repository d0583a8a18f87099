import GridClearCore

/// Reading the market-rule settings of `market.json`: `pricing` and `fees` (docs/market-rules.md).
extension JSONFields {
    /// `"pricing": "pay_as_bid"` (every mechanism) or `{"cmap": "pay_as_bid", "uniform": "uniform"}`.
    /// A string sets the four mechanisms and must be a pairwise rule; `uniform` exists only
    /// for the uniform-price auction.
    mutating func pricing(_ v: JSONValue) throws -> [String: PricingRule] {
        let mechanisms = ["cmap", "kproto", "cda", "uniform"]
        func rule(_ v: JSONValue, _ key: String, mechanism: String?) throws -> PricingRule {
            let s = try string(v, key)
            guard let r = PricingRule(rawValue: s) else {
                throw fail("'\(key)' must be one of midpoint, pay_as_bid, pay_as_offer, uniform; found '\(CanonicalText.echo(s))'")
            }
            if r == .uniform && mechanism != "uniform" {
                throw fail("'\(key)': uniform pricing applies to the uniform mechanism only (set it as {\"uniform\": \"uniform\"})")
            }
            return r
        }
        if case .string = v {
            let r = try rule(v, "pricing", mechanism: nil)
            return Dictionary(uniqueKeysWithValues: mechanisms.map { ($0, r) })
        }
        var out: [String: PricingRule] = [:]
        for m in try object(v, "pricing") {
            at(m.line, m.column)
            guard mechanisms.contains(m.key) else {
                throw fail("unknown key 'pricing.\(CanonicalText.echo(m.key))' (expected cmap, kproto, cda, uniform)")
            }
            out[m.key] = try rule(m.value, "pricing.\(m.key)", mechanism: m.key)
        }
        return out
    }

    /// `"fees": {"network": {"bands": [{"up_to_km": "2", "fee": "0.0100"}, {"fee": "0.0300"}]} |
    /// "grid_path" | "none", "levies": [{"name": "renewable", "per_kwh": "0.0050"}], "payer": "buyer"|"seller"|"split"}`.
    mutating func fees(_ v: JSONValue) throws -> FeeSchedule {
        var f = FeeSchedule()
        for m in try object(v, "fees") {
            at(m.line, m.column)
            switch m.key {
            case "network":
                if case .string(let s) = m.value {
                    switch s {
                    case "grid_path": f.network = .gridPath
                    case "none": f.network = .none
                    default: throw fail("'fees.network' must be \"grid_path\", \"none\" or {\"bands\": [...]}; found '\(CanonicalText.echo(s))'")
                    }
                    continue
                }
                var bands: [FeeSchedule.Band] = []
                for n in try object(m.value, "fees.network") {
                    at(n.line, n.column)
                    guard n.key == "bands" else { throw fail("unknown key 'fees.network.\(CanonicalText.echo(n.key))' (expected bands)") }
                    for item in try array(n.value, "fees.network.bands") {
                        var upTo: Double?, fee: PriceTicks?
                        for b in try object(item, "fees.network.bands[]") {
                            at(b.line, b.column)
                            switch b.key {
                            case "up_to_km": upTo = try decimal(b.value, "up_to_km", min: 0)
                            case "fee": fee = try self.fee(b.value, "fee")
                            default: throw fail("unknown band key '\(CanonicalText.echo(b.key))' (expected up_to_km, fee)")
                            }
                        }
                        guard let fee else { throw fail("a network fee band needs 'fee'") }
                        if let last = bands.last {
                            guard let lastUp = last.upToKm else { throw fail("only the last band may omit 'up_to_km'") }
                            if let upTo, upTo <= lastUp { throw fail("bands must have increasing 'up_to_km' (\(upTo) after \(lastUp))") }
                        }
                        bands.append(FeeSchedule.Band(upToKm: upTo, fee: fee))
                    }
                }
                guard !bands.isEmpty else { throw fail("'fees.network.bands' needs at least one band") }
                f.network = .distanceBands(bands)
            case "levies":
                for item in try array(m.value, "fees.levies") {
                    var name: String?, per: PriceTicks?
                    for l in try object(item, "fees.levies[]") {
                        at(l.line, l.column)
                        switch l.key {
                        case "name": name = try string(l.value, "name")
                        case "per_kwh": per = try fee(l.value, "per_kwh")
                        default: throw fail("unknown levy key '\(CanonicalText.echo(l.key))' (expected name, per_kwh)")
                        }
                    }
                    guard let name, !name.isEmpty, let per else { throw fail("a levy needs 'name' and 'per_kwh'") }
                    f.levies.append(FeeSchedule.Levy(name: name, perKWh: per))
                }
                guard f.levyPerKWh <= InputBounds.maxPriceTicks else { throw fail("the levies sum to more than 1000 CNY/kWh") }
            case "payer":
                let s = try string(m.value, "fees.payer")
                guard let p = FeeSchedule.Payer(rawValue: s) else { throw fail("'fees.payer' must be buyer, seller or split; found '\(CanonicalText.echo(s))'") }
                f.payer = p
            default: throw fail("unknown key 'fees.\(CanonicalText.echo(m.key))' (expected network, levies, payer)")
            }
        }
        return f
    }
}
