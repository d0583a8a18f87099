import GridClearCore

/// Continuous double auction (SPEC §3.3, seeds 001 and 002).
///
/// Orders are processed in arrival order against a price-time priority book. An
/// incoming bid trades with the best asks while ask ≤ bid; an incoming offer with
/// the best bids while bid ≥ ask; each fill is min(remaining, resting remaining) at
/// the mean of the two prices (`Units.meanPrice`, half to even). A partially filled
/// order rests with its remainder and keeps its time priority. Remainders at the
/// cycle end go to the grid.
///
/// Arrival order across both files (SPEC §3.3, amended): rows with `submitted_at` first,
/// by time; rows without it after every timed row; then arrival rank (file order), then
/// offers before bids. A resting order whose pair with the incoming one is unreachable
/// or above the buyer's `max_loss_pct` (`PairLoss.admits`) is skipped for that incoming
/// order and keeps its place in the book.
public struct ContinuousDoubleAuction: ClearingMechanism {
    public let name = "cda"
    public init() {}

    /// The merged event order: (isBid, index into the arrival-sorted arrays).
    static func eventOrder(bids: [Bid], offers: [Offer]) -> [(isBid: Bool, index: Int)] {
        var ev: [(untimed: Int, t: Int64, rank: Int, side: Int, isBid: Bool, index: Int)] = []
        for (i, o) in offers.enumerated() {
            ev.append((o.submittedAtMillis == nil ? 1 : 0, o.submittedAtMillis ?? 0, o.arrival, 0, false, i))
        }
        for (i, b) in bids.enumerated() {
            ev.append((b.submittedAtMillis == nil ? 1 : 0, b.submittedAtMillis ?? 0, b.arrival, 1, true, i))
        }
        ev.sort { ($0.untimed, $0.t, $0.rank, $0.side) < ($1.untimed, $1.t, $1.rank, $1.side) }
        return ev.map { ($0.isBid, $0.index) }
    }

    public func clear(_ inputs: CycleInputs, context: ClearingContext) throws -> ClearingResult {
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        var book = TradeBook(inputs: inputs)
        var bidLeft = bids.map(\.quantity), askLeft = offers.map(\.quantity)
        var bidSeq = [Int](repeating: 0, count: bids.count), askSeq = [Int](repeating: 0, count: offers.count)
        var bidBook = BookSide(.bids), askBook = BookSide(.asks)
        for (seq, ev) in Self.eventOrder(bids: bids, offers: offers).enumerated() {
            var skipped: [Int] = []
            if ev.isBid {
                let b = ev.index
                while bidLeft[b] > 0, let top = askBook.best, askBook.crosses(resting: top.price, incoming: bids[b].price) {
                    askBook.popBest()
                    let o = top.index, pair = book.pair(bids[b], offers[o])
                    guard pair.admits(bids[b]) else { skipped.append(o); continue }
                    let q = min(bidLeft[b], askLeft[o])
                    book.accept(bids[b], offers[o], energy: q, price: Units.meanPrice(bids[b].price, offers[o].price), pair: pair)
                    bidLeft[b] -= q; askLeft[o] -= q
                    if askLeft[o] > 0 { skipped.append(o) }
                }
                for o in skipped { askBook.insert(index: o, price: offers[o].price, seq: askSeq[o]) }
                if bidLeft[b] > 0 { bidSeq[b] = seq; bidBook.insert(index: b, price: bids[b].price, seq: seq) }
            } else {
                let o = ev.index
                while askLeft[o] > 0, let top = bidBook.best, bidBook.crosses(resting: top.price, incoming: offers[o].price) {
                    bidBook.popBest()
                    let b = top.index, pair = book.pair(bids[b], offers[o])
                    guard pair.admits(bids[b]) else { skipped.append(b); continue }
                    let q = min(askLeft[o], bidLeft[b])
                    book.accept(bids[b], offers[o], energy: q, price: Units.meanPrice(bids[b].price, offers[o].price), pair: pair)
                    askLeft[o] -= q; bidLeft[b] -= q
                    if bidLeft[b] > 0 { skipped.append(b) }
                }
                for b in skipped { bidBook.insert(index: b, price: bids[b].price, seq: bidSeq[b]) }
                if askLeft[o] > 0 { askSeq[o] = seq; askBook.insert(index: o, price: offers[o].price, seq: seq) }
            }
        }
        let trades = book.finish(bids: bids, bidRemainder: bidLeft, offers: offers, offerRemainder: askLeft)
        let result = ClearingResult(mechanism: name, trades: trades)
        result._checkInvariants(against: inputs)
        return result
    }
}
