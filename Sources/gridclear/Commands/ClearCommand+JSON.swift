import Clearing
import GridClearApp
import GridClearCore

extension ClearReport {
    /// `clear --json`: the numbers of the text report (same decimal text), the ledger outcome,
    /// the outputs and the rejected participant files.
    static func json(_ o: IntakeOutcome, ledger: String?) -> String {
        let c = o.result.cleared
        let m = CycleMetrics.compute(inputs: c.inputs, result: c.result)
        func n(_ x: Double, _ d: Int) -> String { CanonicalText.number(x, decimals: d) }
        func kwh(_ wh: Int64) -> String { Units.kWhString(wh) }
        var w = JSONWriter()
        w.add("cycle", c.cycleID)
        w.add("mechanism", c.result.mechanism)
        w.add("bids", c.inputs.bids.count)
        w.add("offers", c.inputs.offers.count)
        w.add("demand_kwh", raw: kwh(c.inputs.bids.reduce(Int64(0)) { $0 + $1.quantity }))
        w.add("supply_kwh", raw: kwh(c.inputs.offers.reduce(Int64(0)) { $0 + $1.quantity }))
        w.add("trades", m.matches)
        w.add("matched_kwh", raw: kwh(m.matchedWh))
        w.add("grid_buy_kwh", raw: kwh(m.gridBuyWh))
        w.add("grid_sell_kwh", raw: kwh(m.gridSellWh))
        w.add("rejected_kwh", raw: kwh(m.rejectedWh))
        w.add("clean_share_pct", raw: n(m.cleanShare * 100, 1))
        w.add("apet_cny_per_kwh", raw: n(m.apet, 4))
        w.add("mean_loss_pct", raw: n(m.meanLossPct, 2))
        w.add("paid_cny", raw: Units.moneyStringCents(m.paidMoney))
        w.add("rounds", raw: "[" + c.result.rounds.map { r in
            var o = JSONWriter()
            o.add("round", r.round); o.add("solver", r.solver); o.add("z1", raw: n(r.z1, 3)); o.add("z2", raw: n(r.z2, 3))
            o.add("objective", raw: n(r.objective, 4)); o.add("matched_kwh", raw: kwh(r.matchedWh)); o.add("rejected_kwh", raw: kwh(r.rejectedWh))
            return o.renderCompact()
        }.joined(separator: ", ") + "]")
        if let ledger, let rec = o.result.record {
            var l = JSONWriter()
            l.add("directory", ledger)
            if case .appended = rec { l.add("outcome", "appended") } else { l.add("outcome", "already_recorded") }
            l.add("height", raw: String(rec.height))
            w.add("ledger", raw: l.renderCompact())
        } else {
            w.add("ledger", raw: "null")
        }
        w.add("outputs", raw: "[" + (o.result.published + (o.rejectedPath.map { [$0] } ?? [])).map { CanonicalText.jsonString($0) }.joined(separator: ", ") + "]")
        w.add("accepted_files", o.intake.accepted.count)
        w.add("rejected_files", raw: "[" + o.intake.rejected.map { x in
            var r = JSONWriter(); r.add("participant", x.participant); r.add("file", x.file); r.add("error", x.error); return r.renderCompact()
        }.joined(separator: ", ") + "]")
        w.add("exit_code", o.partial ? 2 : 0)
        return w.render()
    }
}
