import GridClearCore

/// A broken guarantee of a clearing result: a bug in GridClear, never a property of the
/// input. The cycle is not cleared; report it together with the cycle's input files.
public struct ClearingInvariantError: Error, CustomStringConvertible, Sendable, Equatable {
    public var description: String
    public init(_ d: String) { description = "internal invariant violated: " + d }
}

/// The guarantees every mechanism's `ClearingResult` keeps (cmap, kproto, cda, uniform),
/// checked from the inputs and the trades alone, in exact integers:
///
/// - energy is conserved per quote in exact Wh: the accepted and grid rows of every bid sum
///   to its quantity, and those of every offer to its quantity (rejected rows are proposals,
///   not deliveries, and do not count);
/// - no pair over a limit: every row carries positive energy, no more than either quote
///   holds; an accepted or rejected row names a real bid and offer of the cycle with their
///   own buyer and seller, at a reachable pair (finite loss and distance) within the buyer's
///   `max_loss_pct` when the bid gives one (every mechanism, amended SPEC §3.3);
/// - grid rows have exactly one side `grid`: a purchase at the market's grid buy price, a
///   sale at its grid sell price; participant rows never name `grid`;
/// - money is Wh × ticks: prices are non-negative and every amount, and the cycle's total,
///   is computed without overflow;
/// - fees (when the market sets them): on every row buyer + seller = network + levy, all
///   non-negative, and only accepted rows carry any;
/// - rejected rows carry no money: `amount` is 0, and they are never settled, paid or counted
///   as matched (their energy and price show the rejected proposal, for transparency).
///
/// `validate(against:)` is the public check (`replay` calls it on a re-cleared cycle);
/// `_checkInvariants(against:)` runs it after every clear in debug and test builds and traps
/// on a violation, in the style of swift-collections' `Heap._checkInvariants()`. Release
/// builds compile it to nothing.
extension ClearingResult {
    /// Throws the first broken guarantee, naming the rows and quotes involved.
    public func validate(against inputs: CycleInputs) throws(ClearingInvariantError) {
        let bids = Dictionary(inputs.bids.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let offers = Dictionary(inputs.offers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let grid = Trade.gridID
        var bought = [String: Wh](), sold = [String: Wh]()
        var total: MoneyUnits = 0
        for (row, t) in trades.enumerated() {
            let what = "row \(row + 1) (\(t.bidID)/\(t.offerID))"
            guard t.energy > 0 else { throw ClearingInvariantError("\(what) carries \(t.energy) Wh; every row carries positive energy") }
            guard t.price >= 0 else { throw ClearingInvariantError("\(what) has the negative price \(t.price) ticks") }
            if feesApplied {
                guard let f = t.fees, f.buyer + f.seller == f.network + f.levy, f.network >= 0, f.levy >= 0, f.buyer >= 0, f.seller >= 0 else {
                    throw ClearingInvariantError("\(what): its fees do not add up (buyer + seller must equal network + levy)")
                }
                guard t.status == .accepted || f == .zero else { throw ClearingInvariantError("\(what) is not an accepted trade but carries fees") }
            }
            let (amount, overflow) = t.energy.multipliedReportingOverflow(by: t.price)
            guard !overflow else { throw ClearingInvariantError("\(what): \(t.energy) Wh × \(t.price) ticks overflows") }
            switch t.status {
            case .grid:
                if t.offerID == grid, t.sellerID == grid, t.bidID != grid, let b = bids[t.bidID] {
                    guard t.buyerID == b.buyerID else { throw ClearingInvariantError("\(what) names buyer \(t.buyerID), the bid's is \(b.buyerID)") }
                    guard t.price == inputs.market.gridBuyPrice else {
                        throw ClearingInvariantError("\(what) buys from the grid at \(t.price) ticks, not the grid buy price \(inputs.market.gridBuyPrice)")
                    }
                    bought[t.bidID, default: 0] += t.energy
                } else if t.bidID == grid, t.buyerID == grid, t.offerID != grid, let o = offers[t.offerID] {
                    guard t.sellerID == o.sellerID else { throw ClearingInvariantError("\(what) names seller \(t.sellerID), the offer's is \(o.sellerID)") }
                    guard t.price == inputs.market.gridSellPrice else {
                        throw ClearingInvariantError("\(what) sells to the grid at \(t.price) ticks, not the grid sell price \(inputs.market.gridSellPrice)")
                    }
                    sold[t.offerID, default: 0] += t.energy
                } else {
                    throw ClearingInvariantError("\(what) is a grid row without exactly one side 'grid' and a quote of the cycle on the other")
                }
            case .accepted, .rejected:
                guard let b = bids[t.bidID], let o = offers[t.offerID] else {
                    throw ClearingInvariantError("\(what) names a bid or offer that is not in the cycle")
                }
                guard t.buyerID == b.buyerID, t.sellerID == o.sellerID else {
                    throw ClearingInvariantError("\(what) names \(t.buyerID)/\(t.sellerID), the quotes' parties are \(b.buyerID)/\(o.sellerID)")
                }
                guard t.energy <= min(b.quantity, o.quantity) else {
                    throw ClearingInvariantError("\(what) carries \(t.energy) Wh, more than the quotes hold (\(b.quantity)/\(o.quantity) Wh)")
                }
                guard t.lossPct.isFinite, t.distanceKm.isFinite else { throw ClearingInvariantError("\(what) pairs an unreachable buyer and seller") }
                if let limit = b.maxLossPct, t.lossPct > limit {
                    throw ClearingInvariantError("\(what) loses \(t.lossPct) %, above the buyer's max_loss_pct \(limit)")
                }
                guard t.status == .accepted else { continue } // a rejected proposal: no money, no delivery
                bought[t.bidID, default: 0] += t.energy
                sold[t.offerID, default: 0] += t.energy
                let (sum, o2) = total.addingReportingOverflow(amount)
                guard !o2 else { throw ClearingInvariantError("the cycle's total amount overflows at \(what)") }
                total = sum
            }
        }
        for b in inputs.bids where bought[b.id, default: 0] != b.quantity {
            throw ClearingInvariantError("bid \(b.id) receives \(bought[b.id, default: 0]) Wh, its quantity is \(b.quantity) Wh")
        }
        for o in inputs.offers where sold[o.id, default: 0] != o.quantity {
            throw ClearingInvariantError("offer \(o.id) accounts for \(sold[o.id, default: 0]) Wh, its quantity is \(o.quantity) Wh")
        }
    }

    #if DEBUG
    /// Traps unless `validate(against:)` passes (debug and test builds: every clear).
    @inline(never)
    public func _checkInvariants(against inputs: CycleInputs) {
        do { try validate(against: inputs) } catch { preconditionFailure("\(mechanism): \(error)") }
    }
    #else
    /// Compiled to nothing in release builds; `validate(against:)` is the check there.
    @inline(__always)
    public func _checkInvariants(against inputs: CycleInputs) {}
    #endif
}
