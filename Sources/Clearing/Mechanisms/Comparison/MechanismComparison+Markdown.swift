import GridClearCore

extension MechanismComparison {
    /// `compare.md`: the SPEC §3.8 metrics side by side, one column per mechanism.
    public func markdown() -> String {
        func n(_ x: Double, _ d: Int) -> String { CanonicalText.number(x, decimals: d) }
        func opt(_ x: Double?, _ d: Int) -> String { x.map { n($0, d) } ?? "—" }
        func kwh(_ w: Wh) -> String { Units.kWhString(w) }
        var s = "# Mechanism comparison — cycle \(inputs.cycleID)\n\n"
        s += "Same inputs for every mechanism: \(inputs.bids.count) bids (demand \(kwh(totalDemand)) kWh), "
        s += "\(inputs.offers.count) offers (supply \(kwh(totalSupply)) kWh). "
        if let p = curves.price {
            s += "The supply and demand curves cross at \(kwh(curves.quantity)) kWh; uniform clearing price \(Units.priceString(p)) CNY/kWh.\n\n"
        } else {
            s += "The supply and demand curves do not cross.\n\n"
        }
        let rows: [(String, (Entry) -> String)] = [
            ("matched energy (kWh)", { kwh($0.metrics.matchedWh) }),
            ("matched share of demand (%)", { n(self.totalDemand > 0 ? 100 * Double($0.metrics.matchedWh) / Double(self.totalDemand) : 0, 2) }),
            ("matches (accepted trades)", { String($0.metrics.matches) }),
            ("matches per matched buyer", { n($0.metrics.matchesPerBuyer, 2) }),
            ("clean-energy share of matched energy (%)", { n(100 * $0.metrics.cleanShare, 2) }),
            ("mean trade price (CNY/kWh) = paid / matched energy", {
                $0.metrics.matchedWh > 0 ? n(Double($0.metrics.paidMoney) / Double($0.metrics.matchedWh) / 10_000, 4) : "—" }),
            ("APET (CNY/kWh)", { n($0.metrics.apet, 4) }),
            ("transmission loss (kWh)", { n($0.metrics.lostWh / 1000, 3) }),
            ("mean loss (%, energy-weighted)", { n($0.metrics.meanLossPct, 3) }),
            ("mean distance per trade (km)", { n($0.metrics.meanDistanceKm, 3) }),
            ("total distance (km)", { n($0.metrics.totalDistanceKm, 1) }),
            ("buyer satisfaction, CMAP scale: mean", { opt($0.cmapScaleBuyerSatisfaction, 3) }),
            ("seller satisfaction, CMAP scale: mean", { opt($0.cmapScaleSellerSatisfaction, 3) }),
            ("buyer satisfaction, mechanism's own: mean", { opt($0.metrics.meanBuyerSatisfaction, 3) }),
            ("buyer satisfaction, mechanism's own: low 10 %", { opt($0.metrics.low10BuyerSatisfaction, 3) }),
            ("buyer satisfaction, mechanism's own: high 10 %", { opt($0.metrics.high10BuyerSatisfaction, 3) }),
            ("rejected share of proposed energy (%)", { n(100 * $0.metrics.rejectedShare, 2) }),
            ("buyers left unmatched", { String($0.metrics.unmatchedBuyers) }),
            ("sellers left unmatched", { String($0.metrics.unmatchedSellers) }),
            ("bought from the grid (kWh)", { kwh($0.metrics.gridBuyWh) }),
            ("sold to the grid (kWh)", { kwh($0.metrics.gridSellWh) }),
            ("paid for matched energy (CNY)", { Units.moneyStringCents($0.metrics.paidMoney) }),
            ("solve time (s)", { n($0.seconds, 3) }),
        ]
        s += "| metric | " + entries.map(\.name).joined(separator: " | ") + " |\n"
        s += "|---|" + entries.map { _ in "---:" }.joined(separator: "|") + "|\n"
        for (label, f) in rows { s += "| \(label) | " + entries.map(f).joined(separator: " | ") + " |\n" }
        s += "\nNotes\n\n"
        for f in failures { s += "- \(f.mechanism) failed and is not in the table: \(f.reason)\n" }
        s += "- Clean share = clean energy / all energy in accepted trades; APET = paid / (energy − lost energy).\n"
        s += "- CMAP-scale satisfaction evaluates every mechanism's accepted pairs with CMAP's a'_ij / b'_ij (SPEC §3.1, normalised over all pairs of the cycle); the mechanism's own satisfaction exists only where the mechanism defines one.\n"
        for e in entries where !e.result.extra.isEmpty {
            s += "- \(e.name): " + e.result.extra.keys.sorted().map { "\($0) = \(e.result.extra[$0]!)" }.joined(separator: "; ") + "\n"
        }
        return s
    }
}
