import GridClearCore
import Testing
import Foundation
@testable import Clearing

/// Differential tests of the GEMM dissimilarity: against the triple loop, and
/// against the committed output of the `kmodes` package (scripts/kproto_reference.py).
@Suite struct DissimilarityTests {
    /// |gemm − naive| ≤ 1e-12 × (‖a‖² + ‖b‖²), the magnitude the GEMM identity cancels from.
    func expectClose(_ a: DenseMatrix, _ b: DenseMatrix, g: DenseMatrix, ref: DenseMatrix) {
        let na = SquaredDistances.rowNorms(a), nb = SquaredDistances.rowNorms(b)
        var worst = 0.0
        for i in 0..<a.rows { for j in 0..<b.rows {
            let scale = max(1e-300, na[i] + nb[j])
            worst = max(worst, abs(g[i, j] - ref[i, j]) / scale)
        } }
        #expect(worst <= 1e-12, "worst relative deviation \(worst)")
    }

    @Test(arguments: [(1, 1, 1), (7, 3, 9), (40, 55, 9), (64, 17, 13), (5, 0, 4), (0, 5, 4), (3, 4, 0)])
    func gemmEqualsTripleLoop(_ shape: (Int, Int, Int)) {
        var g = SplitMix64(seed: UInt64(shape.0 * 1000 + shape.1 * 10 + shape.2))
        let (m, n, k) = shape
        var a = DenseMatrix(rows: m, cols: k), b = DenseMatrix(rows: n, cols: k)
        for i in 0..<a.values.count { a.values[i] = Double.random(in: -3...3, using: &g) }
        for i in 0..<b.values.count { b.values[i] = Double.random(in: -3...3, using: &g) }
        let gm = SquaredDistances.gemm(a, b), ref = SquaredDistances.naive(a, b)
        #expect(gm.rows == m && gm.cols == n)
        expectClose(a, b, g: gm, ref: ref)
    }

    @Test(arguments: [1, 3, 7, 64])
    func blockedGemmEqualsOneCall(_ rows: Int) {
        var g = SplitMix64(seed: UInt64(rows))
        var a = DenseMatrix(rows: 37, cols: 9), b = DenseMatrix(rows: 53, cols: 9)
        for i in 0..<a.values.count { a.values[i] = Double.random(in: 0...1, using: &g) }
        for i in 0..<b.values.count { b.values[i] = Double.random(in: 0...1, using: &g) }
        let blocked = SquaredDistances.gemm(a, b, blockRows: rows)
        expectClose(a, b, g: blocked, ref: SquaredDistances.naive(a, b))
        expectClose(a, b, g: blocked, ref: SquaredDistances.gemm(a, b, blockRows: 0))
    }

    @Test func gemmEqualsTripleLoopOnKProtoFeatures() {
        for seed in UInt64(1)...8 {
            let inp = randomInstance(seed: seed, bids: 30, offers: 45)
            let lm = LossModel(market: inp.market, grid: nil)
            let loss = inp.bids.flatMap { b in inp.offers.map { lm.pair(b, $0).lossPct } }
            let f = KProtoFeatures(bids: inp.bids, offers: inp.offers, pairLoss: loss, config: inp.market.kproto, market: inp.market)
            expectClose(f.buyers, f.sellers, g: SquaredDistances.gemm(f.buyers, f.sellers), ref: SquaredDistances.naive(f.buyers, f.sellers))
        }
    }

    @Test func oneHotColumnsGiveBetaTimesDelta() {
        var cfg = KProtoConfig()
        cfg.numericWeights = ["price": 0, "quantity": 0, "green": 0, "reputation": 0, "loss": 0]
        cfg.categoricalWeights = ["energy_type": 2.5]
        let offers = [mkOffer("a", price: 5000, qty: 1000, type: .wind, arrival: 0), mkOffer("b", price: 6000, qty: 900, type: .thermal, arrival: 1)]
        let bids = [mkBid("x", price: 5000, qty: 100, type: .wind, arrival: 0), mkBid("y", price: 5000, qty: 100, arrival: 1)]
        let f = KProtoFeatures(bids: bids, offers: offers, pairLoss: [0, 0, 0, 0], config: cfg, market: MarketConfig())
        let d = SquaredDistances.gemm(f.buyers, f.sellers)
        #expect(abs(d[0, 0]) < 1e-15)
        #expect(abs(d[0, 1] - 2.5) < 1e-14)
        // No wanted type: the same β/2 for every seller.
        #expect(abs(d[1, 0] - 1.25) < 1e-14 && abs(d[1, 1] - 1.25) < 1e-14)
    }

    @Test func matchesKmodesReference() throws {
        let url = try #require(Bundle.module.url(forResource: "kmodes_reference", withExtension: "json", subdirectory: "Fixtures/kproto"))
        let doc = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let bn = try #require(doc["buyers_numeric"] as? [[Double]]), sn = try #require(doc["sellers_numeric"] as? [[Double]])
        let bc = try #require(doc["buyers_categorical"] as? [[Int]]), sc = try #require(doc["sellers_categorical"] as? [[Int]])
        let gamma = try #require(doc["gamma"] as? Double), levels = try #require(doc["levels"] as? Int)
        let expected = try #require(doc["dissimilarity"] as? [[Double]])
        // Fold: numeric columns as they are (α = 1); each categorical column one-hot at √(γ/2).
        func features(_ num: [[Double]], _ cat: [[Int]]) -> DenseMatrix {
            let w = (gamma / 2).squareRoot()
            let rows = zip(num, cat).map { n, c in n + c.flatMap { v in (0..<levels).map { $0 == v ? w : 0 } } }
            return DenseMatrix(rows: rows, cols: rows[0].count)
        }
        let a = features(bn, bc), b = features(sn, sc)
        let d = SquaredDistances.gemm(a, b)
        var worst = 0.0
        for j in 0..<a.rows { for i in 0..<b.rows {
            worst = max(worst, abs(d[j, i] - expected[j][i]) / max(1, abs(expected[j][i])))
        } }
        #expect(worst <= 1e-12, "worst relative deviation from kmodes \(worst)")
    }
}
