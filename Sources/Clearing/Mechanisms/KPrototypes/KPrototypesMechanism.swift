/// K-prototypes multi-factor matching (SPEC §3.2, seed 003 ch. 3).
///
/// Purchase records are matched one by one in arrival order. The dissimilarity of
/// every (bid, offer) pair comes from one GEMM over `KProtoFeatures` plus the
/// elementwise loss term; a seller's quantity attribute follows its available energy
/// (the seed writes a new sale record with the remainder after each trade). A buyer
/// takes the least-dissimilar seller with energy left, reachable, within its
/// `max_loss_pct` (else the market's L_max) and asking no more than the bid's price
/// (amended SPEC §3.2: a buyer never pays more than it bid); energy = min(remaining demand, available supply) at the seller's
/// price, once the seller's policy approves. The rest is bought from the grid; unsold
/// supply is sold to the grid at the feed-in price.
///
/// Determinism: dissimilarities are compared after rounding to 1e-9 (so BLAS kernel
/// differences in the last bits do not flip a choice), ties by offer arrival.
public struct KPrototypesMechanism: ClearingMechanism {
    public let name = "kproto"
    public var approval: SellerApprovalPolicy

    public init(approval: SellerApprovalPolicy = .approveAll) { self.approval = approval }

    public func clear(_ inputs: CycleInputs, context: ClearingContext) throws -> ClearingResult {
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        var book = TradeBook(inputs: inputs)
        let m = bids.count, n = offers.count
        var pairs = [PairLoss](); pairs.reserveCapacity(m * n)
        for b in bids { for o in offers { pairs.append(book.pair(b, o)) } }
        let lossPct = pairs.map { $0.reachable ? $0.lossPct : .infinity }
        let f = KProtoFeatures(bids: bids, offers: offers, pairLoss: lossPct,
                               config: inputs.market.kproto, market: inputs.market)
        let base = SquaredDistances.gemm(f.buyers, f.sellers)

        var available = offers.map(\.quantity)
        var remaining = bids.map(\.quantity)
        var refusals = 0
        for j in 0..<m {
            let maxLoss = KProtoFeatures.acceptableLoss(bids[j], market: inputs.market)
            var excluded = Set<Int>()
            while remaining[j] > 0 {
                var best = -1, bestKey = Double.infinity
                for i in 0..<n where available[i] > 0 && !excluded.contains(i) {
                    let l = lossPct[j * n + i]
                    guard l.isFinite, l <= maxLoss, offers[i].price <= bids[j].price else { continue }
                    var d = base[j, i] + f.lossTerm(buyer: j, actualLossPct: l)
                    if available[i] != offers[i].quantity {
                        d += f.quantityCorrection(buyer: j, seller: i, available: available[i])
                    }
                    let key = (d * 1e9).rounded()
                    if key < bestKey { best = i; bestKey = key }
                }
                guard best >= 0 else { break }
                let energy = min(remaining[j], available[best])
                let proposal = MatchProposal(bid: bids[j], offer: offers[best], energy: energy,
                                             price: offers[best].price, lossPct: lossPct[j * n + best])
                guard approval.approves(proposal) else { excluded.insert(best); refusals += 1; continue }
                book.accept(bids[j], offers[best], energy: energy, price: offers[best].price, pair: pairs[j * n + best])
                remaining[j] -= energy
                available[best] -= energy
            }
        }
        let trades = book.finish(bids: bids, bidRemainder: remaining, offers: offers, offerRemainder: available)
        let result = ClearingResult(mechanism: name, trades: trades,
                                 extra: ["approval_policy": approval.name, "refusals": String(refusals)])
        result._checkInvariants(against: inputs)
        return result
    }
}
