/// The one rule every mechanism uses to decide whether a buyer–seller pair may trade
/// (SPEC §3.1, §3.3, amended): the pair must be reachable (a path in `grid.json`, or
/// coordinates on both sides), and its loss must not exceed the buyer's `max_loss_pct`
/// when the bid gives one. A bid without a limit accepts any reachable seller (CMAP then
/// scores the loss by L_max; K-prototypes applies the market's L_max as its own filter).
extension PairLoss {
    /// Whether this pair may carry energy to `bid`'s buyer. Exact comparison of the
    /// computed loss with the stated limit: a loss equal to the limit is admitted.
    public func admits(_ bid: Bid) -> Bool {
        guard reachable, lossPct.isFinite else { return false }
        guard let limit = bid.maxLossPct else { return true }
        return lossPct <= limit
    }
}
