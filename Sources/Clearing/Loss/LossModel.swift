import GridClearCore
import GridClearSystem
import RealModule

/// Distance and transmission loss of a buyer–seller pair (SPEC §3.6).
public struct PairLoss: Sendable, Hashable {
    public var distanceKm: Double
    public var lossPct: Double
    /// False when no path exists in `grid.json` (the pair cannot trade).
    public var reachable: Bool
    /// Σ `network_fee` (ticks per kWh) of the `grid.json` lines on the least-loss path; 0 for
    /// coordinates. Follows the path the loss chose, never changes which path that is.
    public var networkFee: PriceTicks
    public init(distanceKm: Double, lossPct: Double, reachable: Bool = true, networkFee: PriceTicks = 0) {
        self.distanceKm = distanceKm; self.lossPct = lossPct; self.reachable = reachable; self.networkFee = networkFee
    }
}

/// Computes pair losses either by haversine between coordinates (mean Earth radius
/// 6371.0 km, loss % = distance × loss_pct_per_km) or by the least-loss path over
/// `grid.json` (Dijkstra; ties between equal-loss paths broken by shorter distance,
/// then by node id order, so results are deterministic).
public struct LossModel: Sendable {
    public static let earthRadiusKm = 6371.0
    public let lossPctPerKm: Double
    private let graph: PathGraph?

    public init(market: MarketConfig, grid: GridTopology?) {
        self.lossPctPerKm = market.lossPctPerKm
        self.graph = grid.map { PathGraph($0, defaultRate: market.lossPctPerKm) }
    }

    /// Great-circle distance in km between two WGS84 points.
    public static func haversineKm(lat1: Double, lon1: Double, lat2: Double, lon2: Double) -> Double {
        let r = Double.pi / 180
        let dLat = (lat2 - lat1) * r, dLon = (lon2 - lon1) * r
        let sinLat = Double.sin(dLat / 2), sinLon = Double.sin(dLon / 2)
        let a = sinLat * sinLat + Double.cos(lat1 * r) * Double.cos(lat2 * r) * sinLon * sinLon
        return 2 * earthRadiusKm * Double.asin(min(1, a.squareRoot()))
    }

    /// Loss of energy flowing from `from` (seller) to `to` (buyer).
    public func pair(from: Location, to: Location) -> PairLoss {
        switch (from, to) {
        case let (.coordinates(la1, lo1), .coordinates(la2, lo2)):
            let d = Self.haversineKm(lat1: la1, lon1: lo1, lat2: la2, lon2: lo2)
            return PairLoss(distanceKm: d, lossPct: d * lossPctPerKm)
        case let (.node(a), .node(b)):
            guard let g = graph, let p = g.leastLoss(from: a, to: b) else {
                return PairLoss(distanceKm: .infinity, lossPct: .infinity, reachable: false)
            }
            return p
        default:
            return PairLoss(distanceKm: .infinity, lossPct: .infinity, reachable: false)
        }
    }

    /// Loss of the pair (seller of `offer` → buyer of `bid`).
    public func pair(_ bid: Bid, _ offer: Offer) -> PairLoss { pair(from: offer.location, to: bid.location) }

    /// All pair losses, row-major `[bid][offer]`.
    public func matrix(bids: [Bid], offers: [Offer]) -> [[PairLoss]] {
        bids.map { b in offers.map { o in pair(b, o) } }
    }
}

/// Dijkstra over the grid graph with loss as the weight (memoised per source).
final class PathGraph: @unchecked Sendable {
    private let index: [String: Int]
    private let ids: [String]
    private let routerLoss: [Double]
    private let adj: [[(to: Int, loss: Double, km: Double, fee: PriceTicks)]]
    private var cache: [Int: [PairLoss?]] = [:]
    private let lock = Mutex()

    init(_ g: GridTopology, defaultRate: Double) {
        let sortedNodes = g.nodes.sorted { $0.id < $1.id }
        ids = sortedNodes.map(\.id)
        var idx: [String: Int] = [:]
        for (i, n) in sortedNodes.enumerated() { idx[n.id] = i }
        index = idx
        routerLoss = sortedNodes.map { $0.kind == "router" ? $0.conversionLossPct : 0 }
        var a = Array(repeating: [(to: Int, loss: Double, km: Double, fee: PriceTicks)](), count: sortedNodes.count)
        for l in g.lines {
            guard let f = idx[l.from], let t = idx[l.to] else { continue }
            a[f].append((t, l.lengthKm * (l.lossPctPerKm ?? defaultRate), l.lengthKm, l.networkFee))
        }
        adj = a
    }

    func leastLoss(from: String, to: String) -> PairLoss? {
        guard let s = index[from], let t = index[to] else { return nil }
        if s == t { return PairLoss(distanceKm: 0, lossPct: 0) }
        lock.lock(); defer { lock.unlock() }
        if cache[s] == nil { cache[s] = run(source: s) }
        return cache[s]![t]
    }

    private func run(source s: Int) -> [PairLoss?] {
        let n = ids.count
        var best = Array(repeating: (loss: Double.infinity, km: Double.infinity), count: n)
        var fee = Array(repeating: PriceTicks(0), count: n)
        var done = Array(repeating: false, count: n)
        best[s] = (0, 0)
        // O(n²) selection keeps ties deterministic (lowest loss, then km, then node index); grids are small.
        for _ in 0..<n {
            var u = -1
            for v in 0..<n where !done[v] && best[v].loss.isFinite {
                if u < 0 || best[v].loss < best[u].loss || (best[v].loss == best[u].loss && best[v].km < best[u].km) { u = v }
            }
            if u < 0 { break }
            done[u] = true
            // Passing through a router (not the source) costs its conversion loss.
            let via = u == s ? 0 : routerLoss[u]
            for e in adj[u] where !done[e.to] {
                let cand = (loss: best[u].loss + via + e.loss, km: best[u].km + e.km)
                if cand.loss < best[e.to].loss || (cand.loss == best[e.to].loss && cand.km < best[e.to].km) {
                    best[e.to] = cand
                    fee[e.to] = fee[u] + e.fee
                }
            }
        }
        return (0..<n).map { v in best[v].loss.isFinite ? PairLoss(distanceKm: best[v].km, lossPct: best[v].loss, networkFee: fee[v]) : nil }
    }
}
