import GridClearCore
import Foundation
@testable import Clearing

/// A monotonic clock for tests (never asserted on).
let cmapTestClock: @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }

enum CMAPInstances {
    /// A random round: satisfactions rounded to `grain` steps (so ties occur when grain is small),
    /// a fraction of pairs excluded, supplies possibly short of demand.
    static func random(m: Int, n: Int, seed: UInt64, maxWh: Wh = 50_000, excluded: Double = 0,
                       grain: Int = 0, zeroSupply: Double = 0.1) -> CMAPRoundProblem {
        var rng = SplitMix64(seed: seed)
        func sat() -> Double {
            let u = Double.random(in: 0...1, using: &rng)
            return grain > 0 ? (u * Double(grain)).rounded() / Double(grain) : u
        }
        let demands = (0..<m).map { _ in Wh.random(in: 1...maxWh, using: &rng) }
        let supplies = (0..<n).map { _ in Double.random(in: 0..<1, using: &rng) < zeroSupply ? 0 : Wh.random(in: 1...maxWh, using: &rng) }
        let a = (0..<(m * n)).map { _ in sat() }
        let b = (0..<(m * n)).map { _ in sat() }
        let allowed = (0..<(m * n)).map { _ in Double.random(in: 0..<1, using: &rng) >= excluded }
        let w1 = Double(Int.random(in: 1...9, using: &rng)) / 10
        return CMAPRoundProblem(demands: demands, supplies: supplies, a: a, b: b, allowed: allowed, weights: (w1, 1 - w1))
    }
}

/// Checks the exact integer constraints of a solution; returns the first violation.
func cmapViolation(_ p: CMAPRoundProblem, _ s: CMAPRoundSolution) -> String? {
    let m = p.demands.count, n = p.supplies.count
    guard s.flows.count == m * n, s.gridFlows.count == m else { return "wrong sizes" }
    for k in 0..<(m * n) {
        if s.flows[k] < 0 { return "negative flow at \(k)" }
        if !p.allowed[k] && s.flows[k] != 0 { return "excluded pair \(k) carries \(s.flows[k])" }
    }
    for i in 0..<m {
        if s.gridFlows[i] < 0 { return "negative grid flow for buyer \(i)" }
        let got = (0..<n).reduce(s.gridFlows[i]) { $0 + s.flows[i * n + $1] }
        if got != p.demands[i] { return "buyer \(i) gets \(got) Wh, demand \(p.demands[i])" }
    }
    for j in 0..<n {
        let sold = (0..<m).reduce(Wh(0)) { $0 + s.flows[$1 * n + j] }
        if sold > p.supplies[j] { return "seller \(j) sells \(sold) Wh > supply \(p.supplies[j])" }
    }
    if s.gridFlows.reduce(0, +) != s.gridCapacity { return "grid flows \(s.gridFlows.reduce(0, +)) != capacity \(s.gridCapacity)" }
    return nil
}

/// |x − y| ≤ tol · max(1, |x|, |y|).
func cmapClose(_ x: Double, _ y: Double, _ tol: Double = 1e-9) -> Bool {
    abs(x - y) <= tol * max(1, abs(x), abs(y))
}
