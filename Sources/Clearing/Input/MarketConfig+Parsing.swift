import GridClearCore

extension MarketConfig {
    /// Applies the keys of one `market.json` document on top of `self` (defaults, or the
    /// market-wide file when reading a per-cycle override). Unknown keys are errors so
    /// typos are caught; decimals may be JSON strings or numbers and are read exactly.
    public func applying(json bytes: [UInt8], file: String) throws -> MarketConfig {
        let root = try JSONInput.parse(bytes, file: file)
        var c = self
        var r = JSONFields(file: file)
        guard case .object(let members) = root else { throw InputError(file: file, line: 1, column: 1, "expected a JSON object") }
        for m in members {
            r.at(m.line, m.column)
            switch m.key {
            case "price_min": c.priceMin = try r.price(m.value, m.key)
            case "price_max": c.priceMax = try r.price(m.value, m.key)
            case "grid_buy_price": c.gridBuyPrice = try r.price(m.value, m.key)
            case "grid_sell_price": c.gridSellPrice = try r.price(m.value, m.key)
            case "loss_pct_per_km": c.lossPctPerKm = try r.decimal(m.value, m.key, min: 0)
            case "max_line_km": c.maxLineKm = try r.decimal(m.value, m.key, min: 0, exclusiveMin: true)
            case "mechanism":
                let s = try r.string(m.value, m.key)
                guard ["cmap", "kproto", "cda", "uniform"].contains(s) else {
                    throw r.fail("'mechanism' must be one of cmap, kproto, cda, uniform; found '\(CanonicalText.echo(s))'")
                }
                c.mechanism = s
            case "gate_closure_minutes": c.gateClosureMinutes = try r.integer(m.value, m.key, min: 0, max: 24 * 60)
            case "cmap":
                for n in try r.object(m.value, m.key) {
                    r.at(n.line, n.column)
                    switch n.key {
                    case "objective_weights":
                        let a = try r.array(n.value, "cmap.objective_weights")
                        guard a.count == 2 else { throw r.fail("'cmap.objective_weights' must have exactly 2 weights") }
                        let w1 = try r.exact(a[0], "cmap.objective_weights[0]", decimals: 6)
                        let w2 = try r.exact(a[1], "cmap.objective_weights[1]", decimals: 6)
                        guard w1 >= 0, w2 >= 0, w1 + w2 == 1_000_000 else { throw r.fail("'cmap.objective_weights' must be two non-negative weights summing to 1") }
                        c.cmap.objectiveWeights = (Double(w1) / 1e6, Double(w2) / 1e6)
                    case "rejection_threshold": c.cmap.rejectionThreshold = try r.decimal(n.value, "cmap.rejection_threshold", min: 0, max: 1)
                    case "max_rounds": c.cmap.maxRounds = try r.integer(n.value, "cmap.max_rounds", min: 1, max: 100)
                    default: throw r.fail("unknown key 'cmap.\(CanonicalText.echo(n.key))' (expected objective_weights, rejection_threshold, max_rounds)")
                    }
                }
            case "kproto":
                for n in try r.object(m.value, m.key) {
                    r.at(n.line, n.column)
                    switch n.key {
                    case "numeric_weights":
                        for w in try r.object(n.value, "kproto.numeric_weights") {
                            r.at(w.line, w.column)
                            guard ["price", "quantity", "green", "reputation", "loss"].contains(w.key) else {
                                throw r.fail("unknown key 'kproto.numeric_weights.\(CanonicalText.echo(w.key))' (expected price, quantity, green, reputation, loss)")
                            }
                            c.kproto.numericWeights[w.key] = try r.decimal(w.value, "kproto.numeric_weights.\(w.key)", min: 0)
                        }
                    case "categorical_weights":
                        for w in try r.object(n.value, "kproto.categorical_weights") {
                            r.at(w.line, w.column)
                            guard w.key == "energy_type" else { throw r.fail("unknown key 'kproto.categorical_weights.\(CanonicalText.echo(w.key))' (expected energy_type)") }
                            c.kproto.categoricalWeights[w.key] = try r.decimal(w.value, "kproto.categorical_weights.\(w.key)", min: 0)
                        }
                    default: throw r.fail("unknown key 'kproto.\(CanonicalText.echo(n.key))' (expected numeric_weights, categorical_weights)")
                    }
                }
            case "settlement":
                for n in try r.object(m.value, m.key) {
                    r.at(n.line, n.column)
                    switch n.key {
                    case "tolerance_pct": c.settlement.tolerancePct = try r.decimal(n.value, "settlement.tolerance_pct", min: 0, max: 100)
                    case "late_cycles": c.settlement.lateCycles = try r.integer(n.value, "settlement.late_cycles", min: 0, max: 10_000)
                    default: throw r.fail("unknown key 'settlement.\(CanonicalText.echo(n.key))' (expected tolerance_pct, late_cycles)")
                    }
                }
            case "pricing": c.pricing.merge(try r.pricing(m.value)) { _, new in new }
            case "fees": c.fees = try r.fees(m.value)
            default:
                throw r.fail("unknown key '\(CanonicalText.echo(m.key))' (expected price_min, price_max, grid_buy_price, grid_sell_price, loss_pct_per_km, max_line_km, mechanism, gate_closure_minutes, cmap, kproto, settlement, pricing, fees)")
            }
        }
        guard c.priceMin < c.priceMax else {
            throw InputError(file: file, line: 1, column: 1, "price_min (\(Units.priceString(c.priceMin))) must be below price_max (\(Units.priceString(c.priceMax)))")
        }
        return c
    }
}
