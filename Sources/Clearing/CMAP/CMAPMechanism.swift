import GridClearCore

/// CMAP-Matching (SPEC §3.1, seed 003 ch. 4): multi-attribute preference matching as a
/// bi-objective transportation LP, with the rejection model and cyclic rounds.
///
/// Guarantees (checked in integers before returning):
/// - every buyer's energy (accepted trades + grid purchase) equals its demand exactly in Wh;
/// - no seller sells more than it offered; what it did not sell goes to the grid at the feed-in price;
/// - the output is a deterministic function of the inputs (GLPK is deterministic, ties by index).
///
/// Choices where the seed is silent (documented in docs/clearing.md):
/// - a' and b' are normalised once, over all reachable pairs of the cycle; later rounds keep
///   them, so a pair's rejection decision does not depend on the round;
/// - a party rejects a proposed pair when its own normalised satisfaction is below the market's
///   `cmap.rejection_threshold`; rejected pairs never return in later rounds;
/// - pairs with no path in grid.json, and pairs whose loss exceeds the buyer's `max_loss_pct`,
///   are excluded from the model and the normalisation (`PairLoss.admits`);
/// - pairs whose ask exceeds the bid take part in the normalisation but get no variable, so
///   the trade price (mean of the two quotes) never exceeds the buyer's bid.
public struct CMAPMechanism: ClearingMechanism {
    public let name = "cmap"
    public var solver: CMAPSolverPath

    public init(solver: CMAPSolverPath = .fastestAvailable) { self.solver = solver }

    public func clear(_ inputs: CycleInputs, context: ClearingContext) throws -> ClearingResult {
        let market = inputs.market
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        let m = bids.count, n = offers.count
        let (losses, a, b, reachable) = Self.satisfactions(inputs)
        let threshold = market.cmap.rejectionThreshold

        var remainingDemand = bids.map(\.quantity)
        var remainingSupply = offers.map(\.quantity)
        // Variables only for pairs where the ask does not exceed the bid: at the midpoint a
        // buyer then never pays above its bid (issue 16). Such pairs still take part in the
        // normalisation above, so the seed's 10·pPrice/sPrice branch keeps its meaning.
        var allowed = Self.tradable(reachable, bids: bids, offers: offers)
        var accepted = [Wh](repeating: 0, count: m * n)
        var rejectedAt: [Int: (energy: Wh, round: Int)] = [:]
        var gridBuy = [Wh](repeating: 0, count: m)
        var reports: [CMAPRoundReport] = []

        var round = 0
        while n > 0, round < market.cmap.maxRounds, remainingDemand.contains(where: { $0 > 0 }) {
            round += 1
            // Only buyers with remaining demand take part; sellers with zero supply stay as columns.
            let active = (0..<m).filter { remainingDemand[$0] > 0 }
            var pa = [Double](), pb = [Double](), pal = [Bool]()
            pa.reserveCapacity(active.count * n); pb.reserveCapacity(active.count * n); pal.reserveCapacity(active.count * n)
            for i in active {
                for j in 0..<n {
                    let k = i * n + j
                    pa.append(a[k]); pb.append(b[k]); pal.append(allowed[k] && remainingSupply[j] > 0)
                }
            }
            // No pair left that could carry energy: the rest goes to the grid without another solve.
            if !pal.contains(true) { break }
            let problem = CMAPRoundProblem(demands: active.map { remainingDemand[$0] }, supplies: remainingSupply,
                                           a: pa, b: pb, allowed: pal, weights: market.cmap.objectiveWeights)
            let sol = try Self.solveRound(problem, round: round, path: solver, clock: context.monotonicNanos, events: context.events)
            var matchedWh: Wh = 0, rejectedWh: Wh = 0, rejectedPairs = 0
            for (r, i) in active.enumerated() {
                gridBuy[i] += sol.gridFlows[r]
                remainingDemand[i] -= sol.gridFlows[r]
                for j in 0..<n {
                    let x = sol.flows[r * n + j]
                    guard x > 0 else { continue }
                    let k = i * n + j
                    remainingSupply[j] -= x
                    if a[k] < threshold || b[k] < threshold {
                        // Rejected: the seller gets the energy back, the buyer's demand returns to the next round.
                        remainingSupply[j] += x
                        allowed[k] = false
                        rejectedAt[k] = (x, round)
                        rejectedWh += x; rejectedPairs += 1
                    } else {
                        accepted[k] += x
                        remainingDemand[i] -= x
                        matchedWh += x
                    }
                }
            }
            reports.append(CMAPRoundReport(round: round, z1: sol.z1, z2: sol.z2, z1Max: sol.z1Max, z1Min: sol.z1Min,
                                           z2Max: sol.z2Max, z2Min: sol.z2Min, objective: sol.objective,
                                           solver: sol.path.rawValue, solveSeconds: sol.solveSeconds,
                                           matchedWh: matchedWh, rejectedWh: rejectedWh, rejectedPairs: rejectedPairs))
            if rejectedPairs == 0 { break }
        }
        // What remains after the last round goes to the grid.
        for i in 0..<m where remainingDemand[i] > 0 { gridBuy[i] += remainingDemand[i]; remainingDemand[i] = 0 }

        var trades: [Trade] = []
        for i in 0..<m {
            for j in 0..<n {
                let k = i * n + j
                if accepted[k] > 0 {
                    trades.append(Trade(bidID: bids[i].id, offerID: offers[j].id, buyerID: bids[i].buyerID, sellerID: offers[j].sellerID,
                                        energy: accepted[k], price: Units.meanPrice(bids[i].price, offers[j].price),
                                        lossPct: losses[k].lossPct, distanceKm: losses[k].distanceKm,
                                        buyerSatisfaction: a[k], sellerSatisfaction: b[k], status: .accepted))
                } else if let r = rejectedAt[k] {
                    trades.append(Trade(bidID: bids[i].id, offerID: offers[j].id, buyerID: bids[i].buyerID, sellerID: offers[j].sellerID,
                                        energy: r.energy, price: Units.meanPrice(bids[i].price, offers[j].price),
                                        lossPct: losses[k].lossPct, distanceKm: losses[k].distanceKm,
                                        buyerSatisfaction: a[k], sellerSatisfaction: b[k], status: .rejected))
                }
            }
        }
        for i in 0..<m where gridBuy[i] > 0 { trades.append(.fromGrid(bids[i], energy: gridBuy[i], price: market.gridBuyPrice)) }
        var sold = [Wh](repeating: 0, count: n)
        for i in 0..<m { for j in 0..<n { sold[j] += accepted[i * n + j] } }
        for j in 0..<n where offers[j].quantity - sold[j] > 0 {
            trades.append(.toGrid(offers[j], energy: offers[j].quantity - sold[j], price: market.gridSellPrice))
        }
        let result = ClearingResult(mechanism: name, trades: trades, rounds: reports)
        try result.validate(against: inputs)
        return result
    }

    /// Pair losses, normalised satisfactions a', b' (m×n row-major, bids and offers in
    /// arrival order) and reachability, as every round uses them.
    static func satisfactions(_ inputs: CycleInputs) -> (losses: [PairLoss], a: [Double], b: [Double], reachable: [Bool]) {
        let market = inputs.market
        let bids = inputs.bidsByArrival, offers = inputs.offersByArrival
        let m = bids.count, n = offers.count
        let lossModel = LossModel(market: market, grid: inputs.grid)
        var losses = [PairLoss](); losses.reserveCapacity(m * n)
        var aRaw = [Double](repeating: 0, count: m * n), bRaw = aRaw
        var reachable = [Bool](repeating: true, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                let l = lossModel.pair(bids[i], offers[j])
                losses.append(l)
                // Pairs above the buyer's loss limit get no variable, like unreachable ones (SPEC §3.1).
                reachable[i * n + j] = l.admits(bids[i])
                if reachable[i * n + j] {
                    aRaw[i * n + j] = CMAPSatisfaction.buyer(bids[i], offers[j], loss: l, market: market)
                    bRaw[i * n + j] = CMAPSatisfaction.seller(bids[i], offers[j], loss: l, market: market)
                }
            }
        }
        return (losses, CMAPSatisfaction.normalise(aRaw, include: reachable), CMAPSatisfaction.normalise(bRaw, include: reachable), reachable)
    }

    /// The pairs that get a variable: admissible (`reachable`, row-major [bid][offer]) and with
    /// the ask not above the bid, so the midpoint price never exceeds the buyer's bid.
    static func tradable(_ reachable: [Bool], bids: [Bid], offers: [Offer]) -> [Bool] {
        var allowed = reachable
        let n = offers.count
        for i in bids.indices { for j in offers.indices where offers[j].price > bids[i].price { allowed[i * n + j] = false } }
        return allowed
    }

    /// The first round's problem of a cycle, exactly as `clear` builds it.
    public static func roundOneProblem(_ inputs: CycleInputs) -> CMAPRoundProblem {
        let (_, a, b, reachable) = satisfactions(inputs)
        let demands = inputs.bidsByArrival.map(\.quantity), supplies = inputs.offersByArrival.map(\.quantity)
        var allowed = tradable(reachable, bids: inputs.bidsByArrival, offers: inputs.offersByArrival)
        for k in 0..<allowed.count where supplies[k % max(supplies.count, 1)] <= 0 { allowed[k] = false }
        return CMAPRoundProblem(demands: demands, supplies: supplies, a: a, b: b, allowed: allowed,
                                weights: inputs.market.cmap.objectiveWeights)
    }
}
