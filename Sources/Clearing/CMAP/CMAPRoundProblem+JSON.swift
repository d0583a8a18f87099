import GridClearCore
import Foundation

extension CMAPRoundProblem {
    /// The JSON exchange form of a round problem, shared with
    /// `scripts/cmap_reference.py` (benchmark dumps and test fixtures):
    /// `{"demands":[Wh], "supplies":[Wh], "a":[m*n], "b":[m*n], "allowed":[m*n], "weights":[w1,w2]}`.
    public struct JSONForm: Codable, Sendable {
        public var demands: [Wh]
        public var supplies: [Wh]
        public var a: [Double]
        public var b: [Double]
        public var allowed: [Bool]
        public var weights: [Double]
    }

    /// Decodes the JSON exchange form. Throws `CMAPSolverError.invalidModel` for a malformed document.
    public init(json data: Data) throws {
        let f: JSONForm
        do { f = try JSONDecoder().decode(JSONForm.self, from: data) }
        catch { throw CMAPSolverError.invalidModel("problem JSON: \(error)") }
        guard f.weights.count == 2 else { throw CMAPSolverError.invalidModel("problem JSON: weights must have 2 entries") }
        self.init(demands: f.demands, supplies: f.supplies, a: f.a, b: f.b, allowed: f.allowed,
                  weights: (f.weights[0], f.weights[1]))
    }

    /// Encodes the JSON exchange form (doubles round-trip exactly).
    public func jsonData() throws -> Data {
        try JSONEncoder().encode(JSONForm(demands: demands, supplies: supplies, a: a, b: b,
                                          allowed: allowed, weights: [weights.0, weights.1]))
    }

    /// A seeded random round for benchmarks and tests: demands and supplies uniform in
    /// 1...maxWh (supplies scaled by `supplyFactor`), satisfactions uniform in [0, 1],
    /// every pair allowed (a round-1 model). Uses SplitMix64 on `seed`, nothing global.
    public static func random(buyers m: Int, sellers n: Int, seed: UInt64, maxWh: Wh = 100_000,
                              supplyFactor: Double = 1.0) -> CMAPRoundProblem {
        var rng = SplitMix64(seed: seed)
        func unit() -> Double { rng.nextUnitDouble() }
        func wh() -> Wh { 1 + Wh(rng.next() % UInt64(maxWh)) }
        let demands = (0..<m).map { _ in wh() }
        let supplies = (0..<n).map { _ in Wh((Double(wh()) * supplyFactor).rounded()) }
        let a = (0..<(m * n)).map { _ in unit() }
        let b = (0..<(m * n)).map { _ in unit() }
        return CMAPRoundProblem(demands: demands, supplies: supplies, a: a, b: b)
    }
}
