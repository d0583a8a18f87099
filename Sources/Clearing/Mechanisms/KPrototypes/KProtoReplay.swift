import GridClearCore

/// Renders K-prototypes decisions made elsewhere — the privacy-preserving market's
/// confirmed match records (issue 14) — into a `ClearingResult` exactly as
/// `KPrototypesMechanism` renders its own: same trade rows, grid remainders, order and
/// summary extras, so `trades.csv` and `summary.json` compare byte for byte.
public enum KProtoReplay {
    /// One decided match: indices into `bidsByArrival` / `offersByArrival`.
    public struct Match: Sendable, Hashable {
        public var bid: Int, offer: Int
        public var energy: Wh
        public var price: PriceTicks
        public init(bid: Int, offer: Int, energy: Wh, price: PriceTicks) { self.bid = bid; self.offer = offer; self.energy = energy; self.price = price }
    }

    /// Throws `UsageError` if a match names a missing quote, carries no energy or
    /// over-draws a quote (the decisions are not a K-prototypes outcome of `inputs`).
    public static func result(_ inputs: CycleInputs, matches: [Match]) throws -> ClearingResult {
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        var book = TradeBook(inputs: inputs)
        var remaining = bids.map(\.quantity), available = offers.map(\.quantity)
        for m in matches {
            guard bids.indices.contains(m.bid), offers.indices.contains(m.offer), m.energy > 0,
                  m.energy <= remaining[m.bid], m.energy <= available[m.offer] else {
                throw UsageError("match \(m) is not a valid K-prototypes trade of cycle \(inputs.cycleID)")
            }
            book.accept(bids[m.bid], offers[m.offer], energy: m.energy, price: m.price)
            remaining[m.bid] -= m.energy; available[m.offer] -= m.energy
        }
        let trades = book.finish(bids: bids, bidRemainder: remaining, offers: offers, offerRemainder: available)
        return ClearingResult(mechanism: "kproto", trades: trades,
                              extra: ["approval_policy": SellerApprovalPolicy.approveAll.name, "refusals": "0"])
    }
}
